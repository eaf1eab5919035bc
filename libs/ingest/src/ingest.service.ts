import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { clip, isDeviceId } from '@hv/contracts';
import { InfluxRepository } from '@hv/timeseries';
import { Normalizer, Rejection, type DeviceDirectory, type InboundMessage, type Normalized } from '@hv/uplink';
import { toDeadLetter, type DeadLetterSink } from './dead-letter.publisher';
import { IngestReport } from './ingest-report';
import { IngestMetrics } from './ingest.metrics';
import { INGEST_OPTIONS, type IngestOptions } from './ingest.options';
import { ReadingLines } from './reading-lines';
import { BatchWriter } from './writer/batch-writer';

export const DEVICE_DIRECTORY = Symbol('DEVICE_DIRECTORY');
const REGISTRY_RETRY_MIN_MS = 500;
const REGISTRY_RETRY_MAX_MS = 10_000;
/** Report lines kept while InfluxDB is away (two per period and instance, plus rejects: hours). */
const REPORT_BACKLOG_LINES = 10_000;
export const DEAD_LETTER_SINK = Symbol('DEAD_LETTER_SINK');

/**
 * Where every message ends. The Normalizer (@hv/uplink) turns it into a Reading or a
 * Rejection; handle() resolves only when the message is at one of these ends, and the
 * transport acknowledges it then:
 *  1. stored: the reading's line in InfluxDB (ReadingLines → BatchWriter → /write);
 *  2. spooled: a point in the disk spool, replayed into InfluxDB when it is back;
 *  3. quarantined: InfluxDB refused its batch (4xx); kept on disk, counted, logged;
 *  4. dead-lettered: rejected with a reason, counted, published on hv/dlq/v1/{reason}.
 * Until then it is not acknowledged, so the broker still holds it. Every report period,
 * ingest's own figures are written as points too (IngestReport, see writeReport).
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private closing = false;
  private readonly report: IngestReport;
  private reporter: NodeJS.Timeout | undefined;
  private reportBacklog: string[] = [];
  private reportWriting = false;
  private registryFailures = 0;
  private lastRegistryWarning = 0;
  private readonly lines = new ReadingLines();

  constructor(
    private readonly normalizer: Normalizer,
    private readonly writer: BatchWriter,
    @Inject(DEAD_LETTER_SINK) private readonly deadLetters: DeadLetterSink,
    @Inject(DEVICE_DIRECTORY) private readonly devices: DeviceDirectory,
    private readonly metrics: IngestMetrics,
    @Inject(INGEST_OPTIONS) private readonly options: IngestOptions,
    private readonly influx: InfluxRepository,
  ) {
    this.report = new IngestReport(metrics, options.mqtt.clientId);
  }

  onApplicationBootstrap(): void {
    this.reporter = setInterval(() => void this.writeReport(), this.options.reportMs);
    this.reporter.unref();
  }

  /**
   * Written beside the device points, not through their writer: the stored/spooled
   * counters count device points only. While InfluxDB is away the report lines wait in
   * memory (the newest REPORT_BACKLOG_LINES; older ones are dropped and counted in
   * hv_ingest_report_dropped_lines_total) and go with the next period's.
   */
  private async writeReport(): Promise<void> {
    this.reportBacklog.push(...this.report.lines(Date.now()));
    const excess = this.reportBacklog.length - REPORT_BACKLOG_LINES;
    if (excess > 0) {
      this.reportBacklog.splice(0, excess);
      this.metrics.reportDroppedLines += excess;
    }
    if (this.reportWriting) return;
    this.reportWriting = true;
    const lines = this.reportBacklog.splice(0);
    try {
      await this.influx.write(lines.join('\n'));
    } catch (error) {
      this.reportBacklog.unshift(...lines);
      this.logger.debug(`ingest report not written yet (${this.reportBacklog.length} lines waiting): ${(error as Error).message}`);
    } finally {
      this.reportWriting = false;
    }
  }

  /** Resolves when every message is at one of its ends (most share their batch's promise). */
  handleAll(msgs: readonly InboundMessage[]): Promise<void> {
    const waits = new Set<Promise<void>>();
    for (const msg of msgs) waits.add(this.handle(msg));
    return waits.size === 1 ? waits.values().next().value! : Promise.all(waits).then(() => undefined);
  }

  handle(msg: InboundMessage): Promise<void> {
    this.metrics.received++;
    const normalized = this.normalize(msg);
    return normalized instanceof Promise ? this.afterLookup(normalized, msg) : this.route(normalized, msg);
  }

  private normalize(msg: InboundMessage): Normalized | Promise<Normalized> {
    try {
      return this.normalizer.normalize(msg.topic, msg.payload, msg.receivedAtMs);
    } catch (error) {
      return new Rejection('schema', `unexpected: ${clip((error as Error).message, 120)}`);
    }
  }

  /**
   * A registry lookup that fails (PostgreSQL unreachable) says nothing about the message:
   * it is retried with back-off and stays unacknowledged meanwhile, so the broker keeps
   * it; in-flight messages pile up to HV_INGEST_MAX_INFLIGHT and reading stops there.
   */
  private async afterLookup(pending: Promise<Normalized>, msg: InboundMessage): Promise<void> {
    let delayMs = REGISTRY_RETRY_MIN_MS;
    for (;;) {
      let normalized: Normalized;
      try {
        normalized = await pending;
      } catch (error) {
        if (this.closing) throw error; // left unacknowledged: redelivered after the restart
        this.warnRegistryDown(error as Error);
        await new Promise((r) => setTimeout(r, delayMs));
        delayMs = Math.min(delayMs * 2, REGISTRY_RETRY_MAX_MS);
        const again = this.normalize(msg);
        pending = again instanceof Promise ? again : Promise.resolve(again);
        continue;
      }
      return this.route(normalized, msg);
    }
  }

  /** One warning per 10 s while the registry is down, not one per message. */
  private warnRegistryDown(error: Error): void {
    this.registryFailures++;
    if (Date.now() - this.lastRegistryWarning < 10_000) return;
    this.lastRegistryWarning = Date.now();
    this.logger.warn(`registry lookups failing (${this.registryFailures} so far), messages held unacknowledged: ${clip(error.message, 120)}`);
  }

  private route(normalized: Normalized, msg: InboundMessage): Promise<void> {
    if (normalized instanceof Rejection) return this.deadLetter(normalized, msg);
    let line: string;
    try {
      line = this.lines.lineOf(normalized);
    } catch (error) {
      // The serialiser refuses what line protocol cannot carry (a non-finite float).
      return this.deadLetter(new Rejection('schema', clip((error as Error).message, 120), normalized.device.tenant, normalized.device.id), msg);
    }
    this.metrics.lag(msg.receivedAtMs - normalized.ts);
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
    this.closing = true;
    clearInterval(this.reporter);
    await this.writeReport();
    await this.writer.close();
    await this.deadLetters.close();
    this.logger.log(`ingest stopped: ${this.metrics.storedPoints} stored, ${this.metrics.spooledPoints} spooled, ${this.metrics.rejectedCount} rejected`);
  }
}
