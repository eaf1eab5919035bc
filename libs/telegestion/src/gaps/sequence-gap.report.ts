import { Logger } from '@nestjs/common';
import type { Point } from '@hv/contracts';
import type { InfluxRepository } from '@hv/timeseries';
import type { SequenceGapCounter } from './sequence-gap.counter';

/**
 * Points kept while InfluxDB is away: a period writes one point per tenant and domain with
 * traffic (≈ 3,200 for the Aisne's 800 communes) plus its lossy devices, so this is about
 * half an hour of the whole territory at the default 60 s; older points are dropped, counted.
 */
const MAX_BACKLOG_POINTS = 100_000;

/**
 * Writes the gap counter's figures every report period (and once more at shutdown), so
 * that the hot path writes nothing per uplink. A period InfluxDB refused waits and goes
 * with the next one.
 */
export class SequenceGapReport {
  private readonly logger = new Logger(SequenceGapReport.name);
  private timer: NodeJS.Timeout | undefined;
  private backlog: Point[] = [];
  /** Writes run one after another: a period is never overtaken by the next. */
  private chain: Promise<void> = Promise.resolve();
  /** Points dropped because InfluxDB stayed away past MAX_BACKLOG_POINTS. */
  dropped = 0;

  constructor(
    private readonly counter: SequenceGapCounter,
    private readonly influx: InfluxRepository,
    private readonly periodMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.write(), this.periodMs);
    this.timer.unref();
  }

  /** The last period's figures, written before the process goes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.write();
  }

  /** Takes the period's points and writes them with any still waiting. */
  write(): Promise<void> {
    // concat, not push(...): a period may hold tens of thousands of lossy devices (a spread that large overflows the stack).
    this.backlog = this.backlog.concat(this.counter.take(this.clock()));
    const excess = this.backlog.length - MAX_BACKLOG_POINTS;
    if (excess > 0) {
      this.backlog.splice(0, excess);
      this.dropped += excess;
      this.logger.warn(`${excess} sequence-gap points dropped: InfluxDB unreachable for too long`);
    }
    this.chain = this.chain.then(() => this.writeBacklog());
    return this.chain;
  }

  private async writeBacklog(): Promise<void> {
    if (this.backlog.length === 0) return;
    const points = this.backlog;
    this.backlog = [];
    try {
      await this.influx.writePoints(points);
    } catch (error) {
      this.backlog = points.concat(this.backlog);
      this.logger.debug(`sequence-gap points not written yet (${this.backlog.length} waiting): ${(error as Error).message}`);
    }
  }
}
