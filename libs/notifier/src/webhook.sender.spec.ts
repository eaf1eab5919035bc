import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alertEmail, escapeHtml } from './alert-message';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './notifier.service';
import { signWebhook, verifyWebhook } from './webhook.sender';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"hv-1-2-raised"}';

  it('is HMAC-SHA256 of "<t>.<body>", as a receiver recomputes it without our code', () => {
    const header = signWebhook(secret, body, 1_764_700_000);
    expect(header).toBe(`t=1764700000,v1=${createHmac('sha256', secret).update(`1764700000.${body}`).digest('hex')}`);
  });

  it('verifies with the right secret and body, within the tolerance', () => {
    const header = signWebhook(secret, body, 1_764_700_000);
    expect(verifyWebhook(secret, body, header, 1_764_700_100)).toBe(true);
    expect(verifyWebhook('whsec_other', body, header, 1_764_700_100)).toBe(false);
    expect(verifyWebhook(secret, body.replace('2', '3'), header, 1_764_700_100)).toBe(false);
    expect(verifyWebhook(secret, body, header, 1_764_700_000 + 301)).toBe(false); // a replay, later
    expect(verifyWebhook(secret, body, header.replace('t=1764700000', 't=1764700050'), 1_764_700_100)).toBe(false); // timestamp changed
    expect(verifyWebhook(secret, body, 'garbage', 1_764_700_100)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base after each failed attempt, capped at 10 minutes', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(30, 1_000)).toBe(MAX_RETRY_DELAY_MS);
  });
});

describe('alertEmail', () => {
  it('names the collectivité, the device and the severity, and escapes what it shows in HTML', () => {
    const mail = alertEmail({
      id: 'hv-1-7-raised',
      event: 'alarm.raised',
      alarm: { id: 7, tenant: '02408', tenantName: 'Laon <Aisne>', device: 'lc-02408-1', domain: 'lighting', type: 'lamp_failure', kind: 'fault', severity: 'major', since: '2026-12-02T17:00:00Z', raisedAt: '2026-12-02T17:00:01Z', value: null },
    });
    expect(mail.subject).toBe('[Hyperviseur] Alarme majeure : lamp_failure sur lc-02408-1 (Laon <Aisne>)');
    expect(mail.text).toContain('Équipement : lc-02408-1');
    expect(mail.html).toContain('Laon &lt;Aisne&gt;');
    expect(mail.html).not.toContain('<Aisne>');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });
});
