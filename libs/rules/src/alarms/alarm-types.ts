import type { Domain } from '@hv/contracts';

/**
 * What telegestion raises. `fault`: equipment to repair (maintenance); `finding`: energy
 * or money to save, or a regulation to respect, separate from faults; `threshold`: the
 * environment crossed a regulatory threshold (air quality); `usage`: how the public uses
 * the equipment (a car overstaying, a car park full), which healthy equipment reports
 * every day and which parking enforcement and the congestion indicator use. Severity is the default;
 * some types escalate with the value (over-temperature, air thresholds).
 */
export type AlarmKind = 'fault' | 'finding' | 'threshold' | 'usage';
export type Severity = 'info' | 'minor' | 'major' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'minor', 'major', 'critical'];

export interface AlarmTypeInfo {
  domain: Domain;
  kind: AlarmKind;
  severity: Severity;
  /** What an operator reads. */
  title: string;
}

export const ALARM_TYPES = {
  // Public lighting (DOMAIN.md fault catalogue, TALQ LampMonitor)
  lamp_failure: { domain: 'lighting', kind: 'fault', severity: 'major', title: 'Lamp failure: no light while commanded on' },
  power_drift: { domain: 'lighting', kind: 'fault', severity: 'minor', title: 'Power drifts from the expected power for the level' },
  day_burner: { domain: 'lighting', kind: 'fault', severity: 'major', title: 'Day burner: lit in daylight' },
  cycling: { domain: 'lighting', kind: 'fault', severity: 'minor', title: 'Cycling: repeated switch-ons in one night' },
  voltage_out_of_range: { domain: 'lighting', kind: 'fault', severity: 'major', title: 'Supply voltage out of range' },
  over_temperature: { domain: 'lighting', kind: 'fault', severity: 'minor', title: 'Controller over-temperature' },
  supply_loss: { domain: 'lighting', kind: 'fault', severity: 'critical', title: 'Cabinet supply loss' },
  relay_failure: { domain: 'lighting', kind: 'fault', severity: 'major', title: 'Relay failure reported by the controller' },
  lit_outside_program: { domain: 'lighting', kind: 'finding', severity: 'minor', title: 'Lit while the program says off' },
  // Chaufferies
  low_pressure: { domain: 'heating', kind: 'fault', severity: 'major', title: 'Circuit pressure low' },
  high_pressure: { domain: 'heating', kind: 'fault', severity: 'major', title: 'Circuit pressure high' },
  flame_fault: { domain: 'heating', kind: 'fault', severity: 'critical', title: 'Flame fault: burner locked out' },
  high_temperature: { domain: 'heating', kind: 'fault', severity: 'critical', title: 'Boiler over-temperature reported' },
  heating_curve_deviation: { domain: 'heating', kind: 'fault', severity: 'minor', title: 'Flow far from the heating curve' },
  overheating_occupied: { domain: 'heating', kind: 'finding', severity: 'minor', title: 'Above 19 °C while occupied (R241-26)' },
  unoccupied_heating: { domain: 'heating', kind: 'finding', severity: 'major', title: 'Heating an unoccupied building (R241-27)' },
  mild_weather_heating: { domain: 'heating', kind: 'finding', severity: 'minor', title: 'Burner running in mild weather' },
  // Air
  pm10_threshold: { domain: 'air', kind: 'threshold', severity: 'major', title: 'PM10 daily mean above the information threshold' },
  no2_threshold: { domain: 'air', kind: 'threshold', severity: 'major', title: 'NO2 hourly mean above the information threshold' },
  o3_threshold: { domain: 'air', kind: 'threshold', severity: 'major', title: 'O3 hourly mean above the information threshold' },
  so2_threshold: { domain: 'air', kind: 'threshold', severity: 'major', title: 'SO2 hourly mean above the information threshold' },
  co2_high: { domain: 'air', kind: 'finding', severity: 'minor', title: 'Classroom CO2 above 1,500 ppm during occupancy' },
  // Parking
  overstay: { domain: 'parking', kind: 'usage', severity: 'info', title: 'Stay beyond the zone limit' },
  saturation: { domain: 'parking', kind: 'usage', severity: 'info', title: 'Car park saturated' },
  // Every domain
  sensor_stuck: { domain: 'air', kind: 'fault', severity: 'minor', title: 'Sensor stuck: the reading does not move' },
  sensor_fault: { domain: 'air', kind: 'fault', severity: 'minor', title: 'Sensor fault reported by the device' },
  sensor_drift: { domain: 'air', kind: 'fault', severity: 'minor', title: 'Sensor drift reported by the device: recalibrate' },
  battery_low: { domain: 'parking', kind: 'fault', severity: 'minor', title: 'Battery low' },
  communication_loss: { domain: 'lighting', kind: 'fault', severity: 'major', title: 'Communication loss: no uplink for several expected periods' },
} as const satisfies Record<string, AlarmTypeInfo>;

export type AlarmType = keyof typeof ALARM_TYPES;
export const ALARM_TYPE_NAMES = Object.keys(ALARM_TYPES) as AlarmType[];

/** Types that belong to any domain: the domain of the alarm is the device's. */
export const CROSS_DOMAIN_TYPES: ReadonlySet<AlarmType> = new Set(['communication_loss', 'sensor_stuck', 'sensor_fault', 'sensor_drift', 'battery_low']);

/** The alarm a device's own `fault_raised` code stands for (power_high and power_low are a drift). */
export function alarmTypeOfCode(code: string): AlarmType | null {
  if (code === 'power_high' || code === 'power_low') return 'power_drift';
  return code in ALARM_TYPES ? (code as AlarmType) : null;
}
