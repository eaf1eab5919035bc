/**
 * The overview in Debian's Chromium against the real stack: the map's text alternative
 * holds the communes and counts `GET /map/communes` gives the same scope, a commune's
 * person sees its commune alone, choosing a commune narrows the tiles and draws its
 * devices, and the energy tiles show what `GET /kpis/energy` answers for the periods the
 * page asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { insertAlarm, startApiPlatform, type ApiPlatform, type KeyName } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { openPage, useSessionOf, requestsTo } from '../../support/console-pages';

/** As the page prints numbers in French. */
const fr = (n: number) => new Intl.NumberFormat('fr').format(n);

interface MapCommune {
  tenant: string;
  name: string;
  devices: number;
  ok: number;
  faulty: number;
  offline: number;
}

describe('the console: overview', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-overview');
    browser = await launchBrowser();
    // A faulty lamp in A, so that the map has a state other than ok to show.
    await insertAlarm(platform.db, platform.tenants.A);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const apiGet = async (path: string, key: KeyName = 'operator') => {
    const res = await platform.call('GET', path, { key: platform.keys[key] });
    expect(res.status, path).toBe(200);
    return res.body;
  };

  /** The rows of the map's table: tenant and the four counts as printed. */
  async function mapRows(page: Page) {
    const rows = page.locator('[data-table="map-communes"] tbody tr');
    const out: Array<{ tenant: string | null; cells: string[] }> = [];
    for (let i = 0; i < (await rows.count()); i++) out.push({ tenant: await rows.nth(i).getAttribute('data-tenant'), cells: await rows.nth(i).locator('th, td').allTextContents() });
    return out.sort((a, b) => String(a.tenant).localeCompare(String(b.tenant)));
  }
  const expectedRows = (communes: MapCommune[]) =>
    [...communes].sort((a, b) => a.tenant.localeCompare(b.tenant)).map((c) => ({ tenant: c.tenant, cells: [c.name, fr(c.devices), fr(c.ok), fr(c.faulty), fr(c.offline)] }));

  const energyRequests = (page: Page): string[] => requestsTo(page, '/api/v1/kpis/energy');

  async function expectEnergyOf(page: Page, requests: string[], key: KeyName) {
    await page.locator('[data-tile="savings-month"] h3').waitFor();
    expect(requests.length).toBeGreaterThan(0);
    // Today (from Paris midnight) then the month (from the 1st): the later `from` is today's.
    const answers = await Promise.all(requests.slice(-2).map((path) => apiGet(path, key)));
    const [today, month] = [...answers].sort((a, b) => Date.parse(b.period.from) - Date.parse(a.period.from));
    const kpi = (name: string) => page.locator(`[data-kpi="${name}"]`).textContent();
    if (answers.length < 2 || today.groups.length === 0) expect(await kpi('energy-today-none')).toBe('Pas encore de données.');
    else {
      expect(await kpi('energy-today-consumed')).toBe(`${fr(today.total.lighting.consumed_kwh)} kWh`);
      expect(await kpi('energy-today-baseline')).toBe(`${fr(today.total.lighting.baseline_kwh)} kWh`);
      expect(await kpi('energy-today-savings')).toBe(`${fr(today.total.lighting.savings.kwh)} kWh`);
    }
    if (month.groups.length === 0) expect(await kpi('savings-month-none')).toBe('Pas encore de données.');
    else {
      expect(await kpi('savings-month-kwh')).toBe(`${fr(month.total.saved.kwh)} kWh`);
      expect(await kpi('savings-month-eur')).toBe(`${fr(month.total.saved.eur)} €`);
      expect(await kpi('savings-month-kgco2')).toBe(`${fr(month.total.saved.kgco2)} kgCO2e`);
      expect(await kpi('findings-month-cleared')).toBe(fr(month.total.findings.cleared));
    }
  }

  it("an operator's map holds every commune with the API's counts; choosing a commune narrows the tiles and draws its devices", async () => {
    await useSessionOf(browser, platform, 'operator');
    const watched = await browser.newPage();
    const { page, errors } = watched;
    const requests = energyRequests(page);
    try {
      await page.goto(`${platform.url}/#/`);
      await page.locator('[data-table="map-communes"]').waitFor();
      const communes: MapCommune[] = (await apiGet('/api/v1/map/communes')).communes;
      expect(communes.map((c) => c.tenant)).toEqual(expect.arrayContaining([platform.tenants.A.tenant, platform.tenants.B.tenant]));
      expect(communes.find((c) => c.tenant === platform.tenants.A.tenant)!.faulty).toBe(1);
      expect(await mapRows(page)).toEqual(expectedRows(communes));
      expect(await page.locator('svg.map-canvas circle.commune').count()).toBe(communes.length);
      expect(await page.locator('svg.map-canvas circle.commune.trouble-ok').count()).toBe(communes.filter((c) => c.faulty + c.offline === 0).length);
      await expectEnergyOf(page, requests, 'operator');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'overview-map-operator');

      // Choosing B in the selector: the tiles, alarms, map and energy are B's.
      const { B } = platform.tenants;
      requests.length = 0;
      await page.getByLabel('Commune', { exact: true }).selectOption(B.tenant);
      const objects = await apiGet(`/api/v1/kpis/connected-objects?by=departement&tenant=${B.tenant}`);
      const total = objects.totals.reduce((n: number, d: { registered: number }) => n + d.registered, 0);
      await expect.poll(() => page.locator('[data-kpi="devices-total"]').textContent()).toBe(fr(total));
      expect(total).toBeLessThan((await apiGet('/api/v1/devices?limit=1')).total);
      for (const state of ['ok', 'faulty', 'offline']) expect(await page.locator(`[data-kpi="devices-lighting-${state}"]`).textContent()).toBe(fr(objects.totals[0][state]));
      const major = (await apiGet(`/api/v1/alarms?state=active&severity=major&tenant=${B.tenant}&limit=1`)).total;
      await expect.poll(() => page.locator('[data-kpi="alarms-major"]').textContent()).toBe(fr(major));
      // The map keeps every commune, B's chosen (its row marked) and drawn device by device.
      const own: MapCommune[] = (await apiGet(`/api/v1/map/communes?tenant=${B.tenant}`)).communes;
      expect(own.map((c) => c.tenant)).toEqual([B.tenant]);
      await expect.poll(() => page.locator('[data-table="map-communes"] tr.chosen').getAttribute('data-tenant')).toBe(B.tenant);
      expect(await mapRows(page)).toEqual(expectedRows(communes));
      expect(await page.locator(`svg.map-canvas circle.commune.chosen`).getAttribute('data-tenant')).toBe(B.tenant);
      const devices = (await apiGet(`/api/v1/map/devices?tenant=${B.tenant}`)).devices;
      expect(devices.length).toBeGreaterThan(0);
      await expect.poll(() => page.locator('svg.map-canvas circle.device').count()).toBe(devices.length);
      await expect.poll(() => requests.length).toBeGreaterThanOrEqual(2);
      expect(requests.every((r) => r.includes(`tenant=${B.tenant}`))).toBe(true);
      await expectEnergyOf(page, requests, 'operator');

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'overview-map-commune-chosen');

      // The map's zoom is usable from the keyboard.
      const before = await page.locator('svg.map-canvas').getAttribute('viewBox');
      await page.getByRole('button', { name: 'Tout voir' }).click();
      await page.getByRole('button', { name: 'Zoom avant' }).press('Enter');
      await page.locator('svg.map-canvas').focus();
      await page.keyboard.press('ArrowLeft');
      expect(await page.locator('svg.map-canvas').getAttribute('viewBox')).not.toBe(before);

      // Back to the whole scope from the table's button.
      await page.getByRole('button', { name: own[0]!.name }).click();
      await expect.poll(() => page.getByLabel('Commune', { exact: true }).inputValue()).toBe('');
      await expect.poll(() => page.locator('svg.map-canvas circle.device').count()).toBe(0);
      expect(await page.locator('[data-table="map-communes"] tr.chosen').count()).toBe(0);
      await expect.poll(() => page.locator('[data-kpi="devices-total"]').textContent()).toBe(fr((await apiGet('/api/v1/devices?limit=1')).total));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a commune's map holds its commune alone, with its devices; no selector", async () => {
    const { A, B } = platform.tenants;
    await useSessionOf(browser, platform, 'communeA');
    const { page, errors } = await openPage(browser, platform, '/');
    try {
      await page.locator('[data-table="map-communes"]').waitFor();
      const communes: MapCommune[] = (await apiGet('/api/v1/map/communes', 'communeA')).communes;
      expect(communes.map((c) => c.tenant)).toEqual([A.tenant]);
      expect(await mapRows(page)).toEqual(expectedRows(communes));
      const devices = (await apiGet(`/api/v1/map/devices?tenant=${A.tenant}`, 'communeA')).devices;
      await expect.poll(() => page.locator('svg.map-canvas circle.device').count()).toBe(devices.length);
      expect(await page.locator('svg.map-canvas circle.device.state-faulty').count()).toBe(devices.filter((d: { state: string }) => d.state === 'faulty').length);
      expect(await page.locator('#overview-commune').count()).toBe(0);
      expect(await page.locator('main').textContent()).not.toContain(B.tenant);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'overview-map-commune');

      // In English: the same figures, translated labels.
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('#map-title').textContent()).toBe('Map of the devices');
      expect(await page.locator('#energy-title').textContent()).toBe('Energy');
      expect(await page.locator('[data-tile="savings-month"] h3').textContent()).toBe('Savings this month');
      await screenshot(page, 'overview-map-commune-en');
      await page.getByRole('button', { name: 'Français' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("an EPCI chooses among its communes; the CDN sees the map and the energy but no alarm", async () => {
    const { A, A2, B } = platform.tenants;
    await useSessionOf(browser, platform, 'epciA');
    const epci = await openPage(browser, platform, '/');
    try {
      const select = epci.page.getByLabel('Commune', { exact: true });
      const own: string[] = (await apiGet('/api/v1/tenants?kind=commune', 'epciA')).tenants.map((t: { id: string }) => t.id);
      expect(own).toEqual(expect.arrayContaining([A.tenant, A2.tenant]));
      expect(own).not.toContain(B.tenant);
      await expect.poll(() => select.locator('option').count()).toBe(own.length + 1);
      const values = await select.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
      expect(values.sort()).toEqual(['', ...own].sort());
      expect(epci.errors).toEqual([]);
    } finally {
      await epci.page.close();
    }

    await useSessionOf(browser, platform, 'cdn');
    const watched = await browser.newPage();
    const { page, errors } = watched;
    const requests = energyRequests(page);
    try {
      await page.goto(`${platform.url}/#/`);
      await page.locator('[data-table="map-communes"]').waitFor();
      expect(await mapRows(page)).toEqual(expectedRows((await apiGet('/api/v1/map/communes', 'cdn')).communes));
      await expectEnergyOf(page, requests, 'cdn');
      expect(await page.locator('#alarms-title').count()).toBe(0);
      // A commune clicked in the table narrows the counts; the CDN is shown no device.
      await page.locator(`[data-table="map-communes"] tr[data-tenant="${B.tenant}"] button`).click();
      const objects = await apiGet(`/api/v1/kpis/connected-objects?by=departement&tenant=${B.tenant}`, 'cdn');
      await expect.poll(() => page.locator('[data-kpi="devices-total"]').textContent()).toBe(fr(objects.totals[0].registered));
      expect(await page.locator('svg.map-canvas circle.device').count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'overview-map-cdn');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
