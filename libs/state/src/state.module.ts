import { Global, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Database, type DatabaseOptions } from './database';
import { DeviceRepository } from './device.repository';
import { DeviceModelRepository } from './device-model.repository';
import { GatewayRepository } from './gateway.repository';
import { migrate } from './migrations';
import { TenantRepository } from './tenant.repository';

export interface StateModuleOptions extends DatabaseOptions {
  /** PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:15432/hyperviseur. */
  url: string;
  /**
   * Apply pending migrations before anything uses the database. Safe with several
   * instances starting at once (advisory lock); leave it off where a deploy step migrates.
   */
  migrate?: boolean;
}

const STATE_OPTIONS = Symbol('STATE_OPTIONS');

/** Closes the pool once every other provider's shutdown work (which may write) is done. */
@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(private readonly db: Database) {}

  onApplicationShutdown(): Promise<void> {
    return this.db.close();
  }
}

/**
 * The state store for every app: one pool, the registry's repositories, migrations at
 * start-up when asked. Global, so that feature modules inject repositories without
 * importing it again.
 */
@Global()
@Module({})
export class StateModule {
  static forRoot(options: StateModuleOptions): DynamicModule {
    return {
      module: StateModule,
      providers: [
        { provide: STATE_OPTIONS, useValue: options },
        {
          provide: Database,
          inject: [STATE_OPTIONS],
          // The repositories get the Database only once it is migrated: no query can run
          // against a schema older than the code.
          useFactory: async (opts: StateModuleOptions): Promise<Database> => {
            const db = new Database(opts.url, { max: opts.max, applicationName: opts.applicationName });
            if (!opts.migrate) return db;
            try {
              const applied = await migrate(db);
              if (applied.length) new Logger(StateModule.name).log(`schema migrated (${applied.length} applied)`);
              return db;
            } catch (error) {
              await db.close();
              throw error;
            }
          },
        },
        DatabaseCloser,
        TenantRepository,
        DeviceRepository,
        GatewayRepository,
        DeviceModelRepository,
      ],
      exports: [Database, TenantRepository, DeviceRepository, GatewayRepository, DeviceModelRepository],
    };
  }
}
