export * from './line-protocol';
export * from './timeseries.errors';
export * from './influx.options';
export * from './influxql';
export * from './influx.repository';
export * from './timeseries.module';
