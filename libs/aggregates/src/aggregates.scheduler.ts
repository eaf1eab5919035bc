import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AggregatesService } from './aggregates.service';
import { AGGREGATES_OPTIONS, type AggregatesOptions } from './aggregates.options';

/**
 * Runs the aggregation on the wall clock every `everyS` seconds (`AggregatesService.refresh`):
 * the current hour, day and ATMO day are rewritten until they are over, and the previous
 * ones once more after that, so readings that arrive late by less than an hour are counted.
 */
@Injectable()
export class AggregatesScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('aggregates');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly service: AggregatesService,
    @Inject(AGGREGATES_OPTIONS) private readonly options: AggregatesOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.everyS <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.options.everyS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One run, skipped while the previous one is still going. */
  tick(now = Date.now()): Promise<void> {
    this.running ??= this.service
      .refresh(now)
      .then((r) => this.log.debug(`aggregated: ${JSON.stringify(r)}`))
      .catch((error: Error) => this.log.warn(`aggregation failed, retried in ${this.options.everyS} s: ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
