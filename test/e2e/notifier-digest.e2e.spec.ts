/**
 * Energy-savings digests end to end, on the real PostgreSQL and a real SMTP server: the
 * findings telegestion stored (kind `finding`, cleared, with their savings) for Laon, a
 * sibling commune of its EPCI and Saint-Quentin; Laon subscribes to the daily digest, its
 * EPCI to the weekly one, Saint-Quentin to the daily one. Each gets one e-mail with its own
 * findings' totals and the trend against the period before; nobody gets another
 * collectivité's; and the same period is never sent twice, by further rounds, after a
 * restart, or by two notifiers computing it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestRepository, DigestService, latestDue, notifierOptionsFrom, type DigestPayload, type DigestWindow } from '@hv/notifier';
import { startApiPlatform, type ApiPlatform } from '../support/api-platform';
import { plainText, startSmtp } from '../support/smtp';
import { waitFor } from '../support/wait';

const HOUR = 3_600_000;
/** Digests leave at Paris midnight here: yesterday's daily digest and last week's weekly one are due whenever the suite runs. */
const SEND_AT = '00:00';

describe('energy-savings digests against the real stack', () => {
  let p: ApiPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let day: DigestWindow;
  let week: DigestWindow;
  const subscriptions: Record<'laon' | 'epci' | 'stQuentin' | 'alerts', number> = { laon: 0, epci: 0, stQuentin: 0, alerts: 0 };
  /** The findings inserted, to compute here what each digest must add up to. */
  const inserted: Array<{ tenant: 'A' | 'A2' | 'B'; clearedAtMs: number; kwh: number }> = [];
  const expected = (tenants: ReadonlyArray<'A' | 'A2' | 'B'>, fromMs: number, toMs: number) => {
    const mine = inserted.filter((f) => tenants.includes(f.tenant) && f.clearedAtMs >= fromMs && f.clearedAtMs < toMs);
    const sum = (k: number) => Math.round(mine.reduce((a, f) => a + f.kwh * k, 0) * 1000) / 1000;
    return { findings: mine.length, kwh: sum(1), eur: sum(0.2), kgco2: sum(0.065) };
  };

  /** A finding telegestion stored and cleared, with the energy it wasted. */
  const finding = async (tenant: 'A' | 'A2' | 'B', clearedAtMs: number | null, kwh: number, kind = 'finding') => {
    const t = p.tenants[tenant];
    if (clearedAtMs !== null && kind === 'finding') inserted.push({ tenant, clearedAtMs, kwh });
    await p.db.query(
      `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, state, cleared_at, cleared_by, savings_kwh, savings_eur, savings_kgco2)
       VALUES ($1, $2, 'lighting', 'lit_outside_program', $3, 'minor', 'detected', to_timestamp($4::float8 / 1000), $5, to_timestamp($6::float8 / 1000), $7, $8, $9, $10)`,
      [t.tenant, t.device, kind, (clearedAtMs ?? Date.now()) - 2 * HOUR, clearedAtMs === null ? 'active' : 'cleared', clearedAtMs, clearedAtMs === null ? null : 'rules',
        clearedAtMs === null || kind !== 'finding' ? null : kwh, clearedAtMs === null || kind !== 'finding' ? null : kwh * 0.2, clearedAtMs === null || kind !== 'finding' ? null : kwh * 0.065],
    );
  };
  const digestsStored = async () =>
    (await p.db.query<{ key: string; status: string; attempts: number; payload: DigestPayload }>(
      `SELECT idempotency_key AS key, status, attempts, payload FROM deliveries WHERE event = 'digest' ORDER BY id`,
    )).rows;
  const payloadOf = async (subscription: number) => (await digestsStored()).find((d) => d.payload.id.startsWith(`hv-${subscription}-digest-`))!.payload.digest;
  const mailTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

  beforeAll(async () => {
    smtp = await startSmtp();
    p = await startApiPlatform('e2e_digest', { HV_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, HV_NOTIFIER_POLL_MS: '200', HV_DIGEST_SEND_AT: SEND_AT });
    const now = Date.now();
    day = latestDue('daily', now, SEND_AT);
    week = latestDue('weekly', now, SEND_AT);
    const subscribe = async (key: string, tenant: string, body: Record<string, unknown>) => {
      const res = await p.call('POST', `/api/v1/tenants/${tenant}/subscriptions`, { key, body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as number;
    };
    subscriptions.laon = await subscribe(p.keys.communeA, p.tenants.A.tenant, { channel: 'email', address: 'energie@laon.example', digest: 'daily' });
    subscriptions.epci = await subscribe(p.keys.epciA, p.epciA, { channel: 'email', address: 'energie@pays-de-laon.example', digest: 'weekly' });
    subscriptions.stQuentin = await subscribe(p.keys.communeB, p.tenants.B.tenant, { channel: 'email', address: 'energie@saint-quentin.example', digest: 'daily' });
    subscriptions.alerts = await subscribe(p.keys.communeA, p.tenants.A.tenant, { channel: 'email', address: 'astreinte@laon.example', minSeverity: 'critical' });

    // Yesterday (the daily period): Laon 4 + 6 kWh, its sibling 3, Saint-Quentin 5; the day before, Laon 8 (trend +25 %).
    const inDay = day.fromMs + 6 * HOUR;
    await finding('A', inDay, 4);
    await finding('A', inDay + HOUR, 6);
    await finding('A2', inDay, 3);
    await finding('B', inDay, 5);
    await finding('A', day.previous.fromMs + 6 * HOUR, 8);
    // Not in yesterday's: ended today, a fault (no savings), one still going on (counted apart).
    await finding('A', day.toMs + 60_000, 100);
    await finding('A', inDay, 0, 'fault');
    await p.db.query(
      `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since) VALUES ($1, $2, 'heating', 'unoccupied_heating', 'finding', 'major', 'detected', to_timestamp($3::float8 / 1000))`,
      [p.tenants.A.tenant, p.tenants.A.device, inDay],
    );
    // Last week (the weekly period): Laon 20, its sibling 7, Saint-Quentin 50; the week before, Laon 9.
    const inWeek = week.fromMs + 30 * HOUR;
    await finding('A', inWeek, 20);
    await finding('A2', inWeek, 7);
    await finding('B', inWeek, 50);
    await finding('A', week.previous.fromMs + 30 * HOUR, 9);

    // The subscriptions were made before the digests were due (a subscription made after
    // 00:00 today waits for tomorrow's): the notifier's next round computes and sends them.
    await p.db.query(`UPDATE subscriptions SET created_at = now() - interval '30 days'`);
    await waitFor(() => smtp.mails.length, (n) => n >= 3, 20_000);
    // Further rounds (200 ms each) have time to send anything twice.
    await new Promise((r) => setTimeout(r, 1_500));
  });
  afterAll(async () => {
    await p?.stop();
    await smtp?.close();
  });

  it('Laon\'s daily digest: its own two findings of yesterday, 10 kWh, 2 €, 0.65 kgCO2e, +25 % on the day before, two going on at its end', async () => {
    const d = await payloadOf(subscriptions.laon);
    // Going on at yesterday's end: the heating finding still open, and the one that ended today.
    expect(d).toMatchObject({ period: 'daily', start: day.start, tenant: p.tenants.A.tenant, stillOpen: 2, unlisted: 0 });
    expect(d.totals).toEqual({ findings: 2, kwh: 10, eur: 2, kgco2: 0.65 });
    expect(d.totals).toEqual(expected(['A'], day.fromMs, day.toMs));
    expect(d.previous).toEqual({ findings: 1, kwh: 8, eur: 1.6, kgco2: 0.52 });
    expect(d.trendPct).toEqual({ kwh: 25, eur: 25, kgco2: 25 });
    expect(d.findings.map((f) => [f.tenant, f.kwh])).toEqual([[p.tenants.A.tenant, 6], [p.tenants.A.tenant, 4]]);
    const mails = mailTo('energie@laon.example');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/Content-Type: text\/html/);
    const text = plainText(mails[0]!.raw);
    expect(text).toContain('Énergie économisable : 10,0 kWh (période précédente : 8,0 kWh, +25 %)');
    expect(text).toContain('Coût évitable : 2,00 € (période précédente : 1,60 €, +25 %)');
    expect(text).toContain('Constats terminés : 2');
  });

  it('the EPCI\'s weekly digest holds its communes\' findings of last week (Laon and its sibling), not Saint-Quentin\'s', async () => {
    const d = await payloadOf(subscriptions.epci);
    expect(d).toMatchObject({ period: 'weekly', start: week.start, tenant: p.epciA });
    // 20 + 7 kWh; on a Monday, yesterday's findings are last week's too.
    const totals = expected(['A', 'A2'], week.fromMs, week.toMs);
    expect(totals.kwh).toBeGreaterThanOrEqual(27);
    expect(d.totals).toEqual(totals);
    expect(d.previous).toEqual(expected(['A', 'A2'], week.previous.fromMs, week.previous.toMs));
    expect(new Set(d.findings.map((f) => f.tenant))).toEqual(new Set([p.tenants.A.tenant, p.tenants.A2.tenant]));
    expect(mailTo('energie@pays-de-laon.example')).toHaveLength(1);
    expect(plainText(mailTo('energie@pays-de-laon.example')[0]!.raw)).toContain(`Énergie économisable : ${totals.kwh.toFixed(1).replace('.', ',')} kWh`);
  });

  it('Saint-Quentin gets only its own: 5 kWh, nothing of Laon\'s', async () => {
    const d = await payloadOf(subscriptions.stQuentin);
    expect(d.totals).toEqual({ findings: 1, kwh: 5, eur: 1, kgco2: 0.325 });
    expect(d.findings.every((f) => f.tenant === p.tenants.B.tenant)).toBe(true);
    const mails = mailTo('energie@saint-quentin.example');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).not.toContain(p.tenants.A.device);
    expect(mails[0]!.raw).not.toContain('Laon');
  });

  it('an alert subscription gets no digest, and a digest subscription no alert', async () => {
    expect(mailTo('astreinte@laon.example')).toEqual([]);
    expect(smtp.mails).toHaveLength(3);
    const keys = (await digestsStored()).map((d) => d.key).sort();
    expect(keys).toEqual([`hv-${subscriptions.laon}-digest-daily-${day.start}`, `hv-${subscriptions.epci}-digest-weekly-${week.start}`, `hv-${subscriptions.stQuentin}-digest-daily-${day.start}`].sort());
  });

  it('the same period is sent once: after more rounds, after a restart, and when two notifiers compute a new one at the same time', async () => {
    await p.tp.platform!.close();
    await p.tp.start();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.mails).toHaveLength(3);
    expect((await digestsStored()).map((d) => [d.status, d.attempts])).toEqual([['delivered', 1], ['delivered', 1], ['delivered', 1]]);

    // The platform's notifier stopped: a new weekly subscription of Saint-Quentin is owed
    // last week's digest, and two other notifiers compute it at once.
    await p.tp.platform!.close();
    const { rows } = await p.db.query<{ id: number }>(
      `INSERT INTO subscriptions (tenant_id, channel, target, min_severity, digest, created_by, created_at) VALUES ($1, 'email', 'direction@saint-quentin.example', 'minor', 'weekly', 'e2e', now() - interval '30 days') RETURNING id::int`,
      [p.tenants.B.tenant],
    );
    const notifier = () => new DigestService(notifierOptionsFrom(p.tp.config), new DigestRepository(p.db));
    const stored = await Promise.all([notifier().enqueueDue(Date.now()), notifier().enqueueDue(Date.now())]);
    expect(stored.reduce((a, b) => a + b, 0)).toBe(1);
    await p.tp.start();
    await waitFor(() => mailTo('direction@saint-quentin.example').length, (n) => n >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mailTo('direction@saint-quentin.example')).toHaveLength(1);
    expect((await payloadOf(rows[0]!.id)).totals).toEqual(expected(['B'], week.fromMs, week.toMs));
    expect(smtp.mails).toHaveLength(4);
  });

  it('a digest is for e-mail subscriptions: a webhook asking for one is refused, naming the field', async () => {
    const res = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.communeA, body: { channel: 'webhook', url: 'https://hooks.laon.example/hv', digest: 'daily' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.issues)).toMatch(/digest/);
    const weekly = await p.call('POST', `/api/v1/tenants/${p.tenants.A.tenant}/subscriptions`, { key: p.keys.communeA, body: { channel: 'email', address: 'x@laon.example', digest: 'monthly' } });
    expect(weekly.body.issues).toEqual([{ field: 'body.digest', message: expect.any(String) }]);
  });
});
