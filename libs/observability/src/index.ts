export * from './health.registry';
export * from './metrics.registry';
export * from './observability.module';
