import { MEASUREMENTS, type PlatformField, type Point } from '@hv/contracts';
import { serializePoint } from '@hv/timeseries';
import type { IngestMetrics } from './ingest.metrics';

type StatsField = PlatformField<typeof MEASUREMENTS.ingestStats>;

/**
 * Ingest's own figures as points, for the fleet-health board (Grafana reads InfluxDB only):
 * per report period, one `ingest_stats` point (counts in the period, gauges at its end)
 * and one `ingest_reject` point per reason and tenant that had rejections. IngestService
 * writes them beside the device points (see writeReport).
 */
export class IngestReport {
  private last = { received: 0, stored: 0, spooled: 0, replayed: 0, quarantined: 0, rejected: 0 };
  private lastRejects = new Map<string, number>();

  constructor(
    private readonly metrics: IngestMetrics,
    private readonly instance: string,
  ) {}

  /** The lines for the period ending `now` (line protocol). */
  lines(now: number): string[] {
    const m = this.metrics;
    const current = { received: m.received, stored: m.storedPoints, spooled: m.spooledPoints, replayed: m.replayedPoints, quarantined: m.quarantinedPoints, rejected: m.rejectedCount };
    const fields: Record<StatsField, number> = {
      received: current.received - this.last.received,
      stored_points: current.stored - this.last.stored,
      spooled_points: current.spooled - this.last.spooled,
      replayed_points: current.replayed - this.last.replayed,
      quarantined_points: current.quarantined - this.last.quarantined,
      rejected: current.rejected - this.last.rejected,
      spool_bytes: m.spoolBytes(),
      inflight: m.inflight(),
      lag_max_ms: m.takeLagMaxMs(),
    };
    this.last = current;
    const points: Point[] = [{ measurement: MEASUREMENTS.ingestStats, tags: { instance: this.instance }, fields, timestampMs: now }];
    const rejects = m.rejectedByReasonAndTenant();
    for (const [key, total] of rejects) {
      const count = total - (this.lastRejects.get(key) ?? 0);
      if (count <= 0) continue;
      const [reason, tenant] = key.split(' ') as [string, string];
      points.push({ measurement: MEASUREMENTS.reject, tags: { reason, tenant }, fields: { count }, timestampMs: now });
    }
    this.lastRejects = rejects;
    return points.map(serializePoint);
  }
}
