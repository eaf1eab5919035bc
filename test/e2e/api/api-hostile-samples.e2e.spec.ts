/**
 * The issue's hostile samples, each widened to its class, against the real API: ranges the
 * stores cannot hold on every route that takes one (found in the OpenAPI document), polar
 * days and nights in the lighting preview, a command's expiry that makes no sense, and
 * webhook addresses that reach the platform itself in their other spellings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { scrape } from '../../support/wait';

/** Ranges of a day that InfluxDB cannot hold (int64 ns: 1677-09-21 … 2262-04-11), or at its very edge. */
const OUT_OF_RANGE: Array<[string, string]> = [
  ['0001-01-01T00:00:00Z', '0001-01-02T00:00:00Z'],
  ['1600-06-01T00:00:00Z', '1600-06-02T00:00:00Z'],
  ['1677-09-20T00:00:00Z', '1677-09-21T00:00:00Z'],
  ['2262-04-12T00:00:00Z', '2262-04-13T00:00:00Z'],
  ['2300-01-01T00:00:00Z', '2300-01-02T00:00:00Z'],
  ['9999-12-30T00:00:00Z', '9999-12-31T00:00:00Z'],
];

describe('hostile samples, widened to their class', () => {
  let p: ApiPlatform;
  let doc: { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: { format?: string } }> }>> };

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_hostile_samples');
    doc = (await p.call('GET', '/api/v1/openapi.json')).body;
  });
  afterAll(async () => {
    await p?.stop();
  });

  const op = () => p.keys.operator;
  const fields = (res: { body: { issues?: Array<{ field: string }> } }) => (res.body.issues ?? []).map((i) => i.field);

  it('every route taking a from/to range refuses one the stores cannot hold, naming it (a 500 before)', async () => {
    const ranged = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, o]) => ['from', 'to'].every((n) => o.parameters?.some((x) => x.in === 'query' && x.name === n && x.schema.format === 'date-time')))
        .map(([method]) => [method.toUpperCase(), path.replace('{device}', p.tenants.A.device)] as const),
    );
    // The device history, the alarms, every KPI over a period and the CDN report at least.
    expect(ranged.length).toBeGreaterThanOrEqual(6);
    const wrong: string[] = [];
    for (const [method, path] of ranged) {
      for (const [from, to] of OUT_OF_RANGE) {
        const res = await p.call(method, `${path}?from=${from}&to=${to}`, { key: op() });
        if (res.status !== 400 || !fields(res).includes('query.from') || !fields(res).includes('query.to')) wrong.push(`${method} ${path} ${from}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a heating reference period out of range, an open-data day out of range, a preview out of range: each named', async () => {
    const week = `from=${new Date(Date.now() - 8 * 86_400_000).toISOString()}&to=${new Date(Date.now() - 86_400_000).toISOString()}`;
    for (const [from, to] of OUT_OF_RANGE) {
      const energy = await p.call('GET', `/api/v1/kpis/energy?${week}&reference_from=${from}&reference_to=${to}`, { key: op() });
      expect(energy.status, from).toBe(400);
      expect(fields(energy), from).toEqual(expect.arrayContaining(['query.reference_from', 'query.reference_to']));
      const day = await p.call('GET', `/api/v1/opendata/air-quality?date=${from.slice(0, 10)}`, { key: p.keys.public });
      expect(day.status, from).toBe(400);
      expect(new Set(fields(day)), from).toEqual(new Set(['query.date']));
      const preview = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/programs/preview`, { key: op(), body: { programId: p.tenants.A.program, from, to } });
      expect(preview.status, from).toBe(400);
      expect(fields(preview), from).toEqual(expect.arrayContaining(['body.from', 'body.to']));
    }
    // Odd but valid: a range in 1971 or in 2250 is answered (nothing in it).
    expect((await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/history?from=2250-01-01T00:00:00Z&to=2250-01-02T00:00:00Z`, { key: op() })).status).toBe(200);
    expect((await p.call('GET', '/api/v1/kpis/parking?from=1971-01-01T00:00:00Z&to=1971-01-02T00:00:00Z', { key: op() })).status).toBe(200);
  });

  describe('the lighting preview above the polar circles: an answer, not an error', () => {
    const preview = (lat: number, lon: number, from: string, to: string) =>
      p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/programs/preview`, { key: op(), body: { programId: p.tenants.A.program, from, to, lat, lon } });

    it.each([
      [70, 19, 'June', '2026-06-18T12:00:00Z'],
      [78.2, 15.6, 'June', '2026-06-01T12:00:00Z'],
      [-70, -60, 'December', '2026-12-18T12:00:00Z'],
      [90, 0, 'June', '2026-06-18T12:00:00Z'],
      [-89.9, 0, 'December', '2026-12-18T12:00:00Z'],
    ])('polar day at %s°, %s° in %s: the luminaire stays off all week', async (lat, lon, _month, from) => {
      const res = await preview(lat, lon, from, new Date(Date.parse(from) + 7 * 86_400_000).toISOString());
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.transitions).toEqual([{ at: new Date(Date.parse(from)).toISOString(), levelPct: 0, source: 'day' }]);
    });

    it.each([
      [70, 19, '2026-12-18T12:00:00Z'],
      [-70, -60, '2026-06-18T12:00:00Z'],
      [-90, 0, '2026-06-18T12:00:00Z'],
    ])('polar night at %s°, %s°: lit around the clock, the program\'s 23:00 step each night', async (lat, lon, from) => {
      const res = await preview(lat, lon, from, new Date(Date.parse(from) + 3 * 86_400_000).toISOString());
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const transitions = res.body.transitions as Array<{ levelPct: number; source: string }>;
      expect(transitions.filter((t) => t.source === 'day')).toEqual([]);
      expect(transitions.map((t) => t.levelPct)).toEqual([100, 50, 100, 50, 100, 50, 100]);
    });
  });

  it('a preview place with lat but no lon (or the reverse) is refused, not silently moved to the Aisne', async () => {
    for (const place of [{ lat: 70 }, { lon: 19 }]) {
      const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/programs/preview`, { key: op(), body: { programId: p.tenants.A.program, from: '2026-06-18T12:00:00Z', to: '2026-06-19T12:00:00Z', ...place } });
      expect(res.status, JSON.stringify(place)).toBe(400);
      expect(fields(res)).toEqual(['body.lon']);
    }
  });

  it('a command whose expiry is past, now, or more than a year ahead is refused naming expires_at, and nothing is queued', async () => {
    const count = async () => (await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM commands')).rows[0]!.n;
    const before = await count();
    for (const expires of [new Date(Date.now() - 60_000).toISOString(), '2020-01-01T00:00:00Z', new Date(Date.now() + 400 * 86_400_000).toISOString()]) {
      const res = await p.call('POST', '/api/v1/commands', { key: op(), body: { target: { device: p.tenants.A.device }, command: { level_pct: 30 }, expires_at: expires } });
      expect(res.status, expires).toBe(400);
      expect(fields(res), expires).toEqual(['body.expires_at']);
    }
    expect(await count()).toBe(before);
    const ok = await p.call('POST', '/api/v1/commands', { key: op(), body: { target: { device: p.tenants.A.device }, command: { level_pct: 30 }, expires_at: new Date(Date.now() + 600_000).toISOString() } });
    expect(ok.status).toBe(202);
  });

  it('each refusal is counted in /metrics by route pattern and status (never by raw URL)', async () => {
    const refusals = async (route: string, status: number) => {
      const line = (await scrape(p.url)).split('\n').find((l) => l.startsWith(`hv_api_refusals_total{route="${route}",status="${status}"}`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const route = 'PATCH /api/v1/devices/:device';
    const before = await refusals(route, 400);
    for (const name of ['Lampe\u0000', '\ud800', 'ok\u001b']) {
      expect((await p.call('PATCH', `/api/v1/devices/${p.tenants.A.device}`, { key: op(), body: { attributes: { name } } })).status).toBe(400);
    }
    expect(await refusals(route, 400)).toBe(before + 3);
    const xml = await p.call('POST', '/api/v1/keys', { key: op(), raw: { contentType: 'application/xml', text: '<key/>' } });
    expect(xml.status).toBe(415);
    expect(await refusals('POST /api/v1/keys', 415)).toBeGreaterThanOrEqual(1);
  });

  it('webhook addresses that reach the platform itself, however spelt, are refused naming body.url, and none is stored', async () => {
    const urls = [
      'http://localhost./', 'http://LOCALHOST./', 'http://localhost../hook', 'http://api.localhost./', 'http://[::127.0.0.1]:3000/', 'http://[2002:7f00:1::1]/',
      'http://[::ffff:7f00:1]/', 'http://[::ffff:0:127.0.0.1]/', 'http://[64:ff9b::127.0.0.1]/', 'http://[64:ff9b:1::a00:1]/', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
      'http://[2a01:e0a::5efe:127.0.0.1]/', 'http://[fe80::1]/', 'http://[fd00::1]/', 'http://[::]/', 'http://0.0.0.0/', 'http://0/', 'http://100.64.0.1/', 'http://198.18.0.1/',
      'http://192.0.0.170/', 'http://255.255.255.255/', 'http://224.0.0.1/', 'http://0x7f.1/', 'http://2130706433:8086/query',
    ];
    const listed = async () => (await p.call('GET', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: op() })).body.subscriptions.length;
    const before = await listed();
    const wrong: string[] = [];
    for (const url of urls) {
      const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.communeA, body: { channel: 'webhook', url } });
      if (res.status !== 400 || fields(res).join() !== 'body.url') wrong.push(`${url}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
    expect(await listed()).toBe(before);
  });
});
