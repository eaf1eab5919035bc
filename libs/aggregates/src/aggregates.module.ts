import { type DynamicModule, Module } from '@nestjs/common';
import { AGGREGATES_OPTIONS, type AggregatesOptions } from './aggregates.options';
import { AggregatesScheduler } from './aggregates.scheduler';
import { AggregatesService } from './aggregates.service';

/** The ATMO index and the rollups, on a schedule; needs the global TimeseriesModule. */
@Module({})
export class AggregatesModule {
  static forRoot(options: AggregatesOptions): DynamicModule {
    return {
      module: AggregatesModule,
      providers: [{ provide: AGGREGATES_OPTIONS, useValue: options }, AggregatesService, AggregatesScheduler],
      exports: [AggregatesService],
    };
  }
}
