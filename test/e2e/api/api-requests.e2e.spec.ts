/**
 * The API as a collectivité's integrator meets it: bad requests answered 4xx naming the
 * field (never 5xx), credentials and keys shown once, a CSV import refused line by line
 * then accepted, readings and history from InfluxDB, the alarm lifecycle, a command
 * through telegestion to a device's ack, and a real internal error answered with the id
 * that is in the log.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MqttClient } from 'mqtt';
import { influxQuery } from '@hv/devkit';
import { DeviceRepository } from '@hv/state';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { connect } from '../../support/platform';
import { waitFor } from '../../support/wait';

const run = promisify(execFile);

describe('API requests against the real stack', () => {
  let p: ApiPlatform;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_requests');
  });
  afterAll(async () => {
    await p?.stop();
  });

  const op = () => p.keys.operator;
  const fields = (res: { body: { issues?: Array<{ field: string }> } }) => (res.body.issues ?? []).map((i) => i.field);

  describe('bad requests: 4xx naming the field', () => {
    it('a query parameter out of range', async () => {
      const res = await p.call('GET', '/api/v1/devices?limit=5000&domain=weather', { key: op() });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['query.domain', 'query.limit']);
    });

    it('a path parameter that is not an id', async () => {
      const res = await p.call('GET', '/api/v1/devices/Lamp%20One', { key: op() });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['params.device']);
    });

    it('a provisioning body with a bad DevEUI, an unknown type and a stray field', async () => {
      const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/devices`, { key: op(), body: { id: 'co2-x', type: 'toaster', devEui: 'xyz', colour: 'red' } });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(expect.arrayContaining(['body.type', 'body.devEui', 'body']));
      expect(JSON.stringify(res.body)).toMatch(/colour/);
    });

    it('a lighting program whose step is not a time, deep in the body', async () => {
      const t = p.tenants.A;
      const res = await p.call('PUT', `/api/v1/tenants/${t.tenant}/programs/${t.program}`, { key: op(), body: { id: t.program, name: 'Nuit', steps: [{ at: '22:00', level_pct: 50 }, { at: '25:00', level_pct: 30 }] } });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['body.steps[1].at']);
    });

    it('a program id in the body that is not the path\'s', async () => {
      const t = p.tenants.A;
      const res = await p.call('PUT', `/api/v1/tenants/${t.tenant}/programs/${t.program}`, { key: op(), body: { id: 'other', name: 'Nuit' } });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['body.id']);
    });

    it('a command level above 100 %', async () => {
      const res = await p.call('POST', '/api/v1/commands', { key: op(), body: { target: { device: p.tenants.A.device }, command: { level_pct: 150 } } });
      expect(res.status).toBe(400);
      expect(fields(res)[0]).toMatch(/^body\.command/);
    });

    it('a history bucket too small for its range', async () => {
      const res = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/history?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z&every=1m`, { key: op() });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['query.every']);
    });

    it('a history range that ends before it begins', async () => {
      const res = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/history?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`, { key: op() });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['query.from']);
    });

    it('malformed JSON, a media type the route does not take, an unknown route', async () => {
      const malformed = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/devices`, { key: op(), raw: { contentType: 'application/json', text: '{"id": "lamp-' } });
      expect(malformed.status).toBe(400);
      const xml = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/devices`, { key: op(), raw: { contentType: 'application/xml', text: '<device/>' } });
      expect(xml.status).toBe(415);
      const unknown = await p.call('GET', '/api/v1/nothing-here', { key: op() });
      expect(unknown.status).toBe(404);
    });

    it('a webhook aimed at the platform\'s own services (loopback, private addresses) is refused, naming the URL', async () => {
      for (const url of ['http://127.0.0.1:28086/query?q=DROP%20DATABASE%20x', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest']) {
        const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.communeA, body: { channel: 'webhook', url } });
        expect(res.status, url).toBe(400);
        expect(res.body.issues, url).toEqual([{ field: 'body.url', message: expect.stringMatching(/^must not reach a loopback, private or reserved address: /) }]);
      }
      const ok = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.communeA, body: { channel: 'webhook', url: 'https://hooks.laon.example/hv', minSeverity: 'critical', domains: ['parking'] } });
      expect(ok.status).toBe(201);
      expect(ok.body.secret).toMatch(/^whsec_/);
      const listed = await p.call('GET', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.communeA });
      expect(JSON.stringify(listed.body)).not.toContain(ok.body.secret);
    });

    it('no key, a malformed key and a well-formed unknown key: 401 alike', async () => {
      for (const key of [undefined, 'let-me-in', `hv_${'a'.repeat(16)}_${'B'.repeat(43)}`]) {
        const res = await p.call('GET', '/api/v1/me', key ? { key } : {});
        expect(res.status, String(key)).toBe(401);
        expect(res.body.message).toMatch(/API key/);
      }
    });

    it('no route answers 5xx to hostile input', async () => {
      const doc = await p.call('GET', '/api/v1/openapi.json');
      const hostile = ["..%2F..%2Fetc", "x'%20OR%20'1'='1", '%00', '9'.repeat(40)];
      const bodies = [undefined, [1, 2], { id: { $ne: null } }, 'plain text'];
      const seen: string[] = [];
      for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(ops)) {
          for (let i = 0; i < hostile.length; i++) {
            const h = hostile[i]!;
            const url = path.replace(/\{[^}]+\}/g, h) + `?limit=${h}&from=${h}&to=${h}&state=${h}&tenant=${h}&by=${h}&format=${h}&reference_from=${h}`;
            const body = method === 'get' ? undefined : bodies[i];
            const res = await p.call(method.toUpperCase(), url, { key: op(), ...(body !== undefined ? (typeof body === 'string' ? { raw: { contentType: 'text/csv', text: body } } : { body }) : {}) });
            if (res.status >= 500) seen.push(`${method.toUpperCase()} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
          }
        }
      }
      expect(seen).toEqual([]);
    });
  });

  describe('credentials and keys shown once', () => {
    it('a provisioned device gets a password in the answer only, and the registry accepts it', async () => {
      const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/devices`, { key: op(), body: { id: 'lamp-new-1', type: 'lighting-controller', attributes: { rated_power_w: 60, cabinet: 'cab-new' } } });
      expect(res.status).toBe(201);
      expect(res.body.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(res.body.device).toMatchObject({ id: 'lamp-new-1', tenant: p.tenants.A.tenant, hasSecret: true, attributes: { rated_power_w: 60 } });
      const again = await p.call('GET', '/api/v1/devices/lamp-new-1', { key: op() });
      expect(JSON.stringify(again.body)).not.toContain(res.body.secret);
      expect(await new DeviceRepository(p.db).verifyCredentials('lamp-new-1', res.body.secret)).toMatchObject({ id: 'lamp-new-1' });
      const duplicate = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/devices`, { key: op(), body: { id: 'lamp-new-1', type: 'lighting-controller' } });
      expect(duplicate.status).toBe(409);
      expect(fields(duplicate)).toEqual(['body.id']);
    });

    it('a LoRaWAN sensor gets no password unless asked', async () => {
      const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/devices`, { key: op(), body: { id: 'co2-new-1', type: 'co2-sensor', devEui: 'A1B2C3D4E5F60718' } });
      expect(res.status).toBe(201);
      expect(res.body.secret).toBeUndefined();
      expect(res.body.device).toMatchObject({ devEui: 'a1b2c3d4e5f60718', hasSecret: false, domain: 'air' });
    });

    it('an API key is in its creation answer only; revoked, it stops working', async () => {
      const created = await p.call('POST', '/api/v1/keys', { key: op(), body: { name: 'Laon SIG', role: 'commune', tenant: p.tenants.A.tenant } });
      expect(created.status).toBe(201);
      const listed = await p.call('GET', '/api/v1/keys', { key: op() });
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key.slice(20));
      expect((await p.call('GET', '/api/v1/me', { key: created.body.key })).body).toEqual({ key: { id: created.body.id, name: 'Laon SIG', role: 'commune', tenant: p.tenants.A.tenant }, tenants: [p.tenants.A.tenant] });
      expect((await p.call('POST', `/api/v1/keys/${created.body.id}/revoke`, { key: op() })).status).toBe(200);
      expect((await p.call('GET', '/api/v1/me', { key: created.body.key })).status).toBe(401);
    });

    it('a key of the wrong kind of tenant is refused, naming the field', async () => {
      const res = await p.call('POST', '/api/v1/keys', { key: op(), body: { name: 'x', role: 'epci', tenant: p.tenants.A.tenant } });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([{ field: 'body.tenant', message: `${p.tenants.A.tenant} is a commune, not a epci` }]);
    });

    it('npm run api-key issues the first operator key from the command line', async () => {
      const { stdout } = await run(process.execPath, ['dist/apps/api/src/create-key.js', '--name', 'first operator'], { env: { ...process.env, HV_PG_URL: p.tp.pgUrl } });
      const key = /^(hv_\S+)$/m.exec(stdout)?.[1];
      expect(key, stdout).toBeDefined();
      const me = await p.call('GET', '/api/v1/me', { key: key! });
      expect(me.body).toMatchObject({ key: { name: 'first operator', role: 'operator', tenant: null }, tenants: 'all' });
    });

    it('npm run user makes the first operator account; its printed link sets the password, and the person signs in', async () => {
      const email = `premier-operateur-${process.pid}@example.org`;
      const env = { ...process.env, HV_PG_URL: p.tp.pgUrl, HV_PUBLIC_URL: 'https://hv.useda.example/' };
      const refused = await run(process.execPath, ['dist/apps/api/src/create-user.js', '--email', email, '--name', 'Première', '--role', 'commune'], { env }).catch((e: { stderr: string; code: number }) => e);
      expect((refused as { code: number }).code).toBe(1);
      expect((refused as { stderr: string }).stderr).toMatch(/--tenant: a commune account needs its tenant/);
      const { stdout } = await run(process.execPath, ['dist/apps/api/src/create-user.js', '--email', email, '--name', 'Première opératrice'], { env });
      const token = /^https:\/\/hv\.useda\.example\/#\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
      expect(token, stdout).toBeDefined();
      expect((await p.call('POST', '/api/v1/invitations/accept', { body: { token, password: 'une phrase de passe solide' } })).status).toBe(204);
      const me = await p.call('GET', '/api/v1/me', { session: await p.login(email, 'une phrase de passe solide') });
      expect(me.body).toMatchObject({ user: { email, name: 'Première opératrice', role: 'operator', tenant: null }, tenants: 'all' });
    });
  });

  describe('CSV import', () => {
    it('a file with bad lines is refused whole, each line named; the corrected file imports with its credentials', async () => {
      const t = p.tenants.B.tenant;
      const bad = ['id,type,devEui,credential,name,rated_power_w,lat,lon', 'lamp-csv-1,lighting-controller,,,Rue A,40,49.8,3.28', 'lamp-csv-2,lighting-lamp,,,Rue B,40,49.8,3.28', 'co2-csv-1,co2-sensor,12345,,École,,,', 'lamp-csv-1,lighting-controller,,,Rue C,40,91,3.28'].join('\n');
      const refused = await p.call('POST', `/api/v1/tenants/${t}/devices/import`, { key: op(), raw: { contentType: 'text/csv', text: bad } });
      expect(refused.status).toBe(400);
      expect(fields(refused)).toEqual(['line 3: type', 'line 4: devEui', 'line 5: id', 'line 5: lat']);
      expect((await p.call('GET', '/api/v1/devices/lamp-csv-1', { key: op() })).status).toBe(404);

      const good = ['id,type,devEui,credential,name,rated_power_w,lat,lon', 'lamp-csv-1,lighting-controller,,,Rue A,40,49.8,3.28', 'lamp-csv-2,lighting-controller,,no,"Rue B, nord",40,49.8,3.28', 'co2-csv-1,co2-sensor,0011223344556677,,École,,,'].join('\r\n');
      const accepted = await p.call('POST', `/api/v1/tenants/${t}/devices/import`, { key: op(), raw: { contentType: 'text/csv', text: good } });
      expect(accepted.status).toBe(201);
      expect(accepted.body.imported).toBe(3);
      expect(accepted.body.credentials.map((c: { id: string }) => c.id)).toEqual(['lamp-csv-1']);
      expect((await p.call('GET', '/api/v1/devices/lamp-csv-2', { key: op() })).body.attributes).toEqual({ name: 'Rue B, nord', rated_power_w: 40, lat: 49.8, lon: 3.28 });

      const again = await p.call('POST', `/api/v1/tenants/${t}/devices/import`, { key: op(), raw: { contentType: 'text/csv', text: good } });
      expect(again.status).toBe(409);
      expect(fields(again)[0]).toMatch(/^line [234]: /);
    });
  });

  describe('readings from InfluxDB', () => {
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const HOUR = 3_600_000;

    beforeAll(async () => {
      // 30 days of one luminaire, a point every 10 minutes: level 100 % on even hours, 50 % on odd ones.
      const device = p.tenants.A.device;
      const lines: string[] = [];
      for (let ts = t0; ts < t0 + 30 * 24 * HOUR; ts += 600_000) {
        const level = Math.floor((ts - t0) / HOUR) % 2 === 0 ? 100 : 50;
        lines.push(`lighting_controller,tenant=${p.tenants.A.tenant},device=${device} on=true,level_pct=${level},power_w=${level * 0.4},energy_wh=${(ts - t0) / 1000} ${ts}`);
      }
      lines.push(`device_status,tenant=${p.tenants.A.tenant},device=${device},type=lighting-controller,domain=lighting status="online" ${t0 + 30 * 24 * HOUR - 1}`);
      const res = await fetch(`${p.tp.influx.url}/write?db=${p.tp.influx.db}&precision=ms`, { method: 'POST', body: lines.join('\n') });
      expect(res.status).toBe(204);
    });

    it('the latest reading and status', async () => {
      const res = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/state`, { key: p.keys.communeA });
      expect(res.status).toBe(200);
      expect(res.body.telemetry).toEqual({ time: new Date(t0 + 30 * 24 * HOUR - 600_000).toISOString(), on: true, level_pct: 50, power_w: 20, energy_wh: (30 * 24 * HOUR - 600_000) / 1000 });
      expect(res.body.status).toMatchObject({ status: 'online' });
    });

    it('a day of history is raw points', async () => {
      const res = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/history?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z`, { key: p.keys.epciA });
      expect(res.status).toBe(200);
      expect(res.body.every).toBeNull();
      expect(res.body.truncated).toBe(false);
      expect(res.body.points).toHaveLength(144);
      expect(res.body.points[6]).toMatchObject({ time: '2026-11-02T01:00:00.000Z', level_pct: 50 });
    });

    it('30 days are hourly means, equal to the means of the raw points to 0.001', async () => {
      const res = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/history?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z`, { key: op() });
      expect(res.status).toBe(200);
      expect(res.body.every).toBe('1h');
      expect(res.body.points).toHaveLength(720);
      // Every hourly mean, computed here from the raw points.
      const raw = (await influxQuery(p.tp.influx.url, `SELECT power_w FROM lighting_controller WHERE device = '${p.tenants.A.device}'`, p.tp.influx.db)) as unknown as { results: Array<{ series: Array<{ values: Array<[string, number]> }> }> };
      const sums = new Map<number, { sum: number; n: number }>();
      for (const [ts, w] of raw.results[0]!.series[0]!.values) {
        const hour = Math.floor(Date.parse(ts) / HOUR) * HOUR;
        const s = sums.get(hour) ?? sums.set(hour, { sum: 0, n: 0 }).get(hour)!;
        s.sum += w;
        s.n++;
      }
      // Each mean to 0.001 of its unit, as the API gives them.
      const expected = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([hour, s]) => [new Date(hour).toISOString(), Math.round((s.sum / s.n) * 1000) / 1000]);
      expect(res.body.points.map((x: { time: string; power_w: number }) => [x.time, x.power_w])).toEqual(expected);
      expect(res.body.points[5]).toMatchObject({ time: '2026-11-01T05:00:00.000Z', level_pct: 50, power_w: 20 });
    });
  });

  describe('commands through telegestion', () => {
    let gateway: MqttClient;

    beforeAll(async () => {
      const gw = p.tp.gateways.find((g) => g.tenant === p.tenants.B.tenant)!;
      gateway = await connect(p.tp.platform!.brokerUrl, { username: gw.username, password: gw.password, clientId: `gw-api-${process.pid}` });
      await gateway.subscribeAsync(`hv/v1/${p.tenants.B.tenant}/+/+/cmd`, { qos: 1 });
      // The simulated luminaire answers with the level it was told.
      gateway.on('message', (topic, payload) => {
        const cmd = JSON.parse(payload.toString()) as { cmd_id: string; level_pct: number };
        const ack = { cmd_id: cmd.cmd_id, ts: Date.now(), seq: 1, status: 'ok', on: cmd.level_pct > 0, level_pct: cmd.level_pct };
        void gateway.publishAsync(topic.replace(/\/cmd$/, '/ack'), JSON.stringify(ack), { qos: 1 });
      });
    });
    afterAll(async () => {
      await gateway?.endAsync();
    });

    it('an override to a group is sent, acknowledged, and its batch reports the devices\' state', async () => {
      const t = p.tenants.B;
      const sent = await p.call('POST', '/api/v1/commands', { key: p.keys.communeB, body: { target: { tenant: t.tenant, group: t.group }, command: { level_pct: 20, ramp_s: 5 }, expires_at: new Date(Date.now() + 7_200_000).toISOString() } });
      expect(sent.status).toBe(202);
      expect(sent.body.devices).toBe(1);
      const batch = await waitFor(() => p.call('GET', `/api/v1/command-batches/${sent.body.batchId}`, { key: p.keys.communeB }), (r) => r.body.byStatus?.acknowledged === 1, 20_000);
      expect(batch.body.byStatus).toMatchObject({ acknowledged: 1, queued: 0, sent: 0 });
      const cmd = await p.call('GET', `/api/v1/commands/${sent.body.commands[0].cmdId}`, { key: p.keys.communeB });
      expect(cmd.body).toMatchObject({ status: 'acknowledged', device: t.device, body: { level_pct: 20, ramp_s: 5, reason: 'override' }, reported: { level_pct: 20, on: true } });
    });
  });

  describe('lighting programs', () => {
    it('the preview of a stored program shows the 23:00 dimming step on Paris time, between Laon\'s sunset and sunrise', async () => {
      const t = p.tenants.A;
      const res = await p.call('POST', `/api/v1/tenants/${t.tenant}/programs/preview`, { key: p.keys.communeA, body: { programId: t.program, from: '2026-12-01T12:00:00Z', to: '2026-12-02T12:00:00Z' } });
      expect(res.status).toBe(200);
      const changes = res.body.transitions.map((x: { at: string; levelPct: number }) => [x.at, x.levelPct]);
      expect(changes[0]).toEqual(['2026-12-01T12:00:00.000Z', 0]);
      expect(changes[1][1]).toBe(100);
      expect(changes[1][0] >= '2026-12-01T15:40:00.000Z' && changes[1][0] <= '2026-12-01T16:00:00.000Z').toBe(true); // sunset ≈ 15:49 UTC
      expect(changes[2]).toEqual(['2026-12-01T22:00:00.000Z', 50]); // 23:00 Paris (UTC+1)
      expect(changes[3][1]).toBe(0);
    });

    it('a program saved and assigned is listed with its assignment', async () => {
      const t = p.tenants.A;
      const saved = await p.call('PUT', `/api/v1/tenants/${t.tenant}/programs/extinction`, { key: op(), body: { id: 'extinction', name: 'Extinction 23h-5h', extinction: { from: '23:00', to: '05:00' } } });
      expect(saved.status).toBe(200);
      const assigned = await p.call('PUT', `/api/v1/tenants/${t.tenant}/program-assignments`, { key: op(), body: { scope: 'device', scopeId: t.device, programId: 'extinction' } });
      expect(assigned.status).toBe(200);
      const wrong = await p.call('PUT', `/api/v1/tenants/${t.tenant}/program-assignments`, { key: op(), body: { scope: 'device', scopeId: p.tenants.B.device, programId: 'extinction' } });
      expect(fields(wrong)).toEqual(['body.scopeId']);
      const listed = await p.call('GET', `/api/v1/tenants/${t.tenant}/programs`, { key: op() });
      expect(listed.body.programs.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining(['extinction', t.program]));
      expect(listed.body.assignments).toContainEqual({ tenant: t.tenant, scope: 'device', scopeId: t.device, programId: 'extinction' });
    });
  });

  describe('an internal error', () => {
    it('is a 500 whose error id is in the log with its cause', async () => {
      const written: string[] = [];
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      try {
        // The platform's InfluxDB database disappears under it (an operator's mistake).
        await influxQuery(p.tp.influx.url, `DROP DATABASE "${p.tp.influx.db}"`);
        const res = await p.call('GET', `/api/v1/devices/${p.tenants.A.device}/state`, { key: op() });
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
        const line = written.find((l) => l.includes(res.body.errorId));
        expect(line).toMatch(/InfluxRejectedError/);
        expect(JSON.stringify(res.body)).not.toMatch(/Influx/);
      } finally {
        spy.mockRestore();
        spyOut.mockRestore();
        await influxQuery(p.tp.influx.url, `CREATE DATABASE "${p.tp.influx.db}"`);
      }
    });
  });
});
