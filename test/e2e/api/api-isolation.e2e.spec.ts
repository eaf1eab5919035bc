/**
 * The tenant isolation matrix: every route the served OpenAPI document lists, called with
 * every role's key, on the data of its own tenant and of others. Another tenant's data is
 * refused (403 or 404), its own is served; a route that the document lists and this table
 * does not cover fails the suite, so that a new route cannot escape the matrix.
 *
 * The expected access of each route is stated here, independently of the server's own
 * declaration: a route whose declaration was widened by mistake fails too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRepository } from '@hv/state';
import { ProgramRepository } from '@hv/telegestion';
import { insertAlarm, startApiPlatform, type ApiPlatform, type CallOptions, type KeyName } from '../../support/api-platform';
import { CASES, freshUser, ROLES, type RouteCase, type Via } from './api-isolation.fixtures';

const KEYS: ReadonlyArray<KeyName | 'none'> = ['none', 'operator', 'epciA', 'communeA', 'communeB', 'cdn', 'public'];

describe('tenant isolation matrix', () => {
  let p: ApiPlatform;
  let operations: string[];

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_matrix');
    // An air station and a parking sensor per tenant, so that every KPI has figures for each.
    const registry = new DeviceRepository(p.db);
    for (const t of Object.values(p.tenants)) {
      await registry.create({ id: `aq-matrix-${t.tenant}`, tenant: t.tenant, type: 'air-station' });
      await registry.create({ id: `ps-matrix-${t.tenant}`, tenant: t.tenant, type: 'parking-spot' });
      // A person of each tenant, so that the list of accounts has someone of each to show or hide.
      await freshUser(t, p);
    }
    const doc = await p.call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('covers every operation of the served OpenAPI document, and nothing it does not serve', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((op) => !(op in CASES)), 'routes without a case in the matrix').toEqual([]);
    expect(Object.keys(CASES).filter((op) => !operations.includes(op)), 'cases for routes the document does not list').toEqual([]);
  });

  it('serves a well-formed document: every path parameter declared, unique operation ids, error answers described', async () => {
    const doc = await p.call('GET', '/api/v1/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, any>>)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, operation] of Object.entries(ops)) {
        const declared = (operation.parameters ?? []).filter((x: { in: string }) => x.in === 'path').map((x: { name: string }) => x.name).sort();
        expect(declared, `${method} ${path}`).toEqual(templated);
        expect(ids.has(operation.operationId), operation.operationId).toBe(false);
        ids.add(operation.operationId);
        expect(operation.responses['400']?.content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
        if (['post', 'put', 'patch'].includes(method) && operation.requestBody) expect(Object.keys(operation.requestBody.content)).toHaveLength(1);
      }
    }
  });

  it('documents for each route the access the matrix expects', async () => {
    const doc = await p.call('GET', '/api/v1/openapi.json');
    for (const op of operations) {
      const [method, path] = op.split(' ') as [string, string];
      expect(doc.body.paths[path][method.toLowerCase()]['x-hv-access'], op).toBe(CASES[op]!.access);
    }
  });

  // One test per route: every key, and every key's person through a console session, on the data of A, A2 and B.
  for (const [op, routeCase] of Object.entries(CASES)) {
    it(`${op}: each key and each session reach their own tenants' data and are refused the others'`, async () => {
      const [method] = op.split(' ') as [string];
      const outcomes: string[] = [];
      const wrong: string[] = [];
      const callers = KEYS.flatMap((keyName): Array<{ keyName: KeyName | 'none'; via: Via }> => (keyName === 'none' ? [{ keyName, via: 'none' }] : [{ keyName, via: 'key' }, { keyName, via: 'session' }]));
      for (const { keyName, via } of callers) {
        for (const target of ['A', 'A2', 'B'] as const) {
          const t = p.tenants[target];
          const request = await routeCase.request(t, p);
          const credential: CallOptions =
            keyName === 'none' ? {} :
            via === 'key' ? { key: p.keys[keyName] } :
            { session: routeCase.freshSession ? await p.login(p.emails[keyName]) : p.sessions[keyName] };
          const res = await p.call(method, request.path, { ...request, ...credential });
          const expected = routeCase.statusVia ? (routeCase.statusVia(via) === routeCase.status ? 'allowed' : 'unauthenticated') : expectation(routeCase, keyName, target, p);
          const ok =
            expected === 'allowed' ? res.status === routeCase.status && (routeCase.holds?.(res.body, t) ?? true) && (routeCase.check?.(res.body, t) ?? true) :
            expected === 'unauthenticated' ? res.status === 401 :
            expected === 'role refused' ? res.status === 403 :
            routeCase.holds ? res.status === routeCase.status && !routeCase.holds(res.body, t) :
            res.status === 403 || res.status === 404;
          const line = `${keyName} by ${via} on ${target}: expected ${expected}, got ${res.status}`;
          outcomes.push(line);
          if (!ok) wrong.push(`${line} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }
      expect(wrong, outcomes.join('\n')).toEqual([]);
      // The matrix exercised both sides: something was allowed and something refused.
      expect(outcomes.some((o) => /expected allowed/.test(o))).toBe(true);
      if (routeCase.access !== 'anonymous') expect(outcomes.some((o) => /expected (tenant refused|role refused|unauthenticated)/.test(o))).toBe(true);
    });
  }

  it('unfiltered lists hold only the tenants a key sees', async () => {
    for (const keyName of ['epciA', 'communeA', 'communeB'] as const) {
      const visible = new Set(p.sees[keyName].tenants.map((n) => p.tenants[n].tenant));
      const devices = await p.call('GET', '/api/v1/devices?limit=1000', { key: p.keys[keyName] });
      expect(devices.status).toBe(200);
      expect(devices.body.devices.length).toBeGreaterThan(0);
      expect(devices.body.devices.filter((d: { tenant: string }) => !visible.has(d.tenant))).toEqual([]);
      await insertAlarm(p.db, p.tenants.B);
      await insertAlarm(p.db, p.tenants.A);
      const alarms = await p.call('GET', '/api/v1/alarms?limit=1000', { key: p.keys[keyName] });
      expect(alarms.status).toBe(200);
      expect(alarms.body.alarms.length).toBeGreaterThan(0);
      expect(alarms.body.alarms.filter((a: { tenant: string }) => !visible.has(a.tenant))).toEqual([]);
    }
    // The operator sees both sides of the territory.
    const all = await p.call('GET', '/api/v1/devices?limit=1000', { key: p.keys.operator });
    expect(new Set(all.body.devices.map((d: { tenant: string }) => d.tenant))).toEqual(new Set([p.tenants.A.tenant, p.tenants.A2.tenant, p.tenants.B.tenant]));
  });

  it('a command to a list naming one device of another tenant is refused whole, and nothing is queued', async () => {
    const before = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM commands');
    const res = await p.call('POST', '/api/v1/commands', { key: p.keys.communeA, body: { target: { devices: [p.tenants.A.device, p.tenants.B.device] }, command: { level_pct: 10 } } });
    expect(res.status).toBe(404);
    const after = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM commands');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

describe('tenant isolation through groups', () => {
  let p: ApiPlatform;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_groups');
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('a group of commune A that holds a device of B cannot be commanded with A\'s key, and nothing is queued', async () => {
    await new ProgramRepository(p.db).saveGroup(p.tenants.A.tenant, 'mixte', 'Groupe mixte', [p.tenants.A.device, p.tenants.B.device]);
    const before = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM commands');
    const res = await p.call('POST', '/api/v1/commands', { key: p.keys.communeA, body: { target: { tenant: p.tenants.A.tenant, group: 'mixte' }, command: { level_pct: 10 } } });
    expect(res.status).toBe(403);
    expect((await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM commands')).rows[0]!.n).toBe(before.rows[0]!.n);
    // The operator, who sees both, may.
    const ok = await p.call('POST', '/api/v1/commands', { key: p.keys.operator, body: { target: { tenant: p.tenants.A.tenant, group: 'mixte' }, command: { level_pct: 10 } } });
    expect(ok.status).toBe(202);
    expect(ok.body.devices).toBe(2);
  });
});

type Expectation = 'allowed' | 'unauthenticated' | 'role refused' | 'tenant refused';

function expectation(routeCase: RouteCase, keyName: KeyName | 'none', target: 'A' | 'A2' | 'B', p: ApiPlatform): Expectation {
  if (routeCase.access === 'anonymous') return 'allowed';
  if (keyName === 'none') return 'unauthenticated';
  const { role, tenants } = p.sees[keyName];
  if (!ROLES[routeCase.access].includes(role)) return 'role refused';
  if (routeCase.tenantBound === false || role === 'operator' || role === 'cdn' || role === 'public') return 'allowed';
  return tenants.includes(target) ? 'allowed' : 'tenant refused';
}
