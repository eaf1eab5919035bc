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
  /**
   * Segments by name, in sequence order: a segment is listed (and its bytes counted) from
   * the moment its append starts, so that concurrent appends cannot overshoot maxBytes and
   * replay waits for an older segment still being written rather than skipping it.
   */
  private readonly segmentsByName = new Map<string, { size: number; written: Promise<boolean> }>();

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
      this.segmentsByName.set(name, { size, written: Promise.resolve(true) });
      this.totalBytes += size;
      this.nextSeq = Math.max(this.nextSeq, Number(m[1]) + 1);
    }
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get segments(): number {
    return this.segmentsByName.size;
  }

  isEmpty(): boolean {
    return this.segmentsByName.size === 0;
  }

  /** An empty spool always takes one batch, however large: a batch is never stuck for size alone. */
  hasRoom(bytes: number): boolean {
    return this.totalBytes + bytes <= this.maxBytes || this.segmentsByName.size === 0;
  }

  async append(body: string): Promise<void> {
    const name = `${String(this.nextSeq++).padStart(12, '0')}.lp`;
    const size = Buffer.byteLength(body);
    let settle!: (ok: boolean) => void;
    this.segmentsByName.set(name, { size, written: new Promise<boolean>((resolve) => (settle = resolve)) });
    this.totalBytes += size;
    const tmp = join(this.dir, `${name}.tmp`);
    try {
      const file = await open(tmp, 'w');
      try {
        await file.writeFile(body);
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(tmp, join(this.dir, name));
      await this.syncDir();
      settle(true);
    } catch (error) {
      this.segmentsByName.delete(name);
      this.totalBytes -= size;
      settle(false);
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  }

  /** The oldest segment (waiting for it if it is still being written), or undefined when empty. */
  async oldest(): Promise<{ name: string; body: string } | undefined> {
    for (;;) {
      const first = this.segmentsByName.entries().next().value;
      if (first === undefined) return undefined;
      const [name, segment] = first;
      if (await segment.written) return { name, body: await readFile(join(this.dir, name), 'utf8') };
      // That append failed and was withdrawn: look again.
    }
  }

  async remove(name: string): Promise<void> {
    await unlink(join(this.dir, name));
    this.totalBytes -= this.segmentsByName.get(name)?.size ?? 0;
    this.segmentsByName.delete(name);
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
