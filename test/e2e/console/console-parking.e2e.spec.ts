/**
 * The parking page in Debian's Chromium against the real stack: four days of on-street
 * spots and a car park in communes A and B, with overstays (test/support/console-kpis.ts).
 * Every figure of the page's tables is the API's for the period and scope it asks; a
 * commune's person sees its commune's row only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiPlatform, type ApiPlatform, type KeyName } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { useSessionOf } from '../../support/console-pages';
import { seedAirAndParking } from '../../support/console-kpis';

const fr = (n: number | null, unit?: string) => (n === null ? '—' : unit ? `${new Intl.NumberFormat('fr').format(n)} ${unit}` : new Intl.NumberFormat('fr').format(n));
const ON_STREET = ['spots', 'occupancy_pct', 'arrivals', 'rotation', 'mean_stay_min', 'overstays', 'saturated_h'];
const OFF_STREET = ['car_parks', 'occupancy_pct', 'entries', 'rotation', 'mean_stay_min', 'saturated_h'];

interface Group {
  tenant: string;
  occupancy_pct: number | null;
  on_street: Record<string, number | null>;
  off_street: Record<string, number | null>;
}

describe('the console: parking', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-parking', { HV_AGGREGATES_EVERY_S: '0' });
    await seedAirAndParking(platform);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function openParking(who: KeyName) {
    await useSessionOf(browser, platform, who);
    const watched = await browser.newPage();
    const [request] = await Promise.all([
      watched.page.waitForRequest((r) => r.url().includes('/api/v1/kpis/parking?')),
      watched.page.goto(`${platform.url}/#/stationnement`),
    ]);
    await watched.page.locator('[data-table="on-street"]').waitFor();
    return { ...watched, query: new URL(request.url()).search };
  }

  /** Each table's rows as the page shows them: the group, then its cells' text. */
  const tableOf = (page: Page, id: string) =>
    page.locator(`[data-table="${id}"] tbody tr`).evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-group'), ...[...r.querySelectorAll('td')].map((td) => td.textContent)]));

  async function expectSameAsApi(page: Page, body: { groups: Group[]; total: Group }) {
    const rows = body.groups.length > 1 ? [...body.groups, { ...body.total, tenant: '' }] : body.groups;
    expect(await tableOf(page, 'on-street')).toEqual(rows.map((g) => [g.tenant, ...ON_STREET.map((k) => fr(g.on_street[k]!))]));
    expect(await tableOf(page, 'off-street')).toEqual(rows.map((g) => [g.tenant, ...OFF_STREET.map((k) => fr(g.off_street[k]!))]));
    expect(await page.locator('[data-kpi="occupancy_pct"]').textContent()).toBe(fr(body.total.occupancy_pct, '%'));
    expect(await page.locator('[data-kpi="on_street.overstays"]').textContent()).toBe(fr(body.total.on_street.overstays!));
  }

  it('an operator sees occupancy, rotation, mean stay, overstays and saturation per commune as the API gives them', async () => {
    const { page, errors, query } = await openParking('operator');
    try {
      expect(await page.locator('main h1').textContent()).toBe('Stationnement');
      const api = await platform.call('GET', `/api/v1/kpis/parking${query}`, { key: platform.keys.operator });
      expect(api.status).toBe(200);
      expect(api.body.by).toBe('commune');
      const tenants = api.body.groups.map((g: Group) => g.tenant);
      expect(tenants).toEqual(expect.arrayContaining([platform.tenants.A.tenant, platform.tenants.B.tenant]));
      await expectSameAsApi(page, api.body);
      // The simulated days gave figures worth comparing.
      const a = api.body.groups.find((g: Group) => g.tenant === platform.tenants.A.tenant);
      expect(a.on_street.arrivals).toBeGreaterThan(0);
      expect(a.on_street.overstays).toBe(2);
      expect(a.off_street.entries).toBeGreaterThan(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'parking-operator');

      // By EPCI: the page asks again and shows the API's EPCI rows.
      const [again] = await Promise.all([page.waitForResponse((r) => r.url().includes('/api/v1/kpis/parking?') && r.url().includes('by=epci')), page.getByLabel('Regrouper par').selectOption('epci')]);
      const byEpci = await platform.call('GET', `/api/v1/kpis/parking${new URL(again.url()).search}`, { key: platform.keys.operator });
      await expect.poll(() => page.locator('[data-table="on-street"] tbody tr').first().getAttribute('data-group')).toBe(byEpci.body.groups[0].tenant);
      await expectSameAsApi(page, byEpci.body);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a commune's person sees its commune's row only", async () => {
    const { A, B } = platform.tenants;
    const { page, errors, query } = await openParking('communeA');
    try {
      const api = await platform.call('GET', `/api/v1/kpis/parking${query}`, { key: platform.keys.communeA });
      expect(api.body.groups.map((g: Group) => g.tenant)).toEqual([A.tenant]);
      await expectSameAsApi(page, api.body);
      expect(await page.locator('#parking-tenant').count()).toBe(0);
      const main = (await page.locator('main').textContent())!;
      expect(main).not.toContain(B.tenant);
      expect(main).not.toContain('Saint-Quentin');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'parking-commune');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
