/**
 * What the API bench asks for: one group of calls per route and query, built from the
 * served OpenAPI document. Every `kpis/` path the document lists must have an entry in
 * KPI_QUERIES (a missing one stops the bench, naming the path), so that a KPI route added
 * to the API is measured as soon as its line is added here.
 */
import type { SimDevice } from '@hv/simulators';
import type { Call } from './http-load';

const API = '/api/v1';

/** The 30-day window the data covers, ISO instants; `kpiTo` is its last complete hour (the KPIs cover hours that are over). */
export interface BenchPeriod {
  from: string;
  to: string;
  kpiFrom: string;
  kpiTo: string;
}

export interface BenchKeys {
  operator: string;
  cdn: string;
  epci: ReadonlyArray<{ tenant: string; key: string }>;
  commune: ReadonlyArray<{ tenant: string; key: string }>;
}

export interface RouteGroup {
  /** Short name in the log and the JSON, e.g. `history 30 d`, `kpis/connected-objects by=epci`. */
  name: string;
  /** The document's path (`/api/v1/devices/{device}/history`). */
  route: string;
  calls: Call[];
  /** An error message when a checked answer is not what the route should give. */
  check(body: unknown): string | null;
}

/** Who asks a KPI: the territory's readers (the CDN and operator keys, in turn), or each EPCI key for its own EPCI. */
type Asker = 'territory' | 'epci';

interface KpiVariant {
  label: string;
  as: Asker;
  query(p: BenchPeriod, tenant?: string): Record<string, string>;
}

/** The query of each `kpis/` path, one line per variant: 30 days of complete hours for the period KPIs. */
export const KPI_QUERIES: Readonly<Record<string, readonly KpiVariant[]>> = {
  [`${API}/kpis/connected-objects`]: [
    { label: 'by=commune', as: 'territory', query: () => ({ by: 'commune' }) },
    { label: 'by=epci', as: 'territory', query: () => ({ by: 'epci' }) },
    { label: 'by=departement', as: 'territory', query: () => ({ by: 'departement' }) },
    { label: 'tenant=<its EPCI> by=commune, EPCI keys', as: 'epci', query: (_p, tenant) => ({ tenant: tenant!, by: 'commune' }) },
  ],
  [`${API}/kpis/energy`]: [{ label: '30 d by=commune', as: 'territory', query: (p) => ({ from: p.kpiFrom, to: p.kpiTo, by: 'commune' }) }],
  [`${API}/kpis/air-quality`]: [{ label: '30 d by=epci', as: 'territory', query: (p) => ({ from: p.kpiFrom, to: p.kpiTo, by: 'epci' }) }],
  [`${API}/kpis/parking`]: [{ label: '30 d by=commune', as: 'territory', query: (p) => ({ from: p.kpiFrom, to: p.kpiTo, by: 'commune' }) }],
  [`${API}/kpis/report`]: [{ label: '30 d format=json', as: 'territory', query: (p) => ({ from: p.kpiFrom, to: p.kpiTo, format: 'json' }) }],
};

/** The `kpis/` GET paths of a served OpenAPI document. */
export function kpiPaths(document: { paths?: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths ?? {})
    .filter(([path, operations]) => path.startsWith(`${API}/kpis/`) && operations.get !== undefined)
    .map(([path]) => path)
    .sort();
}

/** KPI_QUERIES' entries for the served paths; throws naming every served `kpis/` path without one. */
export function kpiGroups(served: readonly string[], period: BenchPeriod, keys: BenchKeys): RouteGroup[] {
  const missing = served.filter((path) => !(path in KPI_QUERIES));
  if (missing.length) {
    throw new Error(`the API serves ${missing.join(', ')} but bench/api-routes.ts has no entry for ${missing.length > 1 ? 'them' : 'it'} in KPI_QUERIES: add one line per path with its 30-day query`);
  }
  const groups: RouteGroup[] = [];
  for (const path of served) {
    for (const variant of KPI_QUERIES[path]!) {
      const askers = variant.as === 'territory' ? [{ key: keys.cdn }, { key: keys.operator }] : keys.epci;
      const calls = askers.map((a) => ({ path: `${path}?${new URLSearchParams(variant.query(period, 'tenant' in a ? a.tenant : undefined))}`, key: a.key }));
      groups.push({ name: `${path.slice(API.length + 1)} ${variant.label}`, route: path, calls, check: isObject });
    }
  }
  return groups;
}

/** The devices' routes: history over the period (30 days by default) and 24 hours of the sampled devices, and the latest state of devices across the fleet. */
export function deviceGroups(sample: readonly SimDevice[], stateDevices: readonly SimDevice[], period: BenchPeriod, keyFor: (d: SimDevice) => string): RouteGroup[] {
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000);
  const dayBefore = new Date(Date.parse(period.to) - 86_400_000).toISOString();
  const history = (from: string) => sample.map((d) => ({ path: `${API}/devices/${d.id}/history?${new URLSearchParams({ from, to: period.to })}`, key: keyFor(d) }));
  const hasPoints = (body: unknown) => (Array.isArray((body as { points?: unknown }).points) && (body as { points: unknown[] }).points.length > 0 ? null : `no points: ${JSON.stringify(body).slice(0, 300)}`);
  return [
    { name: `history ${days} d`, route: `${API}/devices/{device}/history`, calls: history(period.from), check: hasPoints },
    { name: 'history 24 h', route: `${API}/devices/{device}/history`, calls: history(dayBefore), check: hasPoints },
    {
      name: 'state',
      route: `${API}/devices/{device}/state`,
      calls: stateDevices.map((d) => ({ path: `${API}/devices/${d.id}/state`, key: keyFor(d) })),
      check: (body) => ((body as { telemetry?: unknown }).telemetry ? null : `no telemetry: ${JSON.stringify(body).slice(0, 300)}`),
    },
  ];
}

/**
 * The baseline: `GET /me` with every key of the run in turn. It goes through what every
 * route pays (Fastify, Nest's routing, the global guard: the key's SHA-256 and its indexed
 * row in PostgreSQL, the scope, the exception filter, JSON) and does nothing else, so a
 * route's latency above it is the route's own work and its queries. The OpenAPI document
 * would measure less (anonymous: no key looked up) and more (a 60 kB document serialised).
 */
export function baselineGroup(keys: BenchKeys): RouteGroup {
  const all = [keys.operator, keys.cdn, ...keys.epci.map((k) => k.key), ...keys.commune.map((k) => k.key)];
  return { name: 'baseline GET /me', route: `${API}/me`, calls: all.map((key) => ({ path: `${API}/me`, key })), check: isObject };
}

function isObject(body: unknown): string | null {
  return body !== null && typeof body === 'object' ? null : `not a JSON object: ${String(body).slice(0, 300)}`;
}
