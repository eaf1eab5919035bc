import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT = /^(\d{12})\.lp$/;

/**
 * An append-only folder of line-protocol segments, one per batch, named by a sequence
 * number so that replay is in arrival order. A segment is written to a temporary file,
 * fsynced, then renamed (atomic), and the folder fsynced: once append() resolves the batch
 * survives a crash or SIGKILL, which is what lets ingest acknowledge its messages.
 */
export class DiskSpool {
  private nextSeq = 1;
  private totalBytes = 0;
  private readonly sizes = new Map<string, number>();

  constructor(
    readonly dir: string,
    /** Bound on the spool's size, bytes; past it, appends wait and acks stop. */
    readonly maxBytes: number,
  ) {}

  /** Scans what an earlier run left (replayed first) and drops unfinished temporary files. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of (await readdir(this.dir)).sort()) {
      const m = SEGMENT.exec(name);
      if (name.endsWith('.tmp')) await unlink(join(this.dir, name));
      if (!m) continue;
      const size = (await stat(join(this.dir, name))).size;
      this.sizes.set(name, size);
      this.totalBytes += size;
      this.nextSeq = Math.max(this.nextSeq, Number(m[1]) + 1);
    }
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get segments(): number {
    return this.sizes.size;
  }

  isEmpty(): boolean {
    return this.sizes.size === 0;
  }

  hasRoom(bytes: number): boolean {
    return this.totalBytes + bytes <= this.maxBytes || this.sizes.size === 0;
  }

  async append(body: string): Promise<void> {
    const name = `${String(this.nextSeq++).padStart(12, '0')}.lp`;
    const tmp = join(this.dir, `${name}.tmp`);
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(body);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(tmp, join(this.dir, name));
    await this.syncDir();
    const size = Buffer.byteLength(body);
    this.sizes.set(name, size);
    this.totalBytes += size;
  }

  /** The oldest segment, or undefined when the spool is empty. */
  async oldest(): Promise<{ name: string; body: string } | undefined> {
    const name = this.sizes.keys().next().value;
    if (name === undefined) return undefined;
    return { name, body: await readFile(join(this.dir, name), 'utf8') };
  }

  async remove(name: string): Promise<void> {
    await unlink(join(this.dir, name));
    this.totalBytes -= this.sizes.get(name) ?? 0;
    this.sizes.delete(name);
  }

  private async syncDir(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
