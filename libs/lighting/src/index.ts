/**
 * Public lighting control: the astronomical clock (NOAA sun position for Laon's ±2 min),
 * Europe/Paris civil time without Intl, lighting programs (TALQ-style calendars and
 * control programs), overrides, and the preview of what a device will do.
 */
export * from './astro/sun';
export * from './astro/paris-time';
export * from './program/program.schema';
export * from './program/evaluate';
