/**
 * Public lighting control: the astronomical clock (NOAA sun position for Laon's ±2 min),
 * lighting programs (TALQ-style calendars and control programs), overrides, and the
 * preview of what a device will do. Paris civil time is `@hv/civil-time`'s.
 */
export * from './astro/sun';
export * from './program/program.schema';
export * from './program/place';
export * from './program/evaluate';
