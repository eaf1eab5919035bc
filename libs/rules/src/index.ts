/**
 * Telegestion rules: alarm detection with hysteresis and minimum durations for the four
 * domains, energy-saving findings, per-tenant configuration. The ATMO index is
 * `@hv/air-index`'s, energy prices `@hv/energy-pricing`'s.
 */
export * from './alarms/alarm-types';
export * from './alarms/debounce';
export * from './rule-config';
export * from './engine/detection';
export * from './engine/device-rules';
export { heatingCurveC } from './engine/heating.detectors';
export { fullOutputW, LUMINAIRE_DEFAULTS } from './engine/lighting.detectors';
export { enforcedMs } from './engine/parking.detectors';
export * from './alarms/correlation';
