/**
 * The savings page in Debian's Chromium against the real stack: three energy findings
 * cleared in three communes at different months; the page asks `GET /kpis/energy` once per
 * month and shows, for the period chosen, the sums, the monthly trend and the rows per
 * commune or EPCI that the same answers give; a commune's person sees its commune alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiPlatform, type ApiPlatform, type KeyName } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser, type WatchedPage } from '../../support/browser';
import { chartRows, openPage, useSessionOf, requestsTo } from '../../support/console-pages';

/** As the page prints numbers in French. */
const fr = (n: number) => new Intl.NumberFormat('fr').format(n);
const DAY_MS = 86_400_000;

interface Savings {
  kwh: number;
  eur: number;
  kgco2: number;
}
interface EnergyPart {
  saved: Savings;
  findings: { cleared: number; savings: Savings };
}
interface EnergyAnswer {
  period: { from: string };
  total: EnergyPart;
  groups: Array<EnergyPart & { tenant: string; name: string }>;
}

describe('the console: savings', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-savings');
    browser = await launchBrowser();
    const { A, A2, B } = platform.tenants;
    // Findings (lit outside the program) cleared 2 hours, 40 and 70 days ago, with the energy they wasted.
    const finding = (tenant: string, device: string, agoMs: number, kwh: number) =>
      platform.db.query(
        `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, state, since, cleared_at, cleared_by, savings_kwh, savings_eur, savings_kgco2)
         VALUES ($1, $2, 'lighting', 'lit_outside_program', 'finding', 'minor', 'detected', 'cleared', $3, $4, 'rules', $5::float8, $5::float8 * 0.2, $5::float8 * 0.06)`,
        [tenant, device, new Date(Date.now() - agoMs - 3 * 3_600_000), new Date(Date.now() - agoMs), kwh],
      );
    await finding(A.tenant, A.device, 2 * 3_600_000, 12.5);
    await finding(B.tenant, B.device, 40 * DAY_MS, 7.25);
    await finding(A2.tenant, `lamp-${A2.tenant}-1`, 70 * DAY_MS, 3);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const energyRequests = (page: Page): string[] => requestsTo(page, '/api/v1/kpis/energy');

  /** The page's figures against the API's answers to the very requests it made (same period, grouping, tenant). */
  async function expectFiguresOf(watched: WatchedPage, requests: string[], key: KeyName) {
    const { page } = watched;
    await page.locator('[data-kpi="findings-cleared"]').waitFor();
    expect(requests.length).toBeGreaterThan(0);
    const answers: EnergyAnswer[] = [];
    for (const path of requests) {
      const res = await platform.call('GET', path, { key: platform.keys[key] });
      expect(res.status, path).toBe(200);
      answers.push(res.body);
    }
    answers.sort((a, b) => Date.parse(a.period.from) - Date.parse(b.period.from));
    const sum = (parts: EnergyPart[]) => {
      const out = { saved: { kwh: 0, eur: 0, kgco2: 0 }, findings: { kwh: 0, eur: 0, kgco2: 0 }, cleared: 0 };
      for (const p of parts) {
        for (const k of ['kwh', 'eur', 'kgco2'] as const) {
          out.saved[k] += p.saved[k];
          out.findings[k] += p.findings.savings[k];
        }
        out.cleared += p.findings.cleared;
      }
      return out;
    };
    const total = sum(answers.map((a) => a.total));
    const kpi = (name: string) => page.locator(`[data-kpi="${name}"]`).textContent();
    expect(await kpi('saved-kwh')).toBe(`${fr(total.saved.kwh)} kWh`);
    expect(await kpi('saved-eur')).toBe(`${fr(total.saved.eur)} €`);
    expect(await kpi('saved-kgco2')).toBe(`${fr(total.saved.kgco2)} kgCO2e`);
    expect(await kpi('findings-cleared')).toBe(fr(total.cleared));
    expect(await kpi('findings-kwh')).toBe(`${fr(total.findings.kwh)} kWh`);
    expect(await kpi('findings-eur')).toBe(`${fr(total.findings.eur)} €`);
    expect(await kpi('findings-kgco2')).toBe(`${fr(total.findings.kgco2)} kgCO2e`);

    // The trend: one row per month, the API's metered savings and findings of each.
    const rows = await chartRows(watched, 'savings-monthly');
    expect(rows.map((r) => Date.parse(r.at))).toEqual(answers.map((a) => Date.parse(a.period.from)));
    expect(rows.map((r) => r.values)).toEqual(answers.map((a) => [fr(a.total.saved.kwh), fr(a.total.findings.savings.kwh)]));

    // Per group: each group's months summed.
    const tenants = [...new Set(answers.flatMap((a) => a.groups.map((g) => g.tenant)))];
    const table = page.locator('[data-table="savings-groups"] tbody tr');
    expect(await table.count()).toBe(tenants.length);
    for (const tenant of tenants) {
      const groups = answers.flatMap((a) => a.groups.filter((g) => g.tenant === tenant));
      const s = sum(groups);
      expect(await page.locator(`[data-table="savings-groups"] tr[data-tenant="${tenant}"]`).locator('th, td').allTextContents(), tenant).toEqual([
        groups[0]!.name,
        `${fr(s.saved.kwh)} kWh`,
        `${fr(s.saved.eur)} €`,
        `${fr(s.saved.kgco2)} kgCO2e`,
        fr(s.cleared),
        `${fr(s.findings.kwh)} kWh`,
        `${fr(s.findings.eur)} €`,
        `${fr(s.findings.kgco2)} kgCO2e`,
      ]);
    }
    return { total, tenants };
  }

  it("an operator's 12 months, then 3 months per EPCI: the sums, the trend and the rows the API's monthly answers give", async () => {
    const { A, A2, B } = platform.tenants;
    await useSessionOf(browser, platform, 'operator');
    const watched = await browser.newPage();
    const { page, errors } = watched;
    const requests = energyRequests(page);
    try {
      await page.goto(`${platform.url}/#/economies`);
      expect(await page.locator('main h1').textContent()).toBe('Économies');
      await page.locator('[data-table="savings-groups"]').waitFor();
      expect(requests.length).toBeGreaterThanOrEqual(12);
      expect(requests.every((r) => r.includes('by=commune'))).toBe(true);
      const twelve = await expectFiguresOf(watched, requests, 'operator');
      expect(twelve.total.cleared).toBe(3);
      expect(twelve.total.findings.kwh).toBeCloseTo(22.75, 6);
      expect(twelve.tenants).toEqual(expect.arrayContaining([A.tenant, A2.tenant, B.tenant]));
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'savings-operator');

      requests.length = 0;
      await page.getByRole('button', { name: '3 mois' }).click();
      await page.getByRole('button', { name: 'EPCI' }).click();
      await expect.poll(() => page.locator('[data-table="savings-groups"] thead th').first().textContent()).toBe('EPCI');
      await page.locator('[data-table="savings-groups"]').waitFor();
      const last = requests.filter((r) => r.includes('by=epci'));
      expect(last.length).toBeGreaterThanOrEqual(3);
      expect(last.length).toBeLessThanOrEqual(4);
      const three = await expectFiguresOf(watched, last, 'operator');
      expect(three.tenants).toContain(platform.epciA);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'savings-operator-epci');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a commune's person sees its commune's savings alone", async () => {
    const { A, B } = platform.tenants;
    await useSessionOf(browser, platform, 'communeA');
    const watched = await openPage(browser, platform, '/economies');
    const { page, errors } = watched;
    const requests = energyRequests(page);
    try {
      await page.reload();
      await page.locator('[data-table="savings-groups"]').waitFor();
      const figures = await expectFiguresOf(watched, requests, 'communeA');
      expect(figures.tenants).toEqual([A.tenant]);
      expect(figures.total.cleared).toBe(1);
      expect(await page.locator('#savings-tenant').count()).toBe(0);
      expect(await page.locator('main').textContent()).not.toContain(B.tenant);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'savings-commune');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
