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

/** An instant in a query string or body: ISO 8601 with its offset (`2026-12-01T17:00:00Z`). */
export const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with its offset, e.g. 2026-12-01T17:00:00Z' });

/** `?includeRetired=true`: query strings carry text, and z.coerce.boolean() reads "false" as true. */
export const queryBoolean = z.enum(['true', 'false']).default('false').transform((s) => s === 'true');
