import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { clip, isDeviceId, type Point } from '@hv/contracts';
import { serializePoint } from '@hv/timeseries';
import { toDeadLetter, type DeadLetterSink } from './dead-letter.publisher';
import { IngestMetrics } from './ingest.metrics';
import type { DeviceDirectory } from './pipeline/device-directory';
import { Normalizer, type Normalized } from './pipeline/normalizer';
import { Rejection } from './pipeline/rejection';
import type { InboundMessage } from './transport/durable-mqtt.server';
import { BatchWriter } from './writer/batch-writer';

export const DEVICE_DIRECTORY = Symbol('DEVICE_DIRECTORY');
export const DEAD_LETTER_SINK = Symbol('DEAD_LETTER_SINK');

/**
 * Where every message ends. handle() resolves only when the message is at one of them,
 * and the transport acknowledges it then:
 *  1. stored: a point in InfluxDB (BatchWriter → /write);
 *  2. spooled: a point in the disk spool, replayed into InfluxDB when it is back;
 *  3. quarantined: InfluxDB refused its batch (4xx); kept on disk, counted, logged;
 *  4. dead-lettered: rejected with a reason, counted, published on hv/dlq/v1/{reason}.
 * Until then it is not acknowledged, so the broker still holds it.
 */
@Injectable()
export class IngestService implements OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);

  constructor(
    private readonly normalizer: Normalizer,
    private readonly writer: BatchWriter,
    @Inject(DEAD_LETTER_SINK) private readonly deadLetters: DeadLetterSink,
    @Inject(DEVICE_DIRECTORY) private readonly devices: DeviceDirectory,
    private readonly metrics: IngestMetrics,
  ) {}

  handle(msg: InboundMessage): Promise<void> {
    this.metrics.received++;
    let normalized: Normalized | Promise<Normalized>;
    try {
      normalized = this.normalizer.normalize(msg.topic, msg.payload, msg.receivedAtMs);
    } catch (error) {
      normalized = new Rejection('schema', `unexpected: ${clip((error as Error).message, 120)}`);
    }
    return normalized instanceof Promise
      ? normalized.then((n) => this.route(n, msg), (e: Error) => this.deadLetter(new Rejection('unknown_device', `registry lookup failed: ${clip(e.message, 120)}`), msg))
      : this.route(normalized, msg);
  }

  private route(normalized: Normalized, msg: InboundMessage): Promise<void> {
    if (normalized instanceof Rejection) return this.deadLetter(normalized, msg);
    let line: string;
    try {
      line = serializePoint(normalized as Point);
    } catch (error) {
      return this.deadLetter(new Rejection('schema', clip((error as Error).message, 120)), msg);
    }
    return this.writer.add(line);
  }

  private deadLetter(rejection: Rejection, msg: InboundMessage): Promise<void> {
    // Metric labels only for ids the registry knows: a fuzzer must not create series.
    const device = rejection.device && isDeviceId(rejection.device) && this.devices.isKnown(rejection.device) ? rejection.device : '_unregistered';
    const tenant = rejection.tenant && this.devices.hasTenant(rejection.tenant) ? rejection.tenant : '_unregistered';
    this.metrics.reject(rejection.reason, tenant, device);
    return this.deadLetters.publish(toDeadLetter(rejection, msg));
  }

  /** On shutdown: write what is batched (or spool it) before the process goes. */
  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
    await this.deadLetters.close();
    this.logger.log(`ingest stopped: ${this.metrics.storedPoints} stored, ${this.metrics.spooledPoints} spooled, ${this.metrics.rejectedCount} rejected`);
  }
}
