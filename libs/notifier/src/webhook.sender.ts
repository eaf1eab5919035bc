import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** The outcome of one attempt: delivered, to be retried, or refused for good. */
export type SendOutcome = { ok: true } | { ok: false; retry: boolean; error: string };

/**
 * `X-Hv-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the receiver
 * recomputes it over the raw body, compares in constant time, and refuses a `t` too old
 * (replays). The timestamp is inside the signed text, so it cannot be changed either.
 */
export function signWebhook(secret: string, body: string, timestampS: number): string {
  return `t=${timestampS},v1=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** The receiver's check, also used by the tests: true when `header` signs `body` with `secret` within `toleranceS`. */
export function verifyWebhook(secret: string, body: string, header: string, nowS = Math.floor(Date.now() / 1000), toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || typeof parts.v1 !== 'string') return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** HTTP out to the subscribers' webhooks (the one door to them). */
@Injectable()
export class WebhookSender {
  constructor(private readonly timeoutMs = 5_000) {}

  /**
   * POSTs the body, signed, with its idempotency key. 2xx: delivered. 408, 429, 5xx, a
   * timeout or a network error: retried. Any other answer: the receiver refuses it (a
   * wrong URL, a removed endpoint), and sending it again would change nothing.
   */
  async send(url: string, secret: string, idempotencyKey: string, body: string): Promise<SendOutcome> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hyperviseur-notifier/1',
          'idempotency-key': idempotencyKey,
          'x-hv-signature': signWebhook(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      return { ok: false, retry, error: `HTTP ${res.status}` };
    } catch (error) {
      return { ok: false, retry: true, error: (error as Error).message };
    }
  }
}
