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
import { DeviceModelRepository, DeviceRepository, GatewayRepository, TEST_SCRYPT_COST, UserRepository } from '@hv/state';
import { SubscriptionRepository } from '@hv/notifier';
import { ProgramRepository } from '@hv/telegestion';
import { insertAlarm, PASSWORD, startApiPlatform, type ApiPlatform, type CallOptions, type KeyName, type TenantFixture } from '../../support/api-platform';

type Access = 'anonymous' | 'open' | 'territory' | 'aggregate' | 'tenant' | 'admin' | 'operator';

/** Who may call each access level: the test's own statement of the roles (docs/API.md, "Keys, roles and scope"). */
const ROLES: Record<Access, ReadonlyArray<string>> = {
  anonymous: ['operator', 'epci', 'commune', 'cdn', 'public'],
  open: ['operator', 'epci', 'commune', 'cdn', 'public'],
  territory: ['operator', 'epci', 'commune', 'cdn'],
  aggregate: ['operator', 'epci', 'commune', 'cdn'],
  tenant: ['operator', 'epci', 'commune'],
  admin: ['operator', 'epci'],
  operator: ['operator'],
};

/** How the caller presents itself: nothing, its API key, or its person's console session. */
type Via = 'none' | 'key' | 'session';

interface Request extends CallOptions {
  path: string;
}

interface RouteCase {
  access: Access;
  /** The success status. */
  status: number;
  /** False for routes that serve no tenant's data (the document, the key's own description). */
  tenantBound?: boolean;
  /** A request on the data of `t` (fresh fixtures where the call changes them). */
  request(t: TenantFixture, p: ApiPlatform): Promise<Request> | Request;
  /**
   * A list that names no tenant in its request: served to every key that may call it, and
   * then `holds(body, t)` must be true for a tenant the key sees and false for the others.
   */
  holds?(body: any, t: TenantFixture): boolean;
  /** What an allowed answer must hold besides its status. */
  check?(body: any, t: TenantFixture): boolean;
  /** The request ends the session it rides on: a session caller signs in afresh for it. */
  freshSession?: boolean;
  /** Routes about the session itself: the status each way of calling gets, instead of the access rule's. */
  statusVia?(via: Via): number;
}

/** A past week, for the KPIs over a period. */
const WEEK = `from=${new Date(Date.now() - 8 * 86_400_000).toISOString()}&to=${new Date(Date.now() - 86_400_000).toISOString()}`;
/** A KPI asked for one commune answers that commune's figures and nobody else's. */
const ownGroups = (body: any, t: TenantFixture) => body.groups.length > 0 && body.groups.every((g: { tenant: string }) => g.tenant === t.tenant);

let seq = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;
const soon = () => new Date(Date.now() + 3_600_000).toISOString();

const CASES: Record<string, RouteCase> = {
  // People's sessions: signing in and the one-time links are open to anyone; the session's own routes answer the session.
  'POST /api/v1/session': { access: 'anonymous', status: 200, tenantBound: false, request: (_t, p) => ({ path: '/api/v1/session', body: { email: p.emails.public, password: PASSWORD } }), check: (body) => typeof body.csrfToken === 'string' },
  'GET /api/v1/session': { access: 'anonymous', status: 200, tenantBound: false, request: () => ({ path: '/api/v1/session' }), statusVia: (via) => (via === 'session' ? 200 : 401) },
  'DELETE /api/v1/session': { access: 'open', status: 204, tenantBound: false, freshSession: true, request: () => ({ path: '/api/v1/session' }) },
  'POST /api/v1/invitations/accept': {
    access: 'anonymous',
    status: 204,
    tenantBound: false,
    request: async (t, p) => ({ path: '/api/v1/invitations/accept', body: { token: await freshToken(t, p, 'invitation'), password: 'un mot de passe assez long' } }),
  },
  'POST /api/v1/password-reset': { access: 'anonymous', status: 202, tenantBound: false, request: (_t, p) => ({ path: '/api/v1/password-reset', body: { email: p.emails.communeB } }) },
  'POST /api/v1/password-reset/confirm': {
    access: 'anonymous',
    status: 204,
    tenantBound: false,
    request: async (t, p) => ({ path: '/api/v1/password-reset/confirm', body: { token: await freshToken(t, p, 'reset'), password: 'un mot de passe assez long' } }),
  },
  'GET /api/v1/map/communes': { access: 'aggregate', status: 200, request: (t) => ({ path: `/api/v1/map/communes?tenant=${t.tenant}` }), check: (body, t) => body.communes.every((c: { tenant: string }) => c.tenant === t.tenant) },
  'GET /api/v1/map/devices': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/map/devices?tenant=${t.tenant}` }), check: (body, t) => body.devices.every((d: { id: string }) => d.id.includes(t.tenant)) },
  'GET /api/v1/devices/{device}/commands': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices/${t.device}/commands` }), check: (body, t) => body.commands.length > 0 && body.commands.every((c: { tenant: string }) => c.tenant === t.tenant) },
  'GET /api/v1/tenants/{tenant}/groups': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/groups` }), check: (body, t) => body.groups.some((g: { id: string; devices: number }) => g.id === t.group && g.devices === 1) },
  'GET /api/v1/data-quality': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/data-quality?tenant=${t.tenant}` }), check: (body, t) => body.tenants.every((q: { tenant: string }) => q.tenant === t.tenant) },
  // People's accounts: an operator administers all, an EPCI its own and its communes'.
  'GET /api/v1/users': { access: 'admin', status: 200, request: () => ({ path: '/api/v1/users' }), holds: (body, t) => body.users.some((u: { tenant: string }) => u.tenant === t.tenant) },
  'POST /api/v1/users': { access: 'admin', status: 201, request: (t) => ({ path: '/api/v1/users', body: { email: `${fresh('agent')}@example.org`, name: 'Agent', role: 'commune', tenant: t.tenant } }) },
  'GET /api/v1/users/{user}': { access: 'admin', status: 200, request: async (t, p) => ({ path: `/api/v1/users/${await freshUser(t, p)}` }) },
  'POST /api/v1/users/{user}/invitation': { access: 'admin', status: 200, request: async (t, p) => ({ path: `/api/v1/users/${await freshUser(t, p)}/invitation` }) },
  'POST /api/v1/users/{user}/disable': { access: 'admin', status: 200, request: async (t, p) => ({ path: `/api/v1/users/${await freshUser(t, p)}/disable` }), check: (body) => body.state === 'disabled' },
  'POST /api/v1/users/{user}/enable': { access: 'admin', status: 200, request: async (t, p) => ({ path: `/api/v1/users/${await freshUser(t, p)}/enable` }) },
  'GET /api/v1/openapi.json': { access: 'anonymous', status: 200, tenantBound: false, request: () => ({ path: '/api/v1/openapi.json' }) },
  'GET /api/v1/me': { access: 'open', status: 200, tenantBound: false, request: () => ({ path: '/api/v1/me' }) },
  'GET /api/v1/keys': { access: 'operator', status: 200, tenantBound: false, request: () => ({ path: '/api/v1/keys' }) },
  'POST /api/v1/keys': { access: 'operator', status: 201, request: (t) => ({ path: '/api/v1/keys', body: { name: fresh('key'), role: 'commune', tenant: t.tenant.length === 5 ? t.tenant : undefined } }) },
  'POST /api/v1/keys/{key}/revoke': {
    access: 'operator',
    status: 200,
    tenantBound: false,
    request: async (_t, p) => {
      const created = await p.call('POST', '/api/v1/keys', { key: p.keys.operator, body: { name: fresh('revoked'), role: 'public' } });
      return { path: `/api/v1/keys/${created.body.id}/revoke` };
    },
  },
  'GET /api/v1/tenants': {
    access: 'territory',
    status: 200,
    request: () => ({ path: '/api/v1/tenants?kind=commune' }),
    holds: (body, t) => (body.tenants as Array<{ id: string }>).some((x) => x.id === t.tenant),
  },
  'GET /api/v1/tenants/{tenant}': { access: 'territory', status: 200, request: (t) => ({ path: `/api/v1/tenants/${t.tenant}` }) },
  'GET /api/v1/tenants/{tenant}/subscriptions': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/subscriptions` }) },
  'POST /api/v1/tenants/{tenant}/subscriptions': {
    access: 'tenant',
    status: 201,
    // Critical parking alarms only: the matrix's own lighting alarms send nothing anywhere.
    request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/subscriptions`, body: { channel: 'email', address: `astreinte-${t.tenant}@example.org`, minSeverity: 'critical', domains: ['parking'] } }),
  },
  'DELETE /api/v1/subscriptions/{subscription}': {
    access: 'tenant',
    status: 200,
    request: async (t, p) => {
      const sub = await new SubscriptionRepository(p.db).create({ tenant: t.tenant, channel: 'email', target: 'x@example.org', minSeverity: 'critical', domains: ['parking'], createdBy: 'e2e' });
      return { path: `/api/v1/subscriptions/${sub.id}` };
    },
  },
  'GET /api/v1/kpis/connected-objects': {
    access: 'aggregate',
    status: 200,
    request: (t) => ({ path: `/api/v1/kpis/connected-objects?tenant=${t.tenant}` }),
    // Asked for one commune, the answer counts that commune's luminaires and nobody else's.
    check: (body, t) => body.groups.length > 0 && body.groups.every((g: { tenant: string }) => g.tenant === t.tenant),
  },
  // Open data: the same for every key (no scope applies), narrowed to the tenant asked for.
  // A2's one luminaire has no coordinates, so it is not published: its page is empty.
  'GET /api/v1/opendata/streetlights': {
    access: 'open',
    status: 200,
    tenantBound: false,
    request: (t) => ({ path: `/api/v1/opendata/streetlights?tenant=${t.tenant}` }),
    check: (body, t) => (t.name === 'A2' || body.rows.length > 0) && body.rows.every((r: { tenant: string }) => r.tenant === t.tenant),
  },
  'GET /api/v1/opendata/air-quality': { access: 'open', status: 200, tenantBound: false, request: (t) => ({ path: `/api/v1/opendata/air-quality?tenant=${t.tenant}` }), check: (body, t) => body.rows.every((r: { tenant: string }) => r.tenant === t.tenant) },
  'GET /api/v1/opendata/car-parks': { access: 'open', status: 200, tenantBound: false, request: (t) => ({ path: `/api/v1/opendata/car-parks?tenant=${t.tenant}` }), check: (body, t) => body.rows.every((r: { tenant: string }) => r.tenant === t.tenant) },
  'GET /api/v1/kpis/energy': { access: 'aggregate', status: 200, request: (t) => ({ path: `/api/v1/kpis/energy?tenant=${t.tenant}&${WEEK}` }), check: ownGroups },
  'GET /api/v1/kpis/air-quality': { access: 'aggregate', status: 200, request: (t) => ({ path: `/api/v1/kpis/air-quality?tenant=${t.tenant}&by=commune&${WEEK}` }), check: ownGroups },
  'GET /api/v1/kpis/parking': { access: 'aggregate', status: 200, request: (t) => ({ path: `/api/v1/kpis/parking?tenant=${t.tenant}&${WEEK}` }), check: ownGroups },
  'GET /api/v1/kpis/report': {
    access: 'aggregate',
    status: 200,
    request: (t) => ({ path: `/api/v1/kpis/report?tenant=${t.tenant}&${WEEK}` }),
    // Asked for one commune, the report has that commune's row alone (never its EPCI's).
    check: (body, t) => body.rows.length === 1 && body.rows[0].tenant === t.tenant && body.rows[0].level === 'commune',
  },
  'GET /api/v1/devices': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices?tenant=${t.tenant}` }) },
  'POST /api/v1/tenants/{tenant}/devices': {
    access: 'tenant',
    status: 201,
    request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/devices`, body: { id: fresh('lamp-api'), type: 'lighting-controller', attributes: { rated_power_w: 50 } } }),
  },
  'POST /api/v1/tenants/{tenant}/devices/import': {
    access: 'tenant',
    status: 201,
    request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/devices/import`, raw: { contentType: 'text/csv', text: `id,type,credential,rated_power_w\n${fresh('lamp-csv')},lighting-controller,no,40\n` } }),
  },
  'GET /api/v1/devices/{device}': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices/${t.device}` }) },
  'PATCH /api/v1/devices/{device}': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices/${t.device}`, body: { attributes: { name: fresh('Lampe') } } }) },
  'POST /api/v1/devices/{device}/retire': {
    access: 'tenant',
    status: 200,
    request: async (t, p) => {
      const id = fresh('lamp-retire');
      await new DeviceRepository(p.db).create({ id, tenant: t.tenant, type: 'lighting-controller' });
      return { path: `/api/v1/devices/${id}/retire` };
    },
  },
  'POST /api/v1/devices/{device}/rotate-secret': {
    access: 'tenant',
    status: 200,
    request: async (t, p) => {
      const id = fresh('lamp-rotate');
      await new DeviceRepository(p.db).create({ id, tenant: t.tenant, type: 'lighting-controller' });
      return { path: `/api/v1/devices/${id}/rotate-secret` };
    },
    check: (body) => typeof body.secret === 'string' && body.secret.length >= 32,
  },
  'GET /api/v1/devices/{device}/state': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices/${t.device}/state` }) },
  'GET /api/v1/devices/{device}/history': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices/${t.device}/history` }) },
  'GET /api/v1/alarms': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/alarms?tenant=${t.tenant}&state=open` }) },
  'GET /api/v1/alarms/{alarm}': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/alarms/${await insertAlarm(p.db, t)}` }) },
  'POST /api/v1/alarms/{alarm}/acknowledge': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/alarms/${await insertAlarm(p.db, t)}/acknowledge` }) },
  'POST /api/v1/alarms/{alarm}/assign': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/alarms/${await insertAlarm(p.db, t)}/assign`, body: { assignee: 'Équipe nord' } }) },
  'POST /api/v1/alarms/{alarm}/comments': { access: 'tenant', status: 201, request: async (t, p) => ({ path: `/api/v1/alarms/${await insertAlarm(p.db, t)}/comments`, body: { comment: 'Passage prévu' } }) },
  'POST /api/v1/alarms/{alarm}/clear': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/alarms/${await insertAlarm(p.db, t)}/clear` }) },
  'POST /api/v1/commands': { access: 'tenant', status: 202, request: (t) => ({ path: '/api/v1/commands', body: { target: { tenant: t.tenant, group: t.group }, command: { level_pct: 60 }, expires_at: soon() } }) },
  'GET /api/v1/commands/{command}': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/commands/${t.command}` }) },
  'GET /api/v1/command-batches/{batch}': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/command-batches/${t.batch}` }) },
  'GET /api/v1/tenants/{tenant}/programs': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/programs` }) },
  'GET /api/v1/tenants/{tenant}/programs/{program}': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/programs/${t.program}` }) },
  'PUT /api/v1/tenants/{tenant}/programs/{program}': {
    access: 'tenant',
    status: 200,
    request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/programs/${t.program}`, body: { id: t.program, name: fresh('Nuit'), steps: [{ at: '23:00', level_pct: 50 }] } }),
  },
  'PUT /api/v1/tenants/{tenant}/program-assignments': {
    access: 'tenant',
    status: 200,
    request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/program-assignments`, body: { scope: 'group', scopeId: t.group, programId: t.program } }),
  },
  'POST /api/v1/tenants/{tenant}/programs/preview': {
    access: 'tenant',
    status: 200,
    request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/programs/preview`, body: { programId: t.program, from: '2026-12-01T12:00:00Z', to: '2026-12-02T12:00:00Z' } }),
  },
  // Gateways and LoRaWAN bridges are a tenant's, like its devices.
  'GET /api/v1/gateways': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/gateways?tenant=${t.tenant}` }) },
  'POST /api/v1/tenants/{tenant}/gateways': { access: 'tenant', status: 201, request: (t) => ({ path: `/api/v1/tenants/${t.tenant}/gateways`, body: { id: fresh('cs-bridge'), network: 'chirpstack' } }) },
  'GET /api/v1/gateways/{gateway}': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/gateways/${await freshGateway(t, p)}` }) },
  'POST /api/v1/gateways/{gateway}/retire': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/gateways/${await freshGateway(t, p)}/retire` }) },
  'POST /api/v1/gateways/{gateway}/rotate-secret': { access: 'tenant', status: 200, request: async (t, p) => ({ path: `/api/v1/gateways/${await freshGateway(t, p)}/rotate-secret` }) },
  // Device models are a hardware catalogue, nobody's data: every tenant key reads it, operators write it.
  'GET /api/v1/device-models': { access: 'tenant', status: 200, tenantBound: false, request: () => ({ path: '/api/v1/device-models?type=co2-sensor' }) },
  'GET /api/v1/device-models/{model}': { access: 'tenant', status: 200, tenantBound: false, request: () => ({ path: '/api/v1/device-models/milesight-am103' }) },
  'POST /api/v1/device-models': {
    access: 'operator',
    status: 201,
    tenantBound: false,
    request: () => ({ path: '/api/v1/device-models', body: { id: fresh('model'), type: 'parking-spot', name: 'Spot sensor', codec: { fields: { status: { to: 'occupied', values: { occupied: true, free: false } } } } } }),
  },
  'PATCH /api/v1/device-models/{model}': {
    access: 'operator',
    status: 200,
    tenantBound: false,
    request: async (_t, p) => {
      const id = fresh('model');
      await new DeviceModelRepository(p.db).create({ id, type: 'parking-spot', name: 'Spot sensor', codec: { fields: { occ: { to: 'occupied' } } } });
      return { path: `/api/v1/device-models/${id}`, body: { name: 'Spot sensor v2' } };
    },
  },
  'PUT /api/v1/devices/{device}/model': { access: 'tenant', status: 200, request: (t) => ({ path: `/api/v1/devices/${t.device}/model`, body: { model: 'hv-sim-lighting-controller' } }) },
};

/** A person of the tenant, invited, for one request (the request may disable it). */
async function freshUser(t: TenantFixture, p: ApiPlatform): Promise<string> {
  return (await new UserRepository(p.db).create({ email: `${fresh('person')}@example.org`, name: 'Personne', role: 'commune', tenant: t.tenant, createdBy: 'e2e' })).id;
}

/** A live one-time link of a fresh person of the tenant. */
async function freshToken(t: TenantFixture, p: ApiPlatform, purpose: 'invitation' | 'reset'): Promise<string> {
  return (await new UserRepository(p.db).issueToken(await freshUser(t, p), purpose, 3_600_000)).token;
}

/** A gateway of the tenant, registered for one request (the request may retire it). */
async function freshGateway(t: TenantFixture, p: ApiPlatform): Promise<string> {
  const id = fresh('gw');
  await new GatewayRepository(p.db).create({ id, tenant: t.tenant, network: 'native', secret: 'gateway secret', secretCost: TEST_SCRYPT_COST });
  return id;
}

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
