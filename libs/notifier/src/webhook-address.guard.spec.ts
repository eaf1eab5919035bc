import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress, isPrivateHost } from './webhook-address.guard';
import { WebhookSender } from './webhook.sender';

describe('private webhook destinations', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified and mapped addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['193.51.24.1', '8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('names localhost and literal private addresses in a URL\'s host', () => {
    expect(isPrivateHost('localhost')).toBe(true);
    expect(isPrivateHost('api.localhost')).toBe(true);
    expect(isPrivateHost('[::1]')).toBe(true);
    expect(isPrivateHost('127.0.0.1')).toBe(true);
    expect(isPrivateHost('hooks.laon.fr')).toBe(false); // checked again once resolved
  });

  it('the sender refuses, for good, a webhook that resolves to a private address, unless allowed', async () => {
    const server = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // "localhost" goes through DNS resolution, so the check is the one made at connect time.
      const refused = await new WebhookSender({ timeoutMs: 2_000, allowPrivate: false }).send(`http://localhost:${port}/hook`, 's', 'k', '{}');
      expect(refused).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/private address/) });
      const allowed = await new WebhookSender({ timeoutMs: 2_000, allowPrivate: true }).send(`http://localhost:${port}/hook`, 's', 'k', '{}');
      expect(allowed).toEqual({ ok: true });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
