/**
 * The sender against real HTTP servers on loopback: the destination is judged on the
 * address the socket connects to (names resolved in its own lookup, IP literals before
 * connecting), redirects are not followed, and nothing reaches a refused server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressProblem } from './special-addresses';
import { WebhookAddressGuard, type Resolver } from './webhook-address.guard';
import { WebhookSender } from './webhook.sender';

interface Counted {
  server: Server;
  port: number;
  hits: number;
}

async function listen(host: string, answer: (res: import('node:http').ServerResponse) => void): Promise<Counted> {
  const counted = { hits: 0 } as Counted;
  counted.server = createServer((req, res) => {
    counted.hits++;
    req.resume();
    answer(res);
  });
  await new Promise<void>((r) => counted.server.listen(0, host, r));
  counted.port = (counted.server.address() as AddressInfo).port;
  return counted;
}

/** A DNS of the test's own: each name answers its list (a function: a different answer each time). */
const resolverOf = (zone: Record<string, () => string[]>): Resolver => (name, cb) => {
  const answer = zone[name];
  if (!answer) return cb(Object.assign(new Error(`${name} ENOTFOUND`), { code: 'ENOTFOUND' }), []);
  cb(null, answer().map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
};

describe('webhook delivery to the platform itself is refused at connection time', () => {
  let victim: Counted;
  beforeAll(async () => {
    victim = await listen('127.0.0.1', (res) => res.writeHead(200).end('ok'));
  });
  afterAll(async () => {
    await new Promise((r) => victim.server.close(r));
  });

  const send = (sender: WebhookSender, url: string) => sender.send(url, 'whsec', 'k', '{"id":"x"}');

  it('a name that resolves to 127.0.0.1: refused for good, nothing reaches the server', async () => {
    const sender = new WebhookSender({ timeoutMs: 2_000, allowPrivate: false }, new WebhookAddressGuard({ allowPrivate: false, resolve: resolverOf({ 'hooks.example.test': () => ['127.0.0.1'] }) }));
    const before = victim.hits;
    expect(await send(sender, `http://hooks.example.test:${victim.port}/hook`)).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/127\.0\.0\.1 is loopback/) });
    expect(victim.hits).toBe(before);
  });

  it('DNS rebinding: public when the subscription was checked, loopback when delivering: refused', async () => {
    let calls = 0;
    const guard = new WebhookAddressGuard({ allowPrivate: false, resolve: resolverOf({ 'rebind.example.test': () => (calls++ === 0 ? ['193.51.24.1'] : ['127.0.0.1']) }) });
    const url = `http://rebind.example.test:${victim.port}/hook`;
    expect(await guard.urlProblem(url)).toBeNull();
    const before = victim.hits;
    expect(await send(new WebhookSender({ timeoutMs: 2_000, allowPrivate: false }, guard), url)).toMatchObject({ ok: false, retry: false });
    expect(victim.hits).toBe(before);
  });

  it('every way of writing the loopback address in the URL is refused before connecting', async () => {
    const sender = new WebhookSender({ timeoutMs: 2_000, allowPrivate: false });
    const before = victim.hits;
    const forms = ['127.0.0.1', '127.1', '0x7f000001', '2130706433', '0177.0.0.1', '[::ffff:127.0.0.1]', '[::127.0.0.1]', '[::ffff:0:127.0.0.1]', '[64:ff9b::127.0.0.1]', '[2002:7f00:1::1]', '[::1]', 'localhost', 'LOCALHOST.', 'api.localhost.'];
    for (const host of forms) {
      const outcome = await send(sender, `http://${host}:${victim.port}/hook`);
      expect(outcome, host).toMatchObject({ ok: false, retry: false });
    }
    expect(victim.hits).toBe(before);
  });

  it('a redirect from an allowed target to loopback is not followed', async () => {
    // The first hop is on 127.0.0.2, which this test's classifier alone lets through.
    const redirector = await listen('127.0.0.2', (res) => res.writeHead(307, { location: `http://127.0.0.1:${victim.port}/hook` }).end());
    try {
      const guard = new WebhookAddressGuard({ allowPrivate: false, classify: (a) => (a === '127.0.0.2' ? null : addressProblem(a)) });
      const sender = new WebhookSender({ timeoutMs: 2_000, allowPrivate: false }, guard);
      const before = victim.hits;
      for (const status of [301, 302, 303, 307, 308]) {
        const hop = await listen('127.0.0.2', (res) => res.writeHead(status, { location: `http://127.0.0.1:${victim.port}/hook` }).end());
        expect(await send(sender, `http://127.0.0.2:${hop.port}/hook`), String(status)).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/redirects are not followed/) });
        expect(hop.hits).toBe(1);
        await new Promise((r) => hop.server.close(r));
      }
      expect(await send(sender, `http://127.0.0.2:${redirector.port}/hook`)).toMatchObject({ ok: false, retry: false });
      expect(victim.hits).toBe(before);
    } finally {
      await new Promise((r) => redirector.server.close(r));
    }
  });

  it('a name the guard lets through is connected to at the address it resolved (the lookup hands on what it checked)', async () => {
    const allowed = await listen('127.0.0.2', (res) => res.writeHead(204).end());
    try {
      const guard = new WebhookAddressGuard({ allowPrivate: false, classify: (a) => (a === '127.0.0.2' ? null : addressProblem(a)), resolve: resolverOf({ 'hooks.example.test': () => ['127.0.0.2'] }) });
      expect(await send(new WebhookSender({ timeoutMs: 2_000, allowPrivate: false }, guard), `http://hooks.example.test:${allowed.port}/hook`)).toEqual({ ok: true });
      expect(allowed.hits).toBe(1);
    } finally {
      await new Promise((r) => allowed.server.close(r));
    }
  });

  it('HV_WEBHOOK_ALLOW_PRIVATE=true delivers to loopback (tests, a syndicate\'s own network)', async () => {
    const before = victim.hits;
    expect(await send(new WebhookSender({ timeoutMs: 2_000, allowPrivate: true }), `http://localhost:${victim.port}/hook`)).toEqual({ ok: true });
    expect(victim.hits).toBe(before + 1);
  });
});
