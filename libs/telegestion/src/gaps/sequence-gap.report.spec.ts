import { describe, expect, it } from 'vitest';
import type { DeviceInfo, Point } from '@hv/contracts';
import type { InfluxRepository } from '@hv/timeseries';
import { SequenceGapCounter } from './sequence-gap.counter';
import { SequenceGapReport } from './sequence-gap.report';

const lamp: DeviceInfo = { id: 'lc-a', tenant: '02691', type: 'lighting-controller', epci: null, cabinet: null, devEui: null };

/** An InfluxDB stand-in that refuses writes while `down` (the real one is in test/e2e/boards.e2e.spec.ts). */
function influx() {
  const written: Point[][] = [];
  const repo = {
    down: false,
    written,
    async writePoints(points: readonly Point[]) {
      if (repo.down) throw new Error('connect ECONNREFUSED');
      written.push([...points]);
    },
  };
  return repo;
}

describe('SequenceGapReport', () => {
  it('keeps a period InfluxDB refused and writes it, in order, with the next one', async () => {
    const counter = new SequenceGapCounter();
    const db = influx();
    let now = 1_000;
    const report = new SequenceGapReport(counter, db as unknown as InfluxRepository, 60_000, () => now);
    counter.observe(lamp, 0, 1);
    counter.observe(lamp, 2, 2);
    db.down = true;
    await report.write();
    expect(db.written).toEqual([]);
    db.down = false;
    now = 2_000;
    counter.observe(lamp, 5, 3);
    await report.stop();
    expect(db.written).toHaveLength(1);
    const lost = db.written[0]!.filter((p) => p.measurement === 'seq_gaps').map((p) => [p.timestampMs, p.fields.lost]);
    expect(lost).toEqual([
      [1_000, 1],
      [2_000, 2],
    ]);
  });
});
