import { AIR_THRESHOLDS, thresholdExceeded } from '@hv/air-index';
import type { AlarmType } from '../alarms/alarm-types';
import { addHourly, hourlyMean, num, type Detection, type Detector, type Memory } from './detection';

const HOUR_MS = 3_600_000;
const GASES = [
  ['no2', 'no2_ugm3', 'no2_threshold'],
  ['o3', 'o3_ugm3', 'o3_threshold'],
  ['so2', 'so2_ugm3', 'so2_threshold'],
] as const;

/**
 * Outdoor station: information and alert thresholds, PM10 on a sliding 24 h mean (at
 * least 18 hours with data: the daily mean is only known at midnight, and operators want
 * to know before), the gases on the mean of the current hour; a stuck analyser.
 */
export const airStationDetectors: Detector = (body, ts, { config, memory }) => {
  const out: Detection[] = [];
  const pm10 = num(body, 'pm10_ugm3');
  if (pm10 !== undefined) {
    addHourly(memory, 'pm10', ts, pm10, 24);
    const daily = hourlyMean(memory, 'pm10');
    if (daily.hours >= 18) out.push(thresholdDetection('pm10_threshold', 'pm10', daily.mean));
  }
  for (const [gas, key, type] of GASES) {
    const v = num(body, key);
    if (v === undefined) continue;
    addHourly(memory, gas, ts, v, 1);
    out.push(thresholdDetection(type, gas, hourlyMean(memory, gas).mean));
  }
  const readings = ['pm25_ugm3', 'pm10_ugm3', 'no2_ugm3', 'o3_ugm3', 'so2_ugm3'].map((k) => num(body, k) ?? -1);
  out.push(stuck(memory, ts, readings, config.sensor_stuck.stuck_s * 1000));
  return out;
};

function thresholdDetection(type: AlarmType, pollutant: keyof typeof AIR_THRESHOLDS, mean: number): Detection {
  const level = thresholdExceeded(pollutant, mean);
  return { type, verdict: level ? 'bad' : 'good', value: Math.round(mean * 10) / 10, severity: level === 'alert' ? 'critical' : 'major' };
}

/** Classroom CO2: above the limit during occupancy (décrets 2022-1689/1690, DOMAIN.md); a stuck sensor. */
export const co2SensorDetectors: Detector = (body, ts, { config, memory }) => {
  const out: Detection[] = [];
  const co2 = num(body, 'co2_ppm');
  if (co2 === undefined) return out;
  const c = config.co2_high;
  if (body.occupied === true) out.push({ type: 'co2_high', verdict: co2 > c.limit_ppm ? 'bad' : co2 <= c.clear_ppm ? 'good' : 'hold', value: co2 });
  else out.push({ type: 'co2_high', verdict: 'good' });
  // The NDIR cell is what sticks; the temperature and humidity probes beside it go on moving.
  out.push(stuck(memory, ts, [co2], config.sensor_stuck.stuck_s * 1000));
  return out;
};

/**
 * A sensor is stuck when every value it reports has not moved for `stuckMs` (real
 * analysers always show some noise in their last digit).
 */
export function stuck(memory: Memory, ts: number, values: readonly number[], stuckMs: number): Detection {
  const last = memory.stuck_v as number[] | undefined;
  const same = last !== undefined && last.length === values.length && last.every((v, i) => v === values[i]);
  if (!same) {
    memory.stuck_v = [...values];
    memory.stuck_since = ts;
    return { type: 'sensor_stuck', verdict: 'good' };
  }
  const since = (memory.stuck_since as number | undefined) ?? ts;
  return { type: 'sensor_stuck', verdict: ts - since >= stuckMs ? 'bad' : 'hold', value: Math.round((ts - since) / HOUR_MS * 10) / 10 };
}
