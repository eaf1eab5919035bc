import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { INFLUX_OPTIONS, type InfluxOptions } from './influx.options';
import { InfluxRepository } from './influx.repository';

export interface TimeseriesModuleOptions extends InfluxOptions {
  /** CREATE DATABASE at start-up (demo, tests, a fresh 1.x). Off for 2.x/3.x, where buckets are provisioned. */
  createDatabase?: boolean;
}

/** Closes the kept-alive sockets when the app shuts down, so the process can exit. */
@Injectable()
class TimeseriesShutdown implements OnApplicationShutdown {
  constructor(private readonly influx: InfluxRepository) {}

  onApplicationShutdown(): void {
    this.influx.close();
  }
}

/** InfluxDB for the whole app: one InfluxRepository (one keep-alive pool) shared by every module. */
@Global()
@Module({})
export class TimeseriesModule {
  static forRoot(options: TimeseriesModuleOptions): DynamicModule {
    const { createDatabase, ...influx } = options;
    return {
      module: TimeseriesModule,
      providers: [
        { provide: INFLUX_OPTIONS, useValue: influx satisfies InfluxOptions },
        {
          provide: InfluxRepository,
          inject: [INFLUX_OPTIONS],
          // The database is created in the factory, not in onModuleInit: providers that use the
          // repository (the batch writer replays its spool as soon as it is built) are built
          // before any onModuleInit runs, and a write to a missing database is a rejection.
          // A failure stops start-up rather than running against no database.
          useFactory: async (opts: InfluxOptions): Promise<InfluxRepository> => {
            const repository = new InfluxRepository(opts);
            if (createDatabase) {
              try {
                await repository.createDatabase();
              } catch (error) {
                repository.close();
                throw error;
              }
            }
            return repository;
          },
        },
        TimeseriesShutdown,
      ],
      exports: [INFLUX_OPTIONS, InfluxRepository],
    };
  }
}
