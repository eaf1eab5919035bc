import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { HealthRegistry } from '@hv/observability';
import { InfluxRepository } from '@hv/timeseries';
import { join } from 'node:path';
import { MqttDeadLetterSink } from './dead-letter.publisher';
import { IngestController } from './ingest.controller';
import { IngestMetrics } from './ingest.metrics';
import { INGEST_OPTIONS, type IngestOptions } from './ingest.options';
import { DEAD_LETTER_SINK, DEVICE_DIRECTORY, IngestService } from './ingest.service';
import { Normalizer, RegistryDeviceDirectory, type DeviceSource } from '@hv/uplink';
import { BatchWriter } from './writer/batch-writer';
import { DiskSpool } from './writer/disk-spool';

export const DEVICE_SOURCE = Symbol('DEVICE_SOURCE');

/**
 * Ingest: MQTT uplinks → validated points → InfluxDB. Needs InfluxRepository (the global
 * TimeseriesModule) and, as `deviceSource`, a provider of DEVICE_SOURCE: the registry, e.g.
 * `{ provide: DEVICE_SOURCE, useExisting: DeviceRepository }` from the global StateModule.
 */
@Module({})
export class IngestModule {
  static forRoot(options: IngestOptions, deviceSource: Provider): DynamicModule {
    return {
      module: IngestModule,
      controllers: [IngestController],
      providers: [
        deviceSource,
        { provide: INGEST_OPTIONS, useValue: options },
        IngestMetrics,
        {
          provide: DEVICE_DIRECTORY,
          inject: [DEVICE_SOURCE],
          useFactory: async (source: DeviceSource) => {
            const directory = new RegistryDeviceDirectory(source);
            await directory.load();
            directory.startRefresh();
            return directory;
          },
        },
        {
          provide: Normalizer,
          inject: [DEVICE_DIRECTORY],
          useFactory: (devices: RegistryDeviceDirectory) =>
            new Normalizer(devices, { maxPayloadBytes: options.maxPayloadBytes, maxFutureMs: options.maxFutureMs, maxPastMs: options.maxPastMs }),
        },
        {
          provide: BatchWriter,
          inject: [InfluxRepository, IngestMetrics, HealthRegistry],
          useFactory: async (influx: InfluxRepository, metrics: IngestMetrics, health: HealthRegistry) => {
            const spool = new DiskSpool(options.spoolDir, options.spoolMaxBytes);
            const quarantine = new DiskSpool(join(options.spoolDir, 'quarantine'), Number.MAX_SAFE_INTEGER);
            await spool.open();
            await quarantine.open();
            metrics.spoolBytes = () => spool.bytes;
            health.register({ name: 'influxdb', check: () => influx.ping().then(() => true) });
            const writer = new BatchWriter(influx, spool, quarantine, { batchLines: options.batchLines, flushMs: options.flushMs }, metrics);
            writer.start();
            return writer;
          },
        },
        {
          provide: DEAD_LETTER_SINK,
          useFactory: () =>
            new MqttDeadLetterSink({
              url: options.mqtt.url,
              clientId: `${options.mqtt.clientId}-dlq`,
              username: options.mqtt.username,
              password: options.mqtt.password,
            }),
        },
        IngestService,
      ],
      exports: [IngestService, IngestMetrics],
    };
  }
}
