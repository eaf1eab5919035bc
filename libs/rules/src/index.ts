/**
 * Telegestion rules: the ATMO index and air thresholds, alarm detection with hysteresis and
 * minimum durations for the four domains, energy-saving findings, per-tenant configuration.
 */
export * from './air/atmo';
export * from './alarms/alarm-types';
export * from './alarms/debounce';
export * from './rule-config';
export * from './engine/detection';
export * from './engine/device-rules';
export { heatingCurveC } from './engine/heating.detectors';
export { fullOutputW, LUMINAIRE_DEFAULTS } from './engine/lighting.detectors';
export { enforcedMs } from './engine/parking.detectors';
export * from './alarms/correlation';
