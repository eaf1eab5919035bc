import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@hv/observability';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { RejectReason } from '@hv/contracts';
import type { BatchWriterEvents } from './writer/batch-writer';

/**
 * Ingest's Prometheus metrics. The hot path bumps plain numbers; prom-client reads them at
 * scrape time (collect), so a message costs no label hashing.
 */
@Injectable()
export class IngestMetrics implements BatchWriterEvents {
  received = 0;
  storedPoints = 0;
  spooledPoints = 0;
  replayedPoints = 0;
  quarantinedPoints = 0;
  /** Ingest's own report lines dropped while InfluxDB was away too long. */
  reportDroppedLines = 0;
  /** reason → "tenant device" → count. Unregistered ids are folded into "_unregistered". */
  private readonly rejected = new Map<string, number>();
  private rejectedTotal = 0;
  private lagMaxMs = 0;
  private readonly batchSeconds: Histogram;
  spoolBytes: () => number = () => 0;
  inflight: () => number = () => 0;

  constructor(registry: MetricsRegistry) {
    const self = this;
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
    counter('hv_ingest_received_total', 'MQTT messages received by ingest', () => self.received);
    counter('hv_ingest_stored_points_total', 'points written to InfluxDB directly', () => self.storedPoints);
    counter('hv_ingest_spooled_points_total', 'points appended to the disk spool while InfluxDB was unavailable', () => self.spooledPoints);
    counter('hv_ingest_replayed_points_total', 'spooled points written to InfluxDB on recovery', () => self.replayedPoints);
    counter('hv_ingest_report_dropped_lines_total', "ingest's own report lines dropped while InfluxDB was unavailable", () => self.reportDroppedLines);
    counter('hv_ingest_quarantined_points_total', 'points InfluxDB refused (4xx), kept in the quarantine folder', () => self.quarantinedPoints);
    new Counter({
      name: 'hv_ingest_rejected_total',
      help: 'messages rejected and dead-lettered, by reason, tenant and device',
      labelNames: ['reason', 'tenant', 'device'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, n] of self.rejected) {
          const [reason, tenant, device] = key.split(' ') as [string, string, string];
          this.inc({ reason, tenant, device }, n);
        }
      },
    });
    new Gauge({ name: 'hv_ingest_spool_bytes', help: 'bytes waiting in the disk spool', registers: [registry], collect() { this.set(self.spoolBytes()); } });
    new Gauge({ name: 'hv_ingest_inflight_messages', help: 'messages received and not yet acknowledged', registers: [registry], collect() { this.set(self.inflight()); } });
    this.batchSeconds = new Histogram({
      name: 'hv_ingest_batch_write_seconds',
      help: 'InfluxDB write latency per batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  get rejectedCount(): number {
    return this.rejectedTotal;
  }

  /** Labels stay bounded: only ids the registry knows get their own series. */
  reject(reason: RejectReason, tenant: string, device: string): void {
    const key = `${reason} ${tenant} ${device}`;
    this.rejected.set(key, (this.rejected.get(key) ?? 0) + 1);
    this.rejectedTotal++;
  }

  /** "reason tenant" → count since start. */
  rejectedByReasonAndTenant(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, n] of this.rejected) {
      const [reason, tenant] = key.split(' ');
      const k = `${reason} ${tenant}`;
      out.set(k, (out.get(k) ?? 0) + n);
    }
    return out;
  }

  /** Age of a reading when ingest got it (receive time − device time), ms. */
  lag(ms: number): void {
    if (ms > this.lagMaxMs) this.lagMaxMs = ms;
  }

  /** The largest lag since the last call. */
  takeLagMaxMs(): number {
    const max = this.lagMaxMs;
    this.lagMaxMs = 0;
    return max;
  }

  rejectedBy(reason: RejectReason): number {
    let n = 0;
    for (const [key, count] of this.rejected) if (key.startsWith(`${reason} `)) n += count;
    return n;
  }

  stored(points: number, seconds: number): void {
    this.storedPoints += points;
    this.batchSeconds.observe(seconds);
  }

  spooled(points: number): void {
    this.spooledPoints += points;
  }

  replayed(points: number): void {
    this.replayedPoints += points;
  }

  quarantined(points: number): void {
    this.quarantinedPoints += points;
  }
}
