/**
 * The isolation matrix's table: for every route of the served OpenAPI document, who may
 * call it and an otherwise valid request on a tenant's data (api-isolation.e2e.spec.ts runs it).
 * The expected access is stated here, independently of the server's own declaration.
 */
import { DeviceModelRepository, DeviceRepository, GatewayRepository, TEST_SCRYPT_COST, UserRepository } from '@hv/state';
import { SubscriptionRepository } from '@hv/notifier';
import { ProgramRepository } from '@hv/telegestion';
import { insertAlarm, PASSWORD, type ApiPlatform, type CallOptions, type TenantFixture } from '../../support/api-platform';

export type Access = 'anonymous' | 'open' | 'territory' | 'aggregate' | 'tenant' | 'admin' | 'operator';

/** Who may call each access level: the test's own statement of the roles (docs/API.md, "Keys, roles and scope"). */
export const ROLES: Record<Access, ReadonlyArray<string>> = {
  anonymous: ['operator', 'epci', 'commune', 'cdn', 'public'],
  open: ['operator', 'epci', 'commune', 'cdn', 'public'],
  territory: ['operator', 'epci', 'commune', 'cdn'],
  aggregate: ['operator', 'epci', 'commune', 'cdn'],
  tenant: ['operator', 'epci', 'commune'],
  admin: ['operator', 'epci'],
  operator: ['operator'],
};

/** How the caller presents itself: nothing, its API key, or its person's console session. */
export type Via = 'none' | 'key' | 'session';

interface Request extends CallOptions {
  path: string;
}

export interface RouteCase {
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

export const CASES: Record<string, RouteCase> = {
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
export async function freshUser(t: TenantFixture, p: ApiPlatform): Promise<string> {
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
