import { describe, expect, it } from 'vitest';
import { measurementCatalogue, type DeviceInfo } from '@hv/contracts';
import { MAX_GAP, REORDER_WINDOW, SequenceGapCounter } from './sequence-gap.counter';

const lamp = (id: string, tenant = '02691'): DeviceInfo => ({ id, tenant, type: 'lighting-controller', epci: '200071892', cabinet: null, devEui: null });
const spot: DeviceInfo = { id: 'ps-1', tenant: '02408', type: 'parking-spot', epci: null, cabinet: null, devEui: null };
const A = lamp('lc-a');
const B = lamp('lc-b');

/** Feeds (device, seq) pairs with increasing device time unless given. */
function feed(counter: SequenceGapCounter, uplinks: Array<[DeviceInfo, number, number?]>): void {
  let ts = 1_000;
  for (const [device, seq, at] of uplinks) counter.observe(device, seq, at ?? (ts += 1_000));
}

/** The period's `seq_gaps` fields by tenant and domain, and `seq_gaps_device` lost by device. */
function period(counter: SequenceGapCounter, now = 99) {
  const points = counter.take(now);
  const tallies = Object.fromEntries(points.filter((p) => p.measurement === 'seq_gaps').map((p) => [`${p.tags.tenant} ${p.tags.domain}`, p.fields]));
  const devices = Object.fromEntries(points.filter((p) => p.measurement === 'seq_gaps_device').map((p) => [p.tags.device!, p.fields.lost]));
  return { points, tallies, devices };
}

describe('SequenceGapCounter', () => {
  it('counts no gap when a device’s telemetry, events and acks take consecutive numbers from one sequence', () => {
    const c = new SequenceGapCounter();
    // Telemetry 0, 1, event 2, telemetry 3, ack 4, telemetry 5 — interleaved with another device's.
    feed(c, [[A, 0], [B, 10], [A, 1], [A, 2], [B, 11], [A, 3], [A, 4], [B, 12], [A, 5]]);
    c.observe(A, undefined, 9_999); // a status: no number
    const { tallies, devices } = period(c);
    expect(tallies['02691 lighting']).toEqual({ received: 9, lost: 0, expected: 9, duplicates: 0, resets: 0 });
    expect(devices).toEqual({});
  });

  it('counts exactly the missing numbers of a real gap, per tenant and per device', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 0], [A, 1], [A, 5], [A, 6], [A, 9], [B, 0], [B, 1], [spot, 40], [spot, 42]]);
    const { tallies, devices, points } = period(c);
    expect(tallies['02691 lighting']).toMatchObject({ received: 7, lost: 3 + 2, expected: 12 });
    expect(tallies['02408 parking']).toMatchObject({ received: 2, lost: 1, expected: 3 });
    expect(devices).toEqual({ 'lc-a': 5, 'ps-1': 1 });
    // Tags: the device's tenant, its EPCI when it has one, its domain.
    expect(points.find((p) => p.tags.device === 'lc-a')!.tags).toEqual({ tenant: '02691', epci: '200071892', domain: 'lighting', device: 'lc-a' });
    expect(points.find((p) => p.tags.device === 'ps-1')!.tags).toEqual({ tenant: '02408', domain: 'parking', device: 'ps-1' });
  });

  it('takes a redelivered number (same or older, already seen) as a duplicate: neither a gap nor progress', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 0], [A, 1], [A, 2], [A, 2], [A, 1], [A, 3]]);
    expect(period(c).tallies['02691 lighting']).toEqual({ received: 4, lost: 0, expected: 4, duplicates: 2, resets: 0 });
  });

  it('lets a late uplink inside the window fill its hole, and counts a hole left unfilled', () => {
    const c = new SequenceGapCounter();
    // 3 arrives after 4 (an ack published before a reading generated earlier); 6 never comes.
    feed(c, [[A, 0], [A, 1], [A, 2], [A, 4], [A, 3], [A, 5], [A, 7], [A, 3]]);
    const { tallies, devices } = period(c);
    expect(tallies['02691 lighting']).toEqual({ received: 7, lost: 1, expected: 8, duplicates: 1, resets: 0 });
    expect(devices).toEqual({ 'lc-a': 1 });
  });

  it('fills a hole across a report period: the later period carries the correction, the sum stays exact', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 0], [A, 2]]);
    expect(period(c, 1).tallies['02691 lighting']).toMatchObject({ lost: 1 });
    feed(c, [[A, 1], [A, 3]]);
    const second = period(c, 2);
    expect(second.tallies['02691 lighting']).toMatchObject({ received: 2, lost: -1, expected: 1 });
    expect(second.devices).toEqual({ 'lc-a': -1 });
  });

  it('takes a number past the window as a reset when its device time is newer (a reboot), with no gap', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 5_000, 1_000], [A, 5_001, 2_000], [A, 0, 3_000], [A, 1, 4_000], [A, 3, 5_000]]);
    expect(period(c).tallies['02691 lighting']).toEqual({ received: 5, lost: 1, expected: 6, duplicates: 0, resets: 1 });
  });

  it('takes a number past the window with an older device time as a stale copy (a replay), not a reset', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 5_000, 10_000], [A, 100, 2_000], [A, 5_001, 11_000]]);
    expect(period(c).tallies['02691 lighting']).toEqual({ received: 2, lost: 0, expected: 2, duplicates: 1, resets: 0 });
  });

  it('takes an implausible jump forward (past MAX_GAP) as a restarted sequence, not millions lost', () => {
    const c = new SequenceGapCounter();
    // A device that rebooted from 3·10⁹ to 0 looks 1.29·10⁹ ahead modulo 2³².
    feed(c, [[A, 3_000_000_000, 1_000], [A, 0, 2_000], [A, 1, 3_000], [A, 1 + MAX_GAP, 4_000]]);
    expect(period(c).tallies['02691 lighting']).toEqual({ received: 4, lost: MAX_GAP - 1, expected: MAX_GAP + 3, duplicates: 0, resets: 1 });
  });

  it('follows the uint32 sequence through its wraparound: 0 comes after 2³²−1', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 2 ** 32 - 2], [A, 2 ** 32 - 1], [A, 0], [A, 2], [A, 2 ** 32 - 1]]);
    expect(period(c).tallies['02691 lighting']).toEqual({ received: 4, lost: 1, expected: 5, duplicates: 1, resets: 0 });
  });

  it('keeps the whole window: a hole REORDER_WINDOW − 1 behind is filled, one REORDER_WINDOW behind is not', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 0], [A, 2], [A, 3]]);
    for (let seq = 4; seq <= REORDER_WINDOW; seq++) c.observe(A, seq, 10_000 + seq);
    c.observe(A, 1, 0); // 1 is REORDER_WINDOW − 1 behind 32: fills its hole
    expect(period(c).tallies['02691 lighting']).toMatchObject({ lost: 0, duplicates: 0 });
    feed(c, [[A, REORDER_WINDOW + 2], [A, REORDER_WINDOW + 2 + REORDER_WINDOW]]);
    c.observe(A, REORDER_WINDOW + 1, 0); // now REORDER_WINDOW + 1 behind: too late, stays lost (and is stale)
    expect(period(c).tallies['02691 lighting']).toMatchObject({ lost: 1 + (REORDER_WINDOW - 1), duplicates: 1 });
  });

  it('sets a baseline at a device’s first uplink after a restart: a late or redelivered older number is no gap, nor a negative one', () => {
    const before = new SequenceGapCounter();
    feed(before, [[A, 0], [A, 1], [A, 2], [A, 3]]);
    // The process restarts; the broker redelivers 3 (unacknowledged), then an ack 5 overtakes reading 4.
    const after = new SequenceGapCounter();
    feed(after, [[A, 3], [A, 5], [A, 4], [A, 2], [A, 6]]);
    expect(period(after).tallies['02691 lighting']).toEqual({ received: 4, lost: 0, expected: 4, duplicates: 1, resets: 0 });
    // A first uplink below the previous run's numbers is just a new baseline.
    const again = new SequenceGapCounter();
    feed(again, [[A, 1], [A, 2]]);
    expect(period(again).tallies['02691 lighting']).toMatchObject({ received: 2, lost: 0 });
  });

  it('writes nothing for a quiet period, and only declared measurements, tags and fields', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 0], [A, 3], [spot, 1]]);
    const { points } = period(c);
    expect(points.map((p) => p.measurement).sort()).toEqual(['seq_gaps', 'seq_gaps', 'seq_gaps_device']);
    const catalogue = measurementCatalogue();
    for (const p of points) {
      const shape = catalogue.get(p.measurement)!;
      for (const t of Object.keys(p.tags)) expect(shape.tags.has(t), `${p.measurement} tag ${t}`).toBe(true);
      for (const f of Object.keys(p.fields)) expect(shape.fields.has(f), `${p.measurement} field ${f}`).toBe(true);
      expect(p.timestampMs).toBe(99);
    }
    expect(c.take(100)).toEqual([]);
  });

  it('counts a device under its new tenant once the registry moved it', () => {
    const c = new SequenceGapCounter();
    feed(c, [[A, 0], [A, 2], [lamp('lc-a', '02408'), 4]]);
    const { tallies } = period(c);
    expect(tallies['02691 lighting']).toMatchObject({ received: 2, lost: 1 });
    expect(tallies['02408 lighting']).toMatchObject({ received: 1, lost: 1 });
  });
});
