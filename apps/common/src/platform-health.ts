import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@hv/observability';
import { Database } from '@hv/state';

/** Puts PostgreSQL's reachability in /health (InfluxDB's is registered by ingest, the broker's by the transport). */
@Injectable()
export class PlatformHealth implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly db: Database,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'postgres', check: () => this.db.ping().then(() => true) });
  }
}
