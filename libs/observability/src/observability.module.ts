import { Global, Module } from '@nestjs/common';
import { HealthRegistry } from './health.registry';
import { MetricsRegistry } from './metrics.registry';
import { ObservabilityController } from './observability.controller';

@Global()
@Module({
  providers: [MetricsRegistry, HealthRegistry],
  controllers: [ObservabilityController],
  exports: [MetricsRegistry, HealthRegistry],
})
export class ObservabilityModule {}
