/**
 * The data-quality page in Debian's Chromium against the real stack: a commune's gateway
 * publishes its lamp's telemetry with two sequence numbers missing and one malformed
 * message (ingest and telegestion report every second here); the page shows the figures
 * the API gives the same tenant, and an operator finds another commune's silent device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '@hv/contracts';
import { connectGateway } from '@hv/simulators';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { chartRows, openPage, useSessionOf } from '../../support/console-pages';
import { waitFor } from '../../support/wait';

const reading = (seq: number, ts: number) => JSON.stringify({ ts, seq, on: true, level_pct: 80, power_w: 40, energy_wh: 100 + seq });
/** As the page prints numbers in French. */
const fr = (n: number) => new Intl.NumberFormat('fr').format(n);

describe('the console: data quality', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-quality', { HV_TELEGESTION_GAPS_REPORT_S: '1', HV_INGEST_REPORT_S: '1' });
    browser = await launchBrowser();
    const { A, A2 } = platform.tenants;
    const gw = platform.tp.gateways.find((g) => g.tenant === A.tenant)!;
    const gateway = await connectGateway(platform.tp.platform!.brokerUrl, gw.username, gw.password);
    try {
      const now = Date.now() - 60_000;
      // 1, 2, 3, then 6, 7: 4 and 5 lost; and one reading whose level is not a number.
      for (const seq of [1, 2, 3, 6, 7]) await gateway.publishAsync(deviceTopic(A.tenant, 'lighting', A.device, 'telemetry'), reading(seq, now + seq * 1000), { qos: 1 });
      await gateway.publishAsync(deviceTopic(A.tenant, 'lighting', A.device, 'telemetry'), JSON.stringify({ ts: now + 8000, seq: 8, on: true, level_pct: 'bright', power_w: 40, energy_wh: 108 }), { qos: 1 });
    } finally {
      await gateway.endAsync();
    }
    // A silent device of A2: an open communication loss, as telegestion raises it.
    await platform.db.query(
      `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since) VALUES ($1, $2, 'lighting', 'communication_loss', 'fault', 'major', 'detected', now() - interval '2 hours')`,
      [A2.tenant, `lamp-${A2.tenant}-1`],
    );
    await waitFor(
      () => platform.call('GET', '/api/v1/data-quality', { key: platform.keys.communeA }),
      (res) => res.body.tenants?.[0]?.received === 5 && res.body.tenants[0].lost === 2 && res.body.tenants[0].rejects.length === 1 && res.body.ingest.lagMaxMs !== null,
      30_000,
      500,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it("a commune's page shows the figures the API gives it: received, lost, loss rate, refusals, the devices losing most", async () => {
    await useSessionOf(browser, platform, 'communeA');
    const watched = await openPage(browser, platform, '/qualite-des-donnees');
    const { page, errors } = watched;
    try {
      expect(await page.locator('main h1').textContent()).toBe('Qualité des données');
      await page.locator('[data-kpi="received"]').waitFor();
      const api = (await platform.call('GET', '/api/v1/data-quality', { key: platform.keys.communeA })).body;
      const a = api.tenants[0];
      expect(a).toMatchObject({ tenant: platform.tenants.A.tenant, received: 5, lost: 2 });
      const kpi = (key: string) => page.locator(`[data-kpi="${key}"]`).textContent();
      expect(await kpi('received')).toBe(fr(a.received));
      expect(await kpi('lost')).toBe(fr(a.lost));
      expect(await kpi('loss-rate')).toBe(`${fr(a.lossPct)} %`);
      expect(await kpi('duplicates')).toBe(fr(a.duplicates));
      expect(await kpi('resets')).toBe(fr(a.resets));
      expect(await kpi('silent')).toBe(fr(a.silent.length));
      expect(await kpi('lag')).toBe(`${fr(api.ingest.lagMaxMs)} ms`);

      // The devices losing most, linked to their page; the refusals by reason.
      const lossiest = page.locator('[data-table="lossiest"] tbody tr');
      expect(await lossiest.count()).toBe(a.lossiest.length);
      expect(await lossiest.first().locator('a').getAttribute('href')).toBe(`#/equipements/${platform.tenants.A.device}`);
      expect(await lossiest.first().locator('td').nth(1).textContent()).toBe(fr(a.lossiest[0].lost));
      const rejects = await page.locator('[data-table="rejects"] tbody tr').allTextContents();
      expect(rejects).toEqual(a.rejects.map((r: { reason: string; count: number }) => `${r.reason}${fr(r.count)}`));

      // The uplinks per hour: the chart's table holds the API's hours.
      const rows = await chartRows(watched, 'quality-uplinks');
      expect(rows.map((r) => r.at)).toEqual(api.hours.map((h: { time: string }) => h.time));
      expect(rows.map((r) => r.values)).toEqual(api.hours.map((h: { received: number; lost: number }) => [fr(h.received), fr(h.lost)]));
      expect(await page.locator('main').textContent()).not.toContain(platform.tenants.B.tenant);

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'quality');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("an operator chooses a commune and a period, and follows a silent device to its page", async () => {
    await useSessionOf(browser, platform, 'operator');
    const { page, errors } = await openPage(browser, platform, '/qualite-des-donnees');
    try {
      const { A2 } = platform.tenants;
      await page.getByLabel('Collectivité', { exact: true }).selectOption(A2.tenant);
      await page.getByRole('button', { name: '7 jours' }).click();
      // The whole platform's 5 uplinks first, then A2's none.
      await expect.poll(() => page.locator('[data-kpi="received"]').textContent()).toBe('0');
      const silent = page.locator('[data-list="silent"] a');
      expect(await silent.allTextContents()).toEqual([`lamp-${A2.tenant}-1`]);
      await screenshot(page, 'quality-operator');
      await silent.first().click();
      await expect.poll(() => page.locator('main h1').textContent()).toContain(`lamp-${A2.tenant}-1`);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
