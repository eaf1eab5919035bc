/**
 * The CDN report page in Debian's Chromium against the real stack, over four days of air
 * and parking data in two EPCI (test/support/console-kpis.ts): each indicator's table holds
 * the API's report for the period the page asks, and its CSV link downloads the API's CSV
 * of the same period through the session.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { openPage, useSessionOf } from '../../support/console-pages';
import { seedAirAndParking } from '../../support/console-kpis';

const fr = (n: number | null) => (n === null ? '—' : new Intl.NumberFormat('fr').format(n));
const at = (o: unknown, path: string): number | null => path.split('.').reduce((x: any, k) => x?.[k], o) as number | null;
const ATMO = ['bon', 'moyen', 'dégradé', 'mauvais', 'très mauvais', 'extrêmement mauvais', 'indisponible'];
const COLUMNS: Record<string, string[]> = {
  objects: ['connected_objects.registered', 'connected_objects.ok', 'connected_objects.faulty', 'connected_objects.offline'],
  energy: ['energy.saved.kwh', 'energy.saved.eur', 'energy.saved.kgco2', 'energy.lighting.savings_pct', 'energy.heating.savings_pct', 'energy.findings.cleared'],
  air: ['air.stations', ...ATMO.map((l) => `air.classes.${l}`), 'air.exceedances.information', 'air.exceedances.alert'],
  parking: ['parking.occupancy_pct', 'parking.on_street.occupancy_pct', 'parking.off_street.occupancy_pct', 'parking.on_street.overstays', 'parking.on_street.saturated_h', 'parking.off_street.saturated_h'],
};

describe('the console: the CDN report', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;
  let epciB: string;

  beforeAll(async () => {
    platform = await startApiPlatform('console-report', { HV_AGGREGATES_EVERY_S: '0' });
    ({ epciB } = await seedAirAndParking(platform));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it("the CDN's report per EPCI and for the département is the API's, and its CSV link downloads the API's CSV", async () => {
    await useSessionOf(browser, platform, 'cdn');
    const watched = await browser.newPage();
    const { page, errors } = watched;
    try {
      const [request] = await Promise.all([page.waitForRequest((r) => r.url().includes('/api/v1/kpis/report?')), page.goto(`${platform.url}/#/rapport`)]);
      await page.locator('[data-table="objects"]').waitFor();
      expect(await page.locator('main h1').textContent()).toBe('Rapport départemental');
      const query = new URL(request.url()).search;
      const api = await platform.call('GET', `/api/v1/kpis/report${query}`, { key: platform.keys.cdn });
      expect(api.status).toBe(200);
      const rows = [...api.body.rows, api.body.total];
      expect(rows.map((r: { tenant: string }) => r.tenant)).toEqual([...[platform.epciA, epciB].sort(), '02']);
      for (const [table, paths] of Object.entries(COLUMNS)) {
        const shown = await page.locator(`[data-table="${table}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-group'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent)]));
        expect(shown, table).toEqual(rows.map((r) => [r.tenant, ...paths.map((p) => fr(at(r, p)))]));
      }
      expect(api.body.total.parking.on_street.overstays).toBe(3);
      expect(api.body.total.air.exceedances.alert).toBe(1);

      // The CSV link: the same period, downloaded through the session.
      const link = page.locator('[data-download="csv"]');
      const href = (await link.getAttribute('href'))!;
      const asked = new URLSearchParams(query);
      const linked = new URL(href, platform.url).searchParams;
      expect([linked.get('from'), linked.get('to'), linked.get('format')]).toEqual([asked.get('from'), asked.get('to'), 'csv']);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      const text = readFileSync((await download.path())!, 'utf8');
      const csv = await platform.call('GET', `/api/v1/kpis/report?from=${encodeURIComponent(asked.get('from')!)}&to=${encodeURIComponent(asked.get('to')!)}&format=csv`, { key: platform.keys.cdn });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(text).toBe(csv.body);
      expect(text.split('\r\n')).toHaveLength(rows.length + 2);
      expect(download.suggestedFilename()).toMatch(/^hyperviseur-report-.*\.csv$/);

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'report-cdn');

      // A reference period of its own for the heating savings: Paris days, the last one included, in the report and its CSV.
      await page.getByLabel('Référence du chauffage : du').fill('2025-10-01');
      const [withReference] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/kpis/report?') && r.url().includes('reference_from')),
        page.getByLabel('au (inclus)').fill('2025-10-31'),
      ]);
      const referenceQuery = new URL(withReference.url()).searchParams;
      expect([referenceQuery.get('reference_from'), referenceQuery.get('reference_to')]).toEqual(['2025-09-30T22:00:00.000Z', '2025-10-31T23:00:00.000Z']);
      const referenced = await platform.call('GET', `/api/v1/kpis/report${new URL(withReference.url()).search}`, { key: platform.keys.cdn });
      expect(referenced.body.reference).toEqual({ from: '2025-09-30T22:00:00.000Z', to: '2025-10-31T23:00:00.000Z' });
      await expect.poll(() => page.locator('[data-reference]').textContent()).toMatch(/^Période de référence du chauffage : du 1 oct\. 2025, 00:00 au 1 nov\. 2025, 00:00\.$/);
      const referencedLink = new URL((await link.getAttribute('href'))!, platform.url).searchParams;
      expect([referencedLink.get('reference_from'), referencedLink.get('reference_to')]).toEqual(['2025-09-30T22:00:00.000Z', '2025-10-31T23:00:00.000Z']);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the report is in the navigation of the CDN and operators, and refused to a commune', async () => {
    await useSessionOf(browser, platform, 'operator');
    const operator = await openPage(browser, platform, '/rapport');
    try {
      expect(await operator.page.getByRole('navigation').getByRole('link', { name: 'Rapport départemental' }).count()).toBe(1);
      await operator.page.locator('[data-table="objects"]').waitFor();
      expect(operator.errors).toEqual([]);
    } finally {
      await operator.page.close();
    }
    await useSessionOf(browser, platform, 'communeA');
    const commune = await openPage(browser, platform, '/rapport');
    try {
      expect(await commune.page.locator('main h1').textContent()).toBe('Accès refusé');
      expect(await commune.page.getByRole('navigation').getByRole('link', { name: 'Rapport départemental' }).count()).toBe(0);
      expect(commune.errors).toEqual([]);
    } finally {
      await commune.page.close();
    }
  });
});
