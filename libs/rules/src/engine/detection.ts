import type { DeviceType } from '@hv/contracts';
import type { AlarmType, Severity } from '../alarms/alarm-types';
import type { Verdict } from '../alarms/debounce';
import type { RuleConfig } from '../rule-config';

/** A device as the rules see it: the registry's view, with its static attributes. */
export interface RuleDevice {
  id: string;
  tenant: string;
  type: DeviceType;
  epci: string | null;
  cabinet: string | null;
  attributes: Record<string, unknown>;
}

/** One detector's verdict on one reading. */
export interface Detection {
  type: AlarmType;
  verdict: Verdict;
  /** The measured value behind the verdict (a voltage, a temperature, a ratio…). */
  value?: number;
  /** Severity when it depends on the value (over-temperature, air thresholds). */
  severity?: Severity;
  /**
   * For findings, a cumulative meter (kWh) whose increase while the finding is active is
   * the energy it wasted; `carrier` says which factors price it.
   */
  meterKwh?: number;
  carrier?: 'electricity' | 'gas';
  /** Share of the meter's increase that was wasted (default 1). */
  wasteShare?: number;
}

/**
 * What a detector may remember of a device between readings (windows, last values):
 * plain numbers and arrays, so the whole memory is persisted with the alarm state and a
 * restart resumes the same judgement.
 */
export type Memory = Record<string, number | number[] | boolean | undefined>;

export interface DetectorContext {
  device: RuleDevice;
  config: RuleConfig;
  memory: Memory;
  /** Lighting: the level the device's program asks for at this instant (telegestion knows it). */
  expectedLevelPct?: number;
}

export type Detector = (body: Record<string, unknown>, ts: number, ctx: DetectorContext) => Detection[];

/** Numeric attribute of a device, or a default. */
export function attr(device: RuleDevice, key: string, fallback: number): number {
  const v = device.attributes[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export const num = (body: Record<string, unknown>, key: string): number | undefined => {
  const v = body[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** A verdict with hysteresis: bad beyond `raise`, good inside `clear`, hold between. */
export function above(value: number, raise: number, clear: number): Verdict {
  return value > raise ? 'bad' : value <= clear ? 'good' : 'hold';
}

export function below(value: number, raise: number, clear: number): Verdict {
  return value < raise ? 'bad' : value >= clear ? 'good' : 'hold';
}

/**
 * Hourly means over a sliding window, kept as buckets in the memory (`{key}_h` hour
 * index, `{key}_s` sums, `{key}_n` counts): add a value, read the mean of the last `hours`.
 */
export function addHourly(memory: Memory, key: string, ts: number, value: number, hours: number): void {
  const hour = Math.floor(ts / 3_600_000);
  const sums = (memory[`${key}_s`] as number[] | undefined) ?? [];
  const counts = (memory[`${key}_n`] as number[] | undefined) ?? [];
  const hoursOf = (memory[`${key}_h`] as number[] | undefined) ?? [];
  const last = hoursOf.at(-1);
  if (last === hour) {
    sums[sums.length - 1]! += value;
    counts[counts.length - 1]! += 1;
  } else if (last === undefined || hour > last) {
    sums.push(value);
    counts.push(1);
    hoursOf.push(hour);
  } else {
    return; // older than the window's newest hour: a late reading does not rewrite the past
  }
  while (hoursOf.length > 0 && hoursOf[0]! <= hour - hours) {
    hoursOf.shift();
    sums.shift();
    counts.shift();
  }
  memory[`${key}_s`] = sums;
  memory[`${key}_n`] = counts;
  memory[`${key}_h`] = hoursOf;
}

/** Mean of the hourly means of the last `hours` (up to `ts`), and how many hours had data. */
export function hourlyMean(memory: Memory, key: string): { mean: number; hours: number } {
  const sums = (memory[`${key}_s`] as number[] | undefined) ?? [];
  const counts = (memory[`${key}_n`] as number[] | undefined) ?? [];
  if (sums.length === 0) return { mean: Number.NaN, hours: 0 };
  let total = 0;
  for (let i = 0; i < sums.length; i++) total += sums[i]! / counts[i]!;
  return { mean: total / sums.length, hours: sums.length };
}
