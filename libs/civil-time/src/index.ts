/**
 * Europe/Paris civil time without Intl or the host's time zone (both DST changes, civil
 * dates, wall-clock instants) and the calendar helpers built on it (the Paris days of a
 * range, whole days' instants, weeks), for every lib that reckons in Paris days.
 */
export * from './paris-time';
export * from './calendar';
