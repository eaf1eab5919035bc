import { describe, expect, it } from 'vitest';
import { measurementCatalogue } from '@hv/contracts';
import { MetricsRegistry } from '@hv/observability';
import { parseLine } from '../../timeseries/src/testing/line-protocol.reference';
import { IngestReport } from './ingest-report';
import { IngestMetrics } from './ingest.metrics';

describe('IngestReport', () => {
  it('writes per-period counts, end-of-period gauges and rejects by reason and tenant, with declared names only', () => {
    const metrics = new IngestMetrics(new MetricsRegistry());
    metrics.spoolBytes = () => 4096;
    metrics.inflight = () => 12;
    const report = new IngestReport(metrics, 'ingest-a');

    metrics.received += 10;
    metrics.stored(7, 0.01);
    metrics.reject('schema', '02408', 'lc-1');
    metrics.reject('schema', '02408', 'lc-2');
    metrics.reject('unknown_device', '_unregistered', '_unregistered');
    metrics.lag(1_500);
    metrics.lag(300);
    const first = report.lines(1_000).map(parseLine);
    expect(first[0]).toMatchObject({
      measurement: 'ingest_stats',
      tags: { instance: 'ingest-a' },
      fields: { received: 10, stored_points: 7, rejected: 3, spool_bytes: 4096, inflight: 12, lag_max_ms: 1500 },
    });
    expect(first.slice(1).map((l) => [l.tags.reason, l.tags.tenant, l.fields.count])).toEqual([
      ['schema', '02408', 2],
      ['unknown_device', '_unregistered', 1],
    ]);

    // The next period counts only what happened in it; a reason without new rejects writes nothing.
    metrics.received += 4;
    metrics.reject('schema', '02408', 'lc-1');
    const second = report.lines(2_000).map(parseLine);
    expect(second[0]!.fields).toMatchObject({ received: 4, stored_points: 0, rejected: 1, lag_max_ms: 0 });
    expect(second.slice(1).map((l) => [l.tags.reason, l.tags.tenant, l.fields.count])).toEqual([['schema', '02408', 1]]);

    const catalogue = measurementCatalogue();
    for (const line of [...first, ...second]) {
      const shape = catalogue.get(line.measurement)!;
      for (const t of Object.keys(line.tags)) expect(shape.tags.has(t), `${line.measurement} tag ${t}`).toBe(true);
      for (const f of Object.keys(line.fields)) expect(shape.fields.has(f), `${line.measurement} field ${f}`).toBe(true);
    }
  });
});
