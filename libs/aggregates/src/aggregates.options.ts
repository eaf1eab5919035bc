export interface AggregatesOptions {
  /** Seconds between two runs of the scheduler; 0 leaves it to callers (tests, backfills). */
  everyS: number;
}

export const AGGREGATES_OPTIONS = Symbol('AGGREGATES_OPTIONS');
