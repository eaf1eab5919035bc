import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InfluxRejectedError, InfluxUnavailableError } from '@hv/timeseries';
import { BatchWriter, type BatchWriterEvents, type LineSink } from './batch-writer';
import { DiskSpool } from './disk-spool';

/** A sink that takes `delayMs` per write, fails while `down`, and records what it stored. */
class FakeInflux implements LineSink {
  stored: string[] = [];
  active = 0;
  maxActive = 0;
  down = false;
  reject = false;
  constructor(private readonly delayMs = 0) {}
  async write(body: string): Promise<void> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.down) throw new InfluxUnavailableError('connect ECONNREFUSED');
      if (this.reject) throw new InfluxRejectedError('partial write: field type conflict', 400, true, 1);
      this.stored.push(...body.split('\n'));
    } finally {
      this.active--;
    }
  }
}

const counts = () => {
  const c = { stored: 0, spooled: 0, replayed: 0, quarantined: 0 };
  const events: BatchWriterEvents = {
    stored: (n) => (c.stored += n),
    spooled: (n) => (c.spooled += n),
    replayed: (n) => (c.replayed += n),
    quarantined: (n) => (c.quarantined += n),
  };
  return { c, events };
};

describe('BatchWriter', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  async function spools(maxBytes = 10_000_000): Promise<[DiskSpool, DiskSpool]> {
    const dir = await mkdtemp(join(tmpdir(), 'hv-writer-'));
    dirs.push(dir);
    const spool = new DiskSpool(join(dir, 'spool'), maxBytes);
    const quarantine = new DiskSpool(join(dir, 'quarantine'), Number.MAX_SAFE_INTEGER);
    await spool.open();
    await quarantine.open();
    return [spool, quarantine];
  }
  const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m,device=d v=${from + i} ${from + i}`);

  it('does not stall when many batches queue behind slow writes (regression: 20,000 acks held forever)', async () => {
    const influx = new FakeInflux(5);
    const [spool, quarantine] = await spools();
    const { c, events } = counts();
    const writer = new BatchWriter(influx, spool, quarantine, { batchLines: 10, flushMs: 5, maxConcurrentWrites: 2 }, events);
    const all = lines(500);
    await Promise.all(all.map((l) => writer.add(l)));
    expect(influx.stored.sort()).toEqual([...all].sort());
    expect(c.stored).toBe(500);
    expect(influx.maxActive).toBeLessThanOrEqual(2);
  });

  it('spools while InfluxDB is unavailable and replays everything once it is back', async () => {
    const influx = new FakeInflux(1);
    const [spool, quarantine] = await spools();
    const { c, events } = counts();
    const writer = new BatchWriter(influx, spool, quarantine, { batchLines: 50, flushMs: 5 }, events);
    writer.start();
    influx.down = true;
    await Promise.all(lines(300).map((l) => writer.add(l)));
    expect(c.spooled).toBe(300); // every add resolved: durable on disk
    expect(influx.stored).toEqual([]);
    influx.down = false;
    await Promise.all(lines(100, 300).map((l) => writer.add(l)));
    await writer.close();
    // Lines added while older ones still waited in the spool went behind them, in the spool.
    expect(c.replayed).toBe(c.spooled);
    expect(c.stored + c.spooled).toBe(400);
    expect(new Set(influx.stored).size).toBe(400);
    // Replay keeps order: the spooled lines reach InfluxDB before the later ones.
    expect(influx.stored.indexOf(lines(1, 299)[0]!)).toBeLessThan(influx.stored.indexOf(lines(1, 300)[0]!));
    expect(spool.isEmpty()).toBe(true);
  });

  it('quarantines a batch InfluxDB refuses instead of retrying it forever or dropping it', async () => {
    const influx = new FakeInflux();
    influx.reject = true;
    const [spool, quarantine] = await spools();
    const { c, events } = counts();
    const writer = new BatchWriter(influx, spool, quarantine, { batchLines: 5, flushMs: 5 }, events);
    await Promise.all(lines(5).map((l) => writer.add(l)));
    expect(c.quarantined).toBe(5);
    expect((await quarantine.oldest())?.body.split('\n')).toEqual(lines(5));
  });

  it('holds the promises (so the acks) while the spool is full, and releases them after the replay', async () => {
    const influx = new FakeInflux(1);
    influx.down = true;
    const [spool, quarantine] = await spools(4_000);
    const { c, events } = counts();
    const writer = new BatchWriter(influx, spool, quarantine, { batchLines: 50, flushMs: 5 }, events);
    let released = 0;
    const pending = lines(400).map((l) => writer.add(l).then(() => released++));
    await new Promise((r) => setTimeout(r, 200));
    expect(released).toBeLessThan(400);
    expect(spool.bytes).toBeLessThanOrEqual(4_000);
    influx.down = false;
    await Promise.all(pending);
    await writer.close();
    expect(new Set(influx.stored).size).toBe(400);
    expect(c.stored + c.spooled).toBe(400);
  });
});
