/**
 * The air-quality page in Debian's Chromium against the real stack: four days of an air
 * station, a particle episode, threshold alarms and classroom CO2 findings in communes A
 * and B (test/support/console-kpis.ts). The page shows, for the period it asks, the ATMO
 * index of each day, the days per class and the exceedances that the API gives the same
 * person; a commune's person sees its commune's figures only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiPlatform, type ApiPlatform, type KeyName } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { chartRows, openPage, useSessionOf } from '../../support/console-pages';
import { seedAirAndParking, type SeededKpis } from '../../support/console-kpis';

const LABELS = ['bon', 'moyen', 'dégradé', 'mauvais', 'très mauvais', 'extrêmement mauvais', 'indisponible'];
const FR_LABELS = ['Indisponible', 'Bon', 'Moyen', 'Dégradé', 'Mauvais', 'Très mauvais', 'Extrêmement mauvais'];
const fr = (n: number) => new Intl.NumberFormat('fr').format(n);

interface Day {
  date: string;
  index: number | null;
  label: string;
}
interface Group {
  tenant: string;
  name: string | null;
  stations: number;
  days: Day[];
  classes: Record<string, number>;
  exceedances: { information: number; alert: number; days: number };
}

describe('the console: air quality', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;
  let seeded: SeededKpis;

  beforeAll(async () => {
    platform = await startApiPlatform('console-air', { HV_AGGREGATES_EVERY_S: '0' });
    seeded = await seedAirAndParking(platform);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  /** Opens the page as `who` and returns it with the query string of its KPI request. */
  async function openAir(who: KeyName) {
    await useSessionOf(browser, platform, who);
    const watched = await browser.newPage();
    const [request] = await Promise.all([
      watched.page.waitForRequest((r) => r.url().includes('/api/v1/kpis/air-quality?')),
      watched.page.goto(`${platform.url}/#/qualite-de-l-air`),
    ]);
    await watched.page.locator('[data-table="atmo"]').waitFor();
    return { ...watched, query: new URL(request.url()).search };
  }

  /** Each row of the ATMO table: the group and, per day, its date, its index and the label read to a screen reader. */
  async function atmoRows(page: Page) {
    return page.locator('[data-table="atmo"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        group: row.getAttribute('data-group'),
        days: [...row.querySelectorAll('td')].map((td) => ({ date: td.getAttribute('data-date'), index: td.getAttribute('data-index'), text: td.querySelector('.visually-hidden')?.textContent ?? '' })),
      })),
    );
  }

  async function expectSameAsApi(page: Page, groups: Group[]) {
    const rows = await atmoRows(page);
    expect(rows.map((r) => r.group)).toEqual(groups.map((g) => g.tenant));
    for (const [i, g] of groups.entries()) {
      expect(rows[i]!.days.map((d) => [d.date, d.index])).toEqual(g.days.map((d) => [d.date, d.index === null ? '' : String(d.index)]));
      // The official label of each day's class, "Indisponible" when no station has an index.
      expect(rows[i]!.days.map((d) => d.text.split(' : ')[1]!.replace(/ \(.*\)$/, ''))).toEqual(g.days.map((d) => FR_LABELS[d.index ?? 0]));
      const classes = page.locator(`[data-table="classes"] tr[data-group="${g.tenant}"] td`);
      expect(await classes.allTextContents()).toEqual([fr(g.stations), ...LABELS.map((l) => fr(g.classes[l] ?? 0))]);
      const exceedances = page.locator(`[data-table="exceedances"] tr[data-group="${g.tenant}"]`);
      expect(await exceedances.locator('[data-field="information"]').textContent()).toBe(fr(g.exceedances.information));
      expect(await exceedances.locator('[data-field="alert"]').textContent()).toBe(fr(g.exceedances.alert));
      expect(await exceedances.locator('[data-field="days"]').textContent()).toBe(fr(g.exceedances.days));
    }
  }

  it("an operator sees each EPCI's ATMO index per day, its days per class and exceedances as the API gives them, and the classrooms' CO2 findings", async () => {
    const { page, errors, query } = await openAir('operator');
    try {
      expect(await page.locator('main h1').textContent()).toBe('Qualité de l’air');
      const api = await platform.call('GET', `/api/v1/kpis/air-quality${query}`, { key: platform.keys.operator });
      expect(api.status).toBe(200);
      expect(api.body.by).toBe('epci');
      const groups = api.body.groups as Group[];
      expect(groups.map((g) => g.tenant).sort()).toEqual([platform.epciA, seeded.epciB].sort());
      await expectSameAsApi(page, groups);
      // The episode made a "mauvais" day and the exceedances worth checking.
      expect(groups.some((g) => g.days.some((d) => (d.index ?? 0) >= 4))).toBe(true);
      const epciA = groups.find((g) => g.tenant === platform.epciA)!;
      expect(epciA.exceedances).toMatchObject({ information: 1, alert: 1 });
      // Its day is painted in its class's colour.
      const worst = Math.max(...groups.flatMap((g) => g.days.map((d) => d.index ?? 0)));
      expect(await page.locator(`[data-table="atmo"] td.atmo-${worst}`).count()).toBe(groups.flatMap((g) => g.days).filter((d) => d.index === worst).length);

      // The chart holds the same indices, one series per EPCI.
      const chart = await chartRows({ page, errors }, 'air-atmo');
      expect(chart).toHaveLength(groups[0]!.days.length);
      expect(chart.map((r) => r.values)).toEqual(groups[0]!.days.map((_, i) => groups.slice(0, 5).map((g) => (g.days[i]!.index === null ? '—' : fr(g.days[i]!.index!)))));

      // CO2: the findings of the period and those open now, as the alarms route counts them.
      const [from, to] = ['from', 'to'].map((k) => new URLSearchParams(query).get(k)!);
      const inPeriod = await platform.call('GET', `/api/v1/alarms?type=co2_high&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { key: platform.keys.operator });
      const open = await platform.call('GET', '/api/v1/alarms?type=co2_high&state=open', { key: platform.keys.operator });
      expect(inPeriod.body.total).toBe(3);
      await expect.poll(() => page.locator('[data-kpi="co2-period"]').textContent()).toBe(fr(inPeriod.body.total));
      expect(await page.locator('[data-kpi="co2-open"]').textContent()).toBe(fr(open.body.total));
      expect(await page.locator('[data-table="co2"] tbody tr').count()).toBe(inPeriod.body.alarms.length);
      expect(await page.locator('[data-table="co2"] tbody tr').first().locator('td').nth(3).textContent()).toBe(`${fr(inPeriod.body.alarms[0].value)} ppm`);

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'air-operator');
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Air quality');
      expect(await page.locator('.atmo-legend').textContent()).toContain('Extremely bad');
      await screenshot(page, 'air-operator-en');
      await page.getByRole('button', { name: 'Français' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a commune's person sees its commune's figures only, by commune, and its own CO2 findings", async () => {
    const { A, B } = platform.tenants;
    const { page, errors, query } = await openAir('communeA');
    try {
      expect(new URLSearchParams(query).get('by')).toBe('commune');
      const api = await platform.call('GET', `/api/v1/kpis/air-quality${query}`, { key: platform.keys.communeA });
      const groups = api.body.groups as Group[];
      expect(groups.map((g) => g.tenant)).toEqual([A.tenant]);
      await expectSameAsApi(page, groups);
      // No choice of another tenant, and nothing of B anywhere on the page.
      expect(await page.locator('#air-tenant').count()).toBe(0);
      await expect.poll(() => page.locator('[data-kpi="co2-period"]').textContent()).toBe(fr(2));
      const main = (await page.locator('main').textContent())!;
      expect(main).not.toContain(B.tenant);
      expect(main).not.toContain(seeded.deviceOf(B.tenant, 'co2-sensor'));
      expect(main).not.toContain('Saint-Quentin');
      expect(await page.locator('[data-table="co2"] tbody tr td:first-child').allTextContents()).toEqual([seeded.deviceOf(A.tenant, 'co2-sensor'), seeded.deviceOf(A.tenant, 'co2-sensor')]);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'air-commune');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the CDN sees the ATMO figures of the whole territory and is told that classroom CO2 is not among them', async () => {
    const { page, errors, query } = await openAir('cdn');
    try {
      const api = await platform.call('GET', `/api/v1/kpis/air-quality${query}`, { key: platform.keys.cdn });
      await expectSameAsApi(page, api.body.groups as Group[]);
      expect(await page.locator('[data-co2="none"]').count()).toBe(1);
      expect(await page.locator('[data-kpi="co2-period"]').count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'air-cdn');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
