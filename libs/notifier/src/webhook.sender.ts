import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable } from '@nestjs/common';
import { PrivateAddressError, WebhookAddressGuard } from './webhook-address.guard';

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

export interface WebhookSenderOptions {
  timeoutMs: number;
  /** Let webhooks reach loopback and private addresses (tests, a syndicate's own network). */
  allowPrivate: boolean;
}

/** HTTP out to the subscribers' webhooks (the one door to them). */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly options: WebhookSenderOptions = { timeoutMs: 5_000, allowPrivate: false },
    /** Decides each address connected to; tests inject one with their own classifier or resolver. */
    private readonly guard = new WebhookAddressGuard({ allowPrivate: options.allowPrivate }),
  ) {}

  /**
   * POSTs the body, signed, with its idempotency key. 2xx: delivered. 408, 429, 5xx, a
   * timeout or a network error: retried. Any other answer, or a destination the guard
   * refuses: refused for good, sending again would change nothing. Redirects are not
   * followed: the next hop's address would escape the guard's check.
   */
  send(url: string, secret: string, idempotencyKey: string, body: string): Promise<SendOutcome> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return resolve({ ok: false, retry: false, error: `not a URL: ${url}` });
      }
      // An IP literal is connected to without a lookup: judged here.
      const literal = this.guard.hostProblem(target.hostname);
      if (literal) return resolve({ ok: false, retry: false, error: `refused destination: ${literal}` });
      const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'hyperviseur-notifier/1',
            'idempotency-key': idempotencyKey,
            'x-hv-signature': signWebhook(secret, body, Math.floor(Date.now() / 1000)),
          },
          timeout: this.options.timeoutMs,
          lookup: this.guard.lookup,
        },
        (res: IncomingMessage) => {
          res.resume();
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true });
          if (status >= 300 && status < 400) return resolve({ ok: false, retry: false, error: `HTTP ${status}: redirects are not followed` });
          resolve({ ok: false, retry: status === 408 || status === 429 || status >= 500, error: `HTTP ${status}` });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (error) => resolve({ ok: false, retry: !(error instanceof PrivateAddressError), error: error.message }));
      req.end(body);
    });
  }
}
