import { Logger } from '@nestjs/common';
import { InfluxRejectedError } from '@hv/timeseries';
import type { DiskSpool } from './disk-spool';

/** Where batches go: InfluxDB's /write in production. Throws InfluxRejectedError for a 4xx. */
export interface LineSink {
  write(body: string): Promise<void>;
}

export interface BatchWriterOptions {
  /** Lines per write (InfluxDB takes 5,000-line bodies at full speed). */
  batchLines: number;
  /** A partial batch is written after this long, ms. */
  flushMs: number;
  /** Writes in flight at once; 2 overlaps one write's network wait with the next batch. */
  maxConcurrentWrites?: number;
}

export interface BatchWriterEvents {
  stored(points: number, seconds: number): void;
  spooled(points: number): void;
  replayed(points: number): void;
  quarantined(points: number, reason: string): void;
}

interface Batch {
  lines: string[];
  done: Promise<void>;
  resolve: () => void;
}

const REPLAY_BACKOFF_MS = [100, 250, 500, 1_000, 2_000];

/**
 * Groups lines into batches and makes each batch durable: written to InfluxDB, or, while
 * InfluxDB is unavailable, appended to the disk spool and replayed in order later. The
 * promise add() returns resolves when the line's batch is durable; it never rejects, and
 * while the spool is full it stays pending (so the caller stops acknowledging).
 */
export class BatchWriter {
  private readonly logger = new Logger(BatchWriter.name);
  private current: Batch = newBatch();
  private timer: NodeJS.Timeout | undefined;
  private readonly writing = new Set<Promise<void>>();
  private activeWrites = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private influxDown = false;
  private replaying: Promise<void> | undefined;
  private roomWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly sink: LineSink,
    private readonly spool: DiskSpool,
    /** Batches InfluxDB refused (4xx) are kept here for an operator, never dropped. */
    private readonly quarantine: DiskSpool,
    private readonly options: BatchWriterOptions,
    private readonly events: BatchWriterEvents,
  ) {}

  /** Replays whatever an earlier run left in the spool. */
  start(): void {
    if (!this.spool.isEmpty()) this.kickReplay();
  }

  get pendingLines(): number {
    return this.current.lines.length;
  }

  add(line: string): Promise<void> {
    const batch = this.current;
    batch.lines.push(line);
    if (batch.lines.length >= this.options.batchLines) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.flushMs);
    return batch.done;
  }

  /** Writes the current batch now (size reached, timer fired, or shutdown). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.current;
    if (batch.lines.length === 0) return;
    this.current = newBatch();
    const job = this.acquireSlot()
      .then(() => this.persist(batch))
      .finally(() => this.releaseSlot());
    this.writing.add(job);
    void job.finally(() => this.writing.delete(job));
  }

  /** Flushes and waits until every line added so far is durable (or the spool is full). */
  async drain(): Promise<void> {
    this.flush();
    while (this.writing.size > 0) await Promise.all(this.writing);
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    await this.replaying;
  }

  /**
   * At most maxConcurrentWrites batches persist at once; the others wait their turn in
   * FIFO order (a slot is handed from a finishing batch to the oldest waiting one).
   */
  private acquireSlot(): Promise<void> {
    if (this.activeWrites < (this.options.maxConcurrentWrites ?? 2)) {
      this.activeWrites++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.activeWrites--;
  }

  private async persist(batch: Batch): Promise<void> {
    const body = batch.lines.join('\n');
    const count = batch.lines.length;
    for (;;) {
      // Straight to InfluxDB only when nothing older waits in the spool: replay keeps order.
      if (!this.influxDown && this.spool.isEmpty()) {
        const started = process.hrtime.bigint();
        try {
          await this.sink.write(body);
          this.events.stored(count, Number(process.hrtime.bigint() - started) / 1e9);
          break;
        } catch (error) {
          if (await this.quarantineIfRejected(error, body, count)) break;
          this.markDown(error);
        }
      }
      if (this.spool.hasRoom(Buffer.byteLength(body))) {
        try {
          await this.spool.append(body);
          this.events.spooled(count);
          this.kickReplay();
          break;
        } catch (error) {
          // A full or failing disk: keep the batch in memory, unacknowledged, and retry.
          this.logger.error(`spool append failed, retrying: ${(error as Error).message}`);
          await sleep(1_000);
          continue;
        }
      }
      // Spool full: this batch (and so every later ack) waits for the replay to free room.
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    batch.resolve();
  }

  /**
   * InfluxDB refused the batch itself (4xx: field type conflict, partial write). Retrying
   * cannot help; the batch is kept on disk in the spool's quarantine folder and counted,
   * never dropped silently.
   */
  private async quarantineIfRejected(error: unknown, body: string, count: number): Promise<boolean> {
    if (!(error instanceof InfluxRejectedError)) return false;
    this.logger.error(`InfluxDB rejected a batch of ${count} lines: ${error.message}`);
    await this.quarantine.append(body).catch((e: Error) => this.logger.error(`quarantine failed: ${e.message}`));
    this.events.quarantined(count, error.message);
    return true;
  }

  private markDown(error: unknown): void {
    if (!this.influxDown) this.logger.warn(`InfluxDB unavailable, spooling to disk: ${(error as Error).message}`);
    this.influxDown = true;
  }

  private kickReplay(): void {
    this.replaying ??= this.replay().finally(() => {
      this.replaying = undefined;
      if (!this.spool.isEmpty() && !this.closed) this.kickReplay();
    });
  }

  /** Drains the spool oldest first, backing off while InfluxDB stays unavailable. */
  private async replay(): Promise<void> {
    let attempt = 0;
    for (;;) {
      const segment = await this.spool.oldest();
      if (!segment) break;
      try {
        await this.sink.write(segment.body);
        attempt = 0;
        this.events.replayed(countLines(segment.body));
      } catch (error) {
        if (!(await this.quarantineIfRejected(error, segment.body, countLines(segment.body)))) {
          if (this.closed) return;
          await sleep(REPLAY_BACKOFF_MS[Math.min(attempt++, REPLAY_BACKOFF_MS.length - 1)]!);
          continue;
        }
      }
      await this.spool.remove(segment.name);
      for (const wake of this.roomWaiters.splice(0)) wake();
    }
    if (this.influxDown) this.logger.log('spool replayed, writing to InfluxDB again');
    this.influxDown = false;
  }
}

function newBatch(): Batch {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { lines: [], done, resolve };
}

function countLines(body: string): number {
  let n = 1;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) n++;
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
