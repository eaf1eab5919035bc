/**
 * Alert delivery end to end: a luminaire of Laon reports a lamp failure over MQTT,
 * telegestion raises the alarm, and the notifier delivers it to Laon's webhook (which
 * fails twice, then accepts: it gets the alert exactly once, every attempt with the same
 * idempotency key and a valid signature), to Laon's EPCI's webhook, and by e-mail to a
 * real SMTP server started here; Saint-Quentin's subscribers get nothing. A receiver that
 * always fails is dead-lettered after the last attempt; one that refuses (4xx) at once.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { parisOffsetMs } from '@hv/civil-time';
import { verifyWebhook } from '@hv/notifier';
import { startApiPlatform, type ApiPlatform } from '../support/api-platform';
import { connect } from '../support/platform';
import { startSmtp } from '../support/smtp';
import { metricSum, scrape, waitFor } from '../support/wait';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A webhook receiver: `/flaky` fails its first two calls of each idempotency key, `/down` always 500, `/gone` 410, the rest 200. */
function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const key = `${req.url} ${req.headers['idempotency-key']}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const status = req.url === '/flaky' ? (n <= 2 ? 500 : 200) : req.url === '/down' ? 500 : req.url === '/gone' ? 410 : 200;
      received.push({ path: req.url!, headers: req.headers, body, answered: status });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received })));
}

describe('alert delivery against the real stack', () => {
  let p: ApiPlatform;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let gateway: MqttClient;
  const secrets: Record<string, string> = {};
  let quietId = 0;

  beforeAll(async () => {
    hooks = await startReceiver();
    smtp = await startSmtp();
    p = await startApiPlatform('e2e_notifier', {
      HV_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      HV_NOTIFIER_POLL_MS: '200',
      HV_NOTIFIER_RETRY_BASE_MS: '300',
      HV_NOTIFIER_MAX_ATTEMPTS: '3',
      // The receivers run on this machine's loopback.
      HV_WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    const subscribe = async (key: string, tenant: string, body: Record<string, unknown>) => {
      const res = await p.call('POST', `/api/v1/tenants/${tenant}/subscriptions`, { key, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: number; secret?: string; target: string };
    };
    const A = p.tenants.A.tenant;
    const B = p.tenants.B.tenant;
    for (const [name, key, tenant, path] of [
      ['flaky', p.keys.communeA, A, '/flaky'],
      ['down', p.keys.communeA, A, '/down'],
      ['gone', p.keys.communeA, A, '/gone'],
      ['epci', p.keys.epciA, p.epciA, '/epci'],
      ['b', p.keys.communeB, B, '/b'],
    ] as const) {
      secrets[path] = (await subscribe(key, tenant, { channel: 'webhook', url: `${hooks.url}${path}` })).secret!;
      expect(secrets[path], name).toMatch(/^whsec_/);
    }
    // Quiet from an hour ago to an hour from now (Paris wall clock): the major alarm waits.
    const hhmm = (ms: number) => new Date(ms + parisOffsetMs(ms)).toISOString().slice(11, 16);
    const quiet = await subscribe(p.keys.communeA, A, { channel: 'webhook', url: `${hooks.url}/quiet`, quietHours: { from: hhmm(Date.now() - 3_600_000), to: hhmm(Date.now() + 3_600_000) } });
    quietId = quiet.id;
    await subscribe(p.keys.communeA, A, { channel: 'email', address: 'eclairage@laon.example' });
    await subscribe(p.keys.communeB, B, { channel: 'email', address: 'eclairage@saint-quentin.example' });
    // Laon only wants heating alarms on this one: the lamp failure is not for it.
    await subscribe(p.keys.communeA, A, { channel: 'email', address: 'chaufferie@laon.example', domains: ['heating'] });

    const gw = p.tp.gateways.find((g) => g.tenant === A)!;
    gateway = await connect(p.tp.platform!.brokerUrl, { username: gw.username, password: gw.password, clientId: `gw-notifier-${process.pid}` });
    await gateway.publishAsync(`hv/v1/${A}/lighting/${p.tenants.A.device}/event`, JSON.stringify({ ts: Date.now(), seq: 1, event: 'fault_raised', code: 'lamp_failure' }), { qos: 1 });
    await waitFor(() => hooks.received.filter((r) => r.answered === 200 && r.path === '/flaky').length, (n) => n >= 1, 30_000);
    await waitFor(() => smtp.mails.length, (n) => n >= 1, 10_000);
    // Time for anything that should not happen (a redelivery, a mail to the others) to happen.
    await new Promise((r) => setTimeout(r, 2_000));
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await p?.stop();
    await new Promise((r) => hooks?.server.close(() => r(undefined)));
    await new Promise((r) => smtp?.server.close(() => r(undefined)));
  });

  const at = (path: string) => hooks.received.filter((r) => r.path === path);

  it('Laon\'s webhook, which failed twice, got the alert exactly once, every attempt the same signed message', () => {
    const calls = at('/flaky');
    expect(calls.map((c) => c.answered)).toEqual([500, 500, 200]);
    expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    for (const c of calls) expect(verifyWebhook(secrets['/flaky']!, c.body, String(c.headers['x-hv-signature']))).toBe(true);
    const payload = JSON.parse(calls[0]!.body);
    expect(payload).toMatchObject({ event: 'alarm.raised', id: calls[0]!.headers['idempotency-key'], alarm: { tenant: p.tenants.A.tenant, device: p.tenants.A.device, type: 'lamp_failure', severity: 'major', tenantName: 'Laon' } });
  });

  it('a signature made with another subscriber\'s secret does not verify (each has its own)', () => {
    const c = at('/flaky')[0]!;
    expect(verifyWebhook(secrets['/b']!, c.body, String(c.headers['x-hv-signature']))).toBe(false);
  });

  it('Laon\'s EPCI got it too, signed with its own secret; Saint-Quentin got nothing', () => {
    const epci = at('/epci');
    expect(epci).toHaveLength(1);
    expect(verifyWebhook(secrets['/epci']!, epci[0]!.body, String(epci[0]!.headers['x-hv-signature']))).toBe(true);
    expect(at('/b')).toEqual([]);
  });

  it('an e-mail reached Laon\'s address only, in text and HTML', () => {
    expect(smtp.mails.map((m) => m.to)).toEqual([['eclairage@laon.example']]);
    const raw = smtp.mails[0]!.raw;
    expect(raw).toMatch(/Subject: .*lamp_failure/);
    expect(raw).toContain(p.tenants.A.device);
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
  });

  it('a subscriber in its quiet hours gets nothing yet: the delivery waits, no attempt spent, until the window ends', async () => {
    expect(at('/quiet')).toEqual([]);
    const { rows } = await p.db.query<{ status: string; attempts: number; due: number }>(
      `SELECT status, attempts, (extract(epoch FROM next_attempt_at) * 1000)::float8 AS due FROM deliveries WHERE subscription_id = $1`,
      [quietId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 0 });
    // The window ends at the minute an hour from when it was made (HH:MM): 59 to 61 minutes from now.
    expect(rows[0]!.due - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(rows[0]!.due - Date.now()).toBeLessThan(61 * 60_000);
  });

  it('a receiver that always fails is dead-lettered after the last attempt; one that refuses, at once', async () => {
    const rows = await waitFor(
      async () => (await p.db.query<{ target: string; status: string; attempts: number; last_error: string }>(
        `SELECT s.target, d.status, d.attempts, d.last_error FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE s.channel = 'webhook' ORDER BY s.id`,
      )).rows,
      (rs) => rs.every((r) => r.status !== 'pending' || r.target.endsWith('/quiet')),
      10_000,
    );
    const byPath = Object.fromEntries(rows.map((r) => [new URL(r.target).pathname, r]));
    expect(byPath['/flaky']).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(byPath['/down']).toMatchObject({ status: 'dead', attempts: 3, last_error: 'HTTP 500' });
    expect(byPath['/gone']).toMatchObject({ status: 'dead', attempts: 1, last_error: 'HTTP 410' });
    expect(byPath['/b']).toBeUndefined();
    expect(at('/down')).toHaveLength(3);
    expect(at('/gone')).toHaveLength(1);
    // /metrics counts them: flaky and the EPCI delivered by webhook, Laon's e-mail; down and gone dead.
    const text = await scrape(p.url);
    expect(metricSum(text, 'hv_notifier_deliveries_total', { channel: 'webhook', outcome: 'delivered' })).toBe(2);
    expect(metricSum(text, 'hv_notifier_deliveries_total', { channel: 'email', outcome: 'delivered' })).toBe(1);
    expect(metricSum(text, 'hv_notifier_deliveries_total', { channel: 'webhook', outcome: 'dead' })).toBe(2);
    expect(metricSum(text, 'hv_notifier_deliveries_total', { channel: 'webhook', outcome: 'retried' })).toBe(4); // flaky 2, down 2
    expect(metricSum(text, 'hv_notifier_deliveries_total', { channel: 'webhook', outcome: 'postponed' })).toBeGreaterThanOrEqual(1);
  });
});
