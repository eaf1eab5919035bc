/**
 * Hostile input on every route the served OpenAPI document lists (as the isolation matrix
 * enumerates them), against the real API on PostgreSQL and InfluxDB: each path parameter,
 * query parameter and body field gets each hostile value of hostile-requests.ts in an
 * otherwise valid request. Nothing may answer 5xx; a value no route can take (control
 * characters, lone surrogates, deep nesting, dates the stores cannot hold) must be a 400;
 * every 400 names the field it refuses. A route added later is covered from its schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRepository } from '@hv/state';
import { insertAlarm, PASSWORD, startApiPlatform, type ApiPlatform, type TenantFixture } from '../../support/api-platform';
import { fieldName, fieldsOf, hostileFor, inUrl, namesField, operationsOf, sampleOf, setAt, type Hostile, type Operation, type Path } from './hostile-requests';

let seq = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** A valid request per operation the test knows; any other is built from its schema (sampleOf). */
interface Baseline {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** `params`: the path parameters sent (a body may have to repeat one). */
  body?: (params: Record<string, string>) => unknown;
}

/** A lighting program using every part of the schema, so that each field's mutation is what a refusal is about. */
const program = () => ({
  id: 'nuit-hostile',
  name: 'Nuit',
  sunset_offset_min: 10,
  sunrise_offset_min: -10,
  steps: [{ at: '23:00', level_pct: 50 }],
  extinction: { from: '01:00', to: '05:00' },
  exceptions: [{ name: 'Noël', dates: ['2026-12-24'], from: '2026-12-20', to: '2026-12-31', weekdays: [5, 6], steps: [{ at: '23:30', level_pct: 80 }], extinction: null }],
  presence: { level_pct: 80, hold_s: 120, during_extinction: true },
});

/** One-time links, one per request that spends one (each mutation is an otherwise valid request). */
interface Links {
  invitation: string[];
  reset: string[];
  /** An account to administer, and the address of one with a password. */
  user: string;
  email: string;
}

function baselines(t: TenantFixture, alarm: number, key: string, subscription: number, links: Links): Record<string, Baseline> {
  const week = { from: daysAgo(8), to: daysAgo(1) };
  return {
    'POST /api/v1/keys': { body: () => ({ name: fresh('key'), role: 'public' }) },
    'POST /api/v1/tenants/{tenant}/subscriptions': { body: () => ({ channel: 'webhook', url: 'https://hooks.laon.example/hv', minSeverity: 'critical', domains: ['parking'], quietHours: { from: '22:00', to: '07:00' } }) },
    'POST /api/v1/tenants/{tenant}/devices': { body: () => ({ id: fresh('lamp-hostile'), type: 'lighting-controller', credential: false, attributes: { name: 'Lampe', cabinet: 'armoire-1', building: 'Mairie', rated_power_w: 50, lat: 49.56, lon: 3.62 } }) },
    'PATCH /api/v1/devices/{device}': { body: () => ({ attributes: { name: 'Lampe' } }) },
    'POST /api/v1/alarms/{alarm}/assign': { body: () => ({ assignee: 'Équipe nord' }) },
    'POST /api/v1/commands': { body: () => ({ domain: 'lighting', target: { device: t.device }, command: { level_pct: 40, ramp_s: 5, reason: 'override' }, expires_at: new Date(Date.now() + 3_600_000).toISOString() }) },
    'PUT /api/v1/tenants/{tenant}/programs/{program}': { body: (params) => ({ ...program(), id: params.program }) },
    'PUT /api/v1/tenants/{tenant}/program-assignments': { body: () => ({ scope: 'group', scopeId: t.group, programId: t.program }) },
    'POST /api/v1/tenants/{tenant}/programs/preview': { body: () => ({ program: program(), from: '2026-12-01T12:00:00Z', to: '2026-12-02T12:00:00Z', lat: 49.56, lon: 3.62 }) },
    // A profile whose decoder names its level field `name`: the generator's entry of a record (hostile-requests.ts).
    'POST /api/v1/device-models': { body: () => ({ id: fresh('model-hostile'), type: 'lighting-controller', name: 'Contrôleur', codec: { decoder: 'e2e', fields: { on: { to: 'on' }, name: { to: 'level_pct', scale: 0.1, offset: 0 }, power: { to: 'power_w' }, energy: { to: 'energy_wh', convert: 'kwh_to_wh' } }, ignore: ['rssi_dbm'] } }) },
    'POST /api/v1/session': { body: () => ({ email: links.email, password: PASSWORD }) },
    'POST /api/v1/invitations/accept': { body: () => ({ token: links.invitation.pop() ?? 'no link left', password: 'un mot de passe assez long' }) },
    'POST /api/v1/password-reset/confirm': { body: () => ({ token: links.reset.pop() ?? 'no link left', password: 'un mot de passe assez long' }) },
    'POST /api/v1/users': { body: () => ({ email: `${fresh('agent')}@example.org`, name: 'Agent', role: 'commune', tenant: t.tenant }) },
    'GET /api/v1/devices/{device}/history': { query: { from: daysAgo(2), to: daysAgo(1) } },
    'GET /api/v1/alarms': { query: { from: daysAgo(30), to: daysAgo(0) } },
    'GET /api/v1/kpis/energy': { query: { ...week, reference_from: daysAgo(373), reference_to: daysAgo(366) } },
    'GET /api/v1/kpis/air-quality': { query: week },
    'GET /api/v1/kpis/parking': { query: week },
    'GET /api/v1/kpis/report': { query: week },
    'GET /api/v1/opendata/air-quality': { query: { date: daysAgo(2).slice(0, 10) } },
    // Path parameters by name, for every route.
    '*': { params: { tenant: t.tenant, device: t.device, program: t.program, alarm: String(alarm), command: t.command, batch: t.batch, key, subscription: String(subscription), user: links.user } },
  };
}

const RAW_BODIES: ReadonlyArray<readonly [string, string, string]> = [
  ['malformed JSON', 'application/json', '{"id": "lamp-'],
  ['a __proto__ key', 'application/json', '{"__proto__": {"admin": true}}'],
  ['a constructor.prototype key', 'application/json', '{"constructor": {"prototype": {"admin": true}}}'],
  ['an empty JSON body', 'application/json', ''],
  ['JSON nested 100,000 deep', 'application/json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['text/plain', 'text/plain', 'hello'],
  ['application/xml', 'application/xml', '<device/>'],
];

interface Mutation {
  label: string;
  expected: string;
  refused: boolean;
  /** Not UTF-8 in the path: the router refuses it before any route, naming the path. */
  badUrl: boolean;
  request: () => { path: string; body?: unknown; raw?: { contentType: string; text: string } };
}

/** Every (field, hostile value) pair of an operation, each as an otherwise valid request. */
function mutationsOf(o: Operation, known: Record<string, Baseline>): Mutation[] {
  const base = known[o.op] ?? {};
  const params = Object.fromEntries(o.params.map((p) => [p.name, known['*']!.params![p.name] ?? String(sampleOf(p.schema))]));
  const query = base.query ?? Object.fromEntries(o.query.filter((q) => q.required).map((q) => [q.name, String(sampleOf(q.schema))]));
  const body = (p: Record<string, string> = params) => (o.body && !o.body.csv ? (base.body?.(p) ?? sampleOf(o.body.schema)) : undefined);
  const url = (p: Record<string, string>, q: Record<string, string>) => {
    const path = o.template.replace(/\{(\w+)\}/g, (_, name: string) => p[name]!);
    const search = Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&');
    return search ? `${path}?${search}` : path;
  };
  const encoded = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, encodeURIComponent(v)]));
  const out: Mutation[] = [];
  // A value that is not UTF-8 once percent-decoded (`url`) cannot travel in a URL or a text body as itself: refused or not, it must not fail.
  const add = (where: 'params' | 'query' | 'body', path: Path, h: Hostile, request: Mutation['request'], text = false) =>
    out.push({ label: `${fieldName(where, path)} = ${h.name}`, expected: fieldName(where, path), refused: h.refused && !((where !== 'body' || text) && h.url !== undefined), badUrl: where === 'params' && h.url !== undefined, request });
  for (const p of o.params) {
    for (const h of hostileFor(p.schema, 'params')) add('params', [p.name], h, () => ({ path: url({ ...encoded(params), [p.name]: inUrl(h) }, encoded(query)), body: body({ ...params, [p.name]: typeof h.value === 'string' ? h.value : JSON.stringify(h.value) }) }));
  }
  for (const q of o.query) for (const h of hostileFor(q.schema, 'query')) add('query', [q.name], h, () => ({ path: url(encoded(params), { ...encoded(query), [q.name]: inUrl(h) }), body: body() }));
  if (o.body?.csv) {
    for (const h of hostileFor({ type: 'string' }, 'body').filter((x) => typeof x.value === 'string' && x.value.length < 10_000)) {
      add('body', [], h, () => ({ path: url(encoded(params), encoded(query)), raw: { contentType: 'text/csv', text: `id,type,credential,name\n${fresh('lamp-csv')},lighting-controller,no,${h.value}\n` } }), true);
    }
  } else if (o.body) {
    for (const field of fieldsOf(o.body.schema)) {
      for (const h of hostileFor(field.schema, 'body')) add('body', field.path, h, () => ({ path: url(encoded(params), encoded(query)), body: setAt(body(), field.path, h.value) }));
      // A hostile name inside an object: refused, named under that object.
      if (field.object) add('body', field.path, { name: 'key with NUL', value: null, refused: true }, () => ({ path: url(encoded(params), encoded(query)), body: setAt(body(), [...field.path, 'na\u0000me'], 'x') }));
    }
  }
  // Bodies that are not JSON the route can read: Fastify's parser refuses them, naming the body (or its media type).
  if (o.body && !o.body.csv) {
    for (const [name, contentType, text] of RAW_BODIES) {
      out.push({ label: `body = ${name}`, expected: contentType === 'application/xml' ? 'headers.content-type' : 'body', refused: true, badUrl: false, request: () => ({ path: url(encoded(params), encoded(query)), raw: { contentType, text } }) });
    }
  }
  // A query parameter given twice arrives as an array.
  for (const q of o.query) {
    out.push({ label: `query.${q.name} twice`, expected: `query.${q.name}`, refused: false, badUrl: false, request: () => ({ path: `${url(encoded(params), encoded(query))}${Object.keys(query).length ? '&' : '?'}${q.name}=a&${q.name}=b` }) });
  }
  return out;
}

describe('hostile input on every route of the OpenAPI document', () => {
  let p: ApiPlatform;
  let operations: Operation[];
  let known: Record<string, Baseline>;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_hostile');
    const doc = await p.call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    operations = operationsOf(doc.body);
    const key = await p.call('POST', '/api/v1/keys', { key: p.keys.operator, body: { name: 'hostile', role: 'public' } });
    const sub = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.operator, body: { channel: 'email', address: 'a@example.org', minSeverity: 'critical', domains: ['parking'] } });
    const users = new UserRepository(p.db);
    const link = async (purpose: 'invitation' | 'reset') => {
      const user = await users.create({ email: `${fresh('link')}@example.org`, name: 'Lien', role: 'commune', tenant: p.tenants.A.tenant, createdBy: 'e2e' });
      return (await users.issueToken(user.id, purpose, 3_600_000)).token;
    };
    const links: Links = { invitation: [], reset: [], user: (await users.findByEmail(p.emails.communeA))!.id, email: p.emails.public };
    for (let i = 0; i < 60; i++) links.invitation.push(await link('invitation'));
    for (let i = 0; i < 60; i++) links.reset.push(await link('reset'));
    known = baselines(p.tenants.A, await insertAlarm(p.db, p.tenants.A), key.body.id, sub.body.id, links);
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('the document lists the routes, each with what it takes', () => {
    expect(operations.length).toBeGreaterThan(25);
    const withInput = operations.filter((o) => o.params.length + o.query.length > 0 || o.body);
    expect(withInput.length).toBeGreaterThan(20);
  });

  it('every route: no 5xx; what no route can take is a 400; every 400 names the field', async () => {
    const wrong: string[] = [];
    let sent = 0;
    for (const o of operations) {
      for (const m of mutationsOf(o, known)) {
        const r = m.request();
        const res = await p.call(o.method, r.path, { key: p.keys.operator, ...(r.raw ? { raw: r.raw } : r.body !== undefined ? { body: r.body } : {}) });
        sent++;
        const fields = ((res.body?.issues ?? []) as Array<{ field: string }>).map((i) => i.field);
        const refusal = [400, 413, 415].includes(res.status);
        const problem =
          res.status >= 500 ? `answered ${res.status}` :
          m.refused && res.status !== (m.expected === 'headers.content-type' ? 415 : 400) ? `answered ${res.status}, not a refusal` :
          refusal && o.body?.csv && m.expected === 'body' ? (fields.length ? null : 'a refusal naming no field') :
          refusal && !namesField(fields, m.expected) && !(m.badUrl && fields.includes('path')) ? `a ${res.status} naming ${JSON.stringify(fields)}, not ${m.expected}` :
          null;
        if (problem) wrong.push(`${o.op} ${m.label}: ${problem} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(sent).toBeGreaterThan(1_000);
    expect(wrong).toEqual([]);
  });
});
