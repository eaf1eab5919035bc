import { tenantIdSchema } from '@hv/contracts';
import { KPI_GROUPINGS, kpiPeriod, MAX_PERIOD_DAYS, yearBefore, type KpiPeriod, type TenantSet, type TerritoryGroups } from '@hv/kpis';
import type { TenantRepository } from '@hv/state';
import { z } from 'zod';
import type { Caller } from '../auth/caller';
import { RequestValidationError } from '../http/api.errors';
import { instant } from '../http/common.schema';

const DAY_MS = 86_400_000;

/** A `[from, to)` pair of a query: `from` before `to`, at most MAX_PERIOD_DAYS apart, both or neither when optional. */
function checkRange(from: string | undefined, to: string | undefined, names: [string, string], ctx: z.RefinementCtx, required: boolean): void {
  if (from === undefined || to === undefined) {
    if (!required && (from === undefined) !== (to === undefined)) ctx.addIssue({ code: 'custom', path: [from === undefined ? names[0] : names[1]], message: `${names[0]} and ${names[1]} go together` });
    return;
  }
  // zod runs refinements past a format error: a value that is not a date-time is already named.
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return;
  const span = Date.parse(to) - Date.parse(from);
  if (!(span > 0)) ctx.addIssue({ code: 'custom', path: [names[0]], message: `must be before ${names[1]}` });
  else if (span > MAX_PERIOD_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: [names[0]], message: `the period is at most ${MAX_PERIOD_DAYS} days` });
}

/** The query every KPI over a period takes. */
export const periodQuery = {
  /** Only this tenant's data: a commune, or an EPCI with its communes (the département: all). */
  tenant: tenantIdSchema.optional(),
  /** Start of the period, rounded down to the hour (UTC). */
  from: instant,
  /** End of the period (excluded), rounded up to the hour, and no later than the last complete hour. */
  to: instant,
};

export const byQuery = (fallback: (typeof KPI_GROUPINGS)[number]) => z.enum(KPI_GROUPINGS).default(fallback);

/** `reference_from` / `reference_to`: the heating savings' reference period (default: the same dates a year earlier). */
export const referenceQuery = {
  reference_from: instant.optional(),
  reference_to: instant.optional(),
};

export const checkPeriod = (q: { from: string; to: string }, ctx: z.RefinementCtx) => checkRange(q.from, q.to, ['from', 'to'], ctx, true);
export const checkReference = (q: { reference_from?: string; reference_to?: string }, ctx: z.RefinementCtx) =>
  checkRange(q.reference_from, q.reference_to, ['reference_from', 'reference_to'], ctx, false);

/** The period a request covers (whole hours, complete ones only); a 400 naming `from` when none of it is over yet. */
export function periodOf(query: { from: string; to: string }, nowMs = Date.now()): KpiPeriod {
  const period = kpiPeriod(Date.parse(query.from), Date.parse(query.to), nowMs);
  if (!period) throw new RequestValidationError([{ field: 'query.from', message: 'must be before the last complete hour: the KPIs cover hours that are over' }]);
  return period;
}

/** The heating reference: the one asked for, else the period a year earlier. */
export function referenceOf(query: { reference_from?: string; reference_to?: string }, period: KpiPeriod, nowMs = Date.now()): KpiPeriod {
  if (query.reference_from === undefined || query.reference_to === undefined) return yearBefore(period);
  const reference = kpiPeriod(Date.parse(query.reference_from), Date.parse(query.reference_to), nowMs);
  if (!reference) throw new RequestValidationError([{ field: 'query.reference_from', message: 'must be before the last complete hour' }]);
  return reference;
}

/**
 * The tenants a KPI reads, as the connected-objects KPI decides them: those of the key's
 * scope, or the one asked for (403 outside the scope) with the tenants below it that the key
 * sees (an EPCI stands for itself and its communes). Null, "every tenant", when that is the
 * whole territory: the queries then need no tenant filter at all.
 */
export async function tenantsOf(caller: Caller, tenant: string | undefined, tenants: TenantRepository, territory: TerritoryGroups): Promise<TenantSet> {
  let ids: TenantSet;
  if (tenant === undefined) ids = caller.scope.tenants();
  else {
    caller.scope.requireTenant(tenant);
    ids = (await tenants.visibleTenants(tenant)).filter((id) => caller.scope.includes(id));
  }
  return ids !== null && ids.length === territory.size && ids.every((id) => territory.includes(id)) ? null : ids;
}
