import { deviceIdSchema, tenantIdSchema } from '@hv/contracts';
import { z } from 'zod';

/** Shared pieces of the request schemas. */
export const tenantParams = z.object({ tenant: tenantIdSchema });
export const deviceParams = z.object({ device: deviceIdSchema });

/** A page of a list: `limit` (1–1000, 100 by default) rows after `offset`. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/**
 * The instants a request may name, epoch ms. InfluxDB holds int64 nanoseconds since 1970,
 * 1677-09-21T00:12:43Z to 2262-04-11T23:47:16Z: beyond, a query fails (a 500 before these
 * bounds). Routes derive other instants from the ones asked for (the heating reference a
 * year before, hours rounded up, a day's margin), hence a few years' margin on each side.
 */
export const EARLIEST_INSTANT_MS = Date.UTC(1680, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(2260, 0, 1);
const INSTANT_RANGE = 'between 1680-01-01 and 2260-01-01 (what the time-series store can hold)';
// NaN: not a date at all, which the format check already names.
const inRange = (ms: number) => Number.isNaN(ms) || (ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS);

/** An instant in a query string or body: ISO 8601 with its offset (`2026-12-01T17:00:00Z`), within the stores' range. */
export const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with its offset, e.g. 2026-12-01T17:00:00Z' })
  .refine((s) => inRange(Date.parse(s)), `must be ${INSTANT_RANGE}`);

/** A calendar day `YYYY-MM-DD`, within the stores' range. */
export const calendarDay = z.iso
  .date({ error: 'must be a date YYYY-MM-DD' })
  .refine((s) => inRange(Date.parse(`${s}T00:00:00Z`)), `must be ${INSTANT_RANGE}`);

/** `?includeRetired=true`: query strings carry text, and z.coerce.boolean() reads "false" as true. */
export const queryBoolean = z.enum(['true', 'false']).default('false').transform((s) => s === 'true');
