import type { Environment } from '../env/environment';
import { clamp } from '../env/environment';
import { isWeekend, parisTime, type LocalTime } from '@hv/civil-time';
import type { SimDevice } from '../fleet';
import type { Random, Seed } from '../random';
import { DeviceModel, type Body } from './device-model';

type Profile = 'commuter' | 'shopping' | 'station';

const HOUR_S = 3_600;
/** Upper bound of the arrival rate, per spot and hour, over every profile (thinning). */
const MAX_ARRIVALS_PER_SPOT_H = 0.7;
/** Beyond this gap the car park restarts from its expected occupancy instead of replaying every car. */
const MAX_REPLAY_MS = 7 * 86_400_000;
/** Median stay of a shopper, s, and the sd of its log: about 6 % stay beyond 3 h. */
const SHOPPING_STAY = { median: 1.2 * HOUR_S, sigma: 0.6 };

const bell = (h: number, centre: number, width: number) => Math.exp(-((h - centre) ** 2) / (2 * width * width));

/** Expected share of the spots taken at this time: where a car park starts from. */
function expectedOccupancy(profile: Profile, t: LocalTime): number {
  const h = t.hour;
  if (profile === 'shopping') {
    if (t.weekday === 0) return 0.05 + 0.15 * bell(h, 11, 1.5);
    return 0.05 + (t.weekday === 6 ? 0.9 : 0.55) * bell(h, 15, 3.2);
  }
  if (isWeekend(t)) return 0.1 + 0.2 * bell(h, 14, 3);
  const day = 1 / (1 + Math.exp(-(h - 8) * 2.5)) - 1 / (1 + Math.exp(-(h - 17.5) * 2));
  return 0.08 + (profile === 'station' ? 0.88 : 0.8) * day;
}

/**
 * Arrivals per spot and hour: commuters and train travellers come in a morning wave
 * (≈ 80–90 % of the spots between 06:30 and 09:30 on weekdays) with a trickle of short
 * visits during the day; shoppers follow the shops' afternoon, busiest on Saturday
 * (arrival rate = expected occupancy / mean stay, Little's law).
 */
function arrivalsPerSpotH(profile: Profile, t: LocalTime): number {
  const h = t.hour;
  if (profile === 'shopping') return expectedOccupancy('shopping', t) / (SHOPPING_STAY.median * Math.exp((SHOPPING_STAY.sigma ** 2) / 2) / HOUR_S);
  if (isWeekend(t)) return h >= 9 && h < 19 ? 0.05 : 0.005;
  const wave = (profile === 'station' ? 0.9 : 0.8) / (Math.sqrt(2 * Math.PI) * 0.9);
  return wave * bell(h, 8, 0.9) + (h >= 7 && h < 20 ? 0.03 : 0.003);
}

/** How long a car arriving at `t` stays, s (never under 5 min). */
function stayS(profile: Profile, t: LocalTime, rng: Random): number {
  const h = t.hour;
  let s: number;
  if (profile === 'shopping') s = rng.logNormal(SHOPPING_STAY.median, SHOPPING_STAY.sigma);
  else if (isWeekend(t) || h >= 10) s = rng.logNormal(1.5 * HOUR_S, 0.7); // visits
  else if (profile === 'station' && rng.chance(0.06)) s = rng.uniform(24, 72) * HOUR_S; // away for days
  else s = (rng.normal(profile === 'station' ? 18.5 : 17.5, 0.75) - h) * HOUR_S; // until the end of the working day
  return Math.max(300, s);
}

/**
 * Off-street car park counter: cars arrive (a Poisson process whose rate follows the
 * profile, by thinning) and each leaves after its own stay; a car that finds the car park
 * full drives on. The counter reports the cars inside and its cumulative entries and
 * exits, so `occupied = entries − exits − (the counter's offset)` and 0 ≤ occupied ≤
 * capacity always hold.
 */
export class CarParkModel extends DeviceModel {
  private readonly capacity: number;
  private readonly profile: Profile;
  /** Departure times of the cars inside, epoch ms: a binary min-heap. */
  private readonly departures: number[] = [];
  private nextArrivalMs = 0;
  private simMs: number | undefined;
  private entries: number;
  private exits: number;
  /** Cars that found the car park full. */
  turnedAway = 0;
  private lastReading: Body | undefined;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    this.capacity = Math.max(1, Math.round(this.num('capacity', 200)));
    this.profile = this.str<Profile>('profile', 'commuter');
    this.entries = this.rng.int(20_000, 400_000);
    this.exits = this.entries;
  }

  telemetry(ts: number): Body {
    this.advance(ts);
    this.advanceTo(ts);
    // A stuck or failed counter repeats its last figures while the cars come and go.
    if (this.lastReading && (this.fault === 'sensor_fault' || this.injected('sensor_stuck', ts))) return { ...this.lastReading };
    this.lastReading = { occupied: this.departures.length, capacity: this.capacity, entries: this.entries, exits: this.exits };
    return { ...this.lastReading };
  }

  event(_ts: number): Body {
    return this.faultEvent(['sensor_fault']);
  }

  /** Plays the arrivals and departures up to `ts`. */
  private advanceTo(ts: number): void {
    if (this.simMs === undefined || ts - this.simMs > MAX_REPLAY_MS) this.warmStart(ts);
    if (ts <= this.simMs!) return;
    const meanGapMs = (HOUR_S * 1000) / (MAX_ARRIVALS_PER_SPOT_H * this.capacity);
    for (;;) {
      const leave = this.departures.length > 0 ? this.departures[0]! : Number.POSITIVE_INFINITY;
      const next = Math.min(leave, this.nextArrivalMs);
      if (next > ts) break;
      if (leave <= this.nextArrivalMs) {
        heapPop(this.departures);
        this.exits++;
        continue;
      }
      const at = this.nextArrivalMs;
      this.nextArrivalMs += this.rng.exponential(meanGapMs);
      const t = parisTime(at);
      if (this.rng.next() * MAX_ARRIVALS_PER_SPOT_H >= arrivalsPerSpotH(this.profile, t)) continue; // thinned out
      if (this.departures.length >= this.capacity) {
        this.turnedAway++;
        continue;
      }
      heapPush(this.departures, at + stayS(this.profile, t, this.rng) * 1000);
      this.entries++;
    }
    this.simMs = ts;
  }

  /** Starts (or restarts after a long gap) with the cars expected at `ts`, each partway through its stay. */
  private warmStart(ts: number): void {
    const t = parisTime(ts);
    this.departures.length = 0;
    const cars = Math.round(this.capacity * clamp(expectedOccupancy(this.profile, t), 0, 1));
    for (let i = 0; i < cars; i++) heapPush(this.departures, ts + stayS(this.profile, t, this.rng) * 1000 * this.rng.next());
    this.exits = this.entries - cars;
    this.nextArrivalMs = ts + this.rng.exponential((HOUR_S * 1000) / (MAX_ARRIVALS_PER_SPOT_H * this.capacity));
    this.simMs = ts;
  }
}

function heapPush(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= heap.length) break;
    const r = l + 1;
    const c = r < heap.length && heap[r]! < heap[l]! ? r : l;
    if (heap[c]! >= last) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = last;
  return top;
}
