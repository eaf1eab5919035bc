export * from './atmo-day';
export * from './rollups';
export * from './spot-hours';
export * from './aggregates.options';
export * from './aggregates.service';
export * from './aggregates.scheduler';
export * from './aggregates.module';
