import { domainOf, MEASUREMENTS, type DeviceInfo, type Domain, type PlatformField, type Point } from '@hv/contracts';

/** `seq` is a uint32 (DEVICE-CONTRACT.md): distances are taken modulo 2³² (RFC 1982 serial number arithmetic), so 0 follows 2³²−1. */
const SEQ_MODULUS = 2 ** 32;
const HALF_MODULUS = 2 ** 31;
/**
 * How far behind the newest number an uplink may arrive and still fill its hole (counted
 * lost when the sequence moved past it): 32 numbers, one int32 mask per device. Telegestion
 * sees a device's uplinks reordered by a few numbers at most (an ack published before a
 * reading generated earlier; batches whose registry lookups finish out of order).
 */
export const REORDER_WINDOW = 32;
/**
 * A jump forward larger than this is a sequence started again elsewhere (a reboot from a
 * high number), not loss: LoRaWAN 1.0's MAX_FCNT_GAP, past which a network server gives up
 * on a device's frame counter too.
 */
export const MAX_GAP = 16_384;
/** Every number of the window accounted for (seen, or before the baseline: never counted as a hole). */
const ALL_SEEN = -1;

type GapField = PlatformField<typeof MEASUREMENTS.seqGaps>;

/** Counts of one tenant and domain in the current report period. */
interface Tally {
  readonly tenant: string;
  readonly epci: string | null;
  readonly domain: Domain;
  received: number;
  lost: number;
  duplicates: number;
  resets: number;
}

/** Where one device's sequence stands. */
interface DeviceSequence {
  readonly id: string;
  tally: Tally;
  /** The newest number (in serial order). */
  high: number;
  /** Bit i set: number high − i is accounted for (received, or before the baseline). */
  seen: number;
  /** The newest device time seen: tells a restarted sequence (newer) from a stale copy (not newer). */
  maxTs: number;
  /** Net numbers lost in the current period (the per-device points). */
  lost: number;
  /** Whether it is in `moved` (its per-device count changed in the period). */
  listed: boolean;
}

/**
 * Lost uplinks per device, over every channel that takes a number from the device's one
 * sequence (telemetry, events, acks; a LoRaWAN device's frame counter), as telegestion
 * reads them. `observe` runs once per uplink: a map lookup and a few integer operations,
 * nothing allocated but a device's first time. `take` turns the period's counts into
 * `seq_gaps` (per tenant and domain) and `seq_gaps_device` points (devices whose count
 * moved), and starts the next period.
 *
 * - next numbers: received; a jump of n: n − 1 lost;
 * - a number inside the window not seen yet: late, it fills its hole (received, lost − 1);
 * - a number already seen: a duplicate (a redelivery), neither a gap nor progress;
 * - far behind (past the window) or far ahead (past MAX_GAP): a restarted sequence (a
 *   reboot, a LoRaWAN rejoin) when its device time is newer than any seen, counted as a
 *   reset with no gap; a stale copy (a replay) otherwise, counted as a duplicate;
 * - a device's first uplink (since this process started) sets its baseline: numbers
 *   before it are not holes, so a restart never invents a gap (it misses at most the one
 *   gap that straddles it).
 */
export class SequenceGapCounter {
  private readonly devices = new Map<string, DeviceSequence>();
  private readonly tallies = new Map<string, Tally>();
  private moved: DeviceSequence[] = [];

  observe(device: DeviceInfo, seq: unknown, ts: number): void {
    if (typeof seq !== 'number') return; // a status carries no number
    const s = this.devices.get(device.id);
    if (s === undefined) {
      const tally = this.tallyOf(device);
      this.devices.set(device.id, { id: device.id, tally, high: seq, seen: ALL_SEEN, maxTs: ts, lost: 0, listed: false });
      tally.received++;
      return;
    }
    if (s.tally.tenant !== device.tenant) s.tally = this.tallyOf(device); // moved to another tenant in the registry
    const t = s.tally;
    let d = seq - s.high;
    if (d > HALF_MODULUS) d -= SEQ_MODULUS;
    else if (d <= -HALF_MODULUS) d += SEQ_MODULUS;

    if (d > 0 && d <= MAX_GAP) {
      s.seen = d >= REORDER_WINDOW ? 1 : (s.seen << d) | 1;
      s.high = seq;
      if (ts > s.maxTs) s.maxTs = ts;
      t.received++;
      if (d > 1) this.lose(s, d - 1);
      return;
    }
    if (d <= 0 && d > -REORDER_WINDOW) {
      const bit = 1 << -d;
      if ((s.seen & bit) !== 0) {
        t.duplicates++;
        return;
      }
      s.seen |= bit;
      if (ts > s.maxTs) s.maxTs = ts;
      t.received++;
      this.lose(s, -1);
      return;
    }
    if (ts > s.maxTs) {
      s.high = seq;
      s.seen = ALL_SEEN;
      s.maxTs = ts;
      t.received++;
      t.resets++;
    } else {
      t.duplicates++;
    }
  }

  /** The period's points, stamped `now`; the counts start again from zero. */
  take(now: number): Point[] {
    const points: Point[] = [];
    for (const t of this.tallies.values()) {
      if (t.received === 0 && t.lost === 0 && t.duplicates === 0 && t.resets === 0) continue;
      const fields: Record<GapField, number> = { received: t.received, lost: t.lost, expected: t.received + t.lost, duplicates: t.duplicates, resets: t.resets };
      points.push({ measurement: MEASUREMENTS.seqGaps, tags: tagsOf(t), fields, timestampMs: now });
      t.received = t.lost = t.duplicates = t.resets = 0;
    }
    for (const s of this.moved) {
      if (s.lost !== 0) points.push({ measurement: MEASUREMENTS.seqGapsDevice, tags: { ...tagsOf(s.tally), device: s.id }, fields: { lost: s.lost }, timestampMs: now });
      s.lost = 0;
      s.listed = false;
    }
    this.moved = [];
    return points;
  }

  /** Devices whose sequence is followed. */
  get size(): number {
    return this.devices.size;
  }

  private lose(s: DeviceSequence, n: number): void {
    s.tally.lost += n;
    s.lost += n;
    if (!s.listed) {
      s.listed = true;
      this.moved.push(s);
    }
  }

  /** The tally of a device's tenant and domain (a key is built once per device, not per uplink). */
  private tallyOf(device: DeviceInfo): Tally {
    const domain = domainOf(device.type);
    const key = `${device.tenant} ${domain}`;
    let t = this.tallies.get(key);
    if (t === undefined) {
      t = { tenant: device.tenant, epci: device.epci, domain, received: 0, lost: 0, duplicates: 0, resets: 0 };
      this.tallies.set(key, t);
    }
    return t;
  }
}

function tagsOf(t: Tally): Record<string, string> {
  return t.epci ? { tenant: t.tenant, epci: t.epci, domain: t.domain } : { tenant: t.tenant, domain: t.domain };
}
