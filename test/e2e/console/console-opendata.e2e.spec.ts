/**
 * The open-data page in Debian's Chromium against the real stack: a person of the public
 * role signs in and lands on it (the only page of its navigation); each dataset's preview
 * holds the API's first rows, its links download the API's JSON, CSV and NGSI-LD through
 * the session, and each field is explained. Data: the platform's luminaires, and an air
 * station and a car park of four days (test/support/console-kpis.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { openPage, useSessionOf } from '../../support/console-pages';
import { seedAirAndParking } from '../../support/console-kpis';

const DATASETS = ['streetlights', 'air-quality', 'car-parks'] as const;

describe('the console: open data', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-opendata', { HV_AGGREGATES_EVERY_S: '0' });
    await seedAirAndParking(platform);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('a public person signs in and lands on open data, the only page it sees; each preview is the API’s first rows, each link the API’s file', async () => {
    await browser.forgetVisitor();
    const { page, errors } = await openPage(browser, platform, '/connexion');
    try {
      await page.getByLabel('Adresse e-mail').fill(platform.emails.public);
      await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Données ouvertes');
      expect(await page.evaluate('location.hash')).toBe('#/donnees-ouvertes');
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Données ouvertes']);

      for (const dataset of DATASETS) {
        const section = page.locator(`[data-dataset="${dataset}"]`);
        const api = await platform.call('GET', `/api/v1/opendata/${dataset}?limit=5`, { key: platform.keys.public });
        expect(api.status).toBe(200);
        expect(api.body.rows.length, dataset).toBeGreaterThan(0);
        const table = section.locator(`[data-table="${dataset}"]`);
        await table.waitFor();
        // The columns of the API's CSV, in its order.
        const apiCsv = (await platform.call('GET', `/api/v1/opendata/${dataset}?format=csv`, { key: platform.keys.public })).body as string;
        const columns = await table.locator('thead th').allTextContents();
        expect(columns, dataset).toEqual(apiCsv.split('\r\n')[0]!.split(','));
        expect([...columns].sort(), dataset).toEqual(Object.keys(api.body.rows[0]).sort());
        const shown = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
        expect(shown, dataset).toEqual(api.body.rows.map((row: Record<string, unknown>) => columns.map((c) => (row[c] === null ? '—' : String(row[c])))));
        expect(await section.getByRole('status').textContent()).toContain(`${new Intl.NumberFormat('fr').format(api.body.total)} enregistrements`);
        // Every column is explained.
        expect(await section.locator('.fields dt').allTextContents()).toEqual(columns);
        expect((await section.locator('.fields dd').allTextContents()).every((text) => text.length > 10 && !text.startsWith('opendata.'))).toBe(true);

        // The links: the API's own answers, fetched with the session as a click would.
        const links = Object.fromEntries(
          await section.locator('.downloads a').evaluateAll((as) => as.map((a) => [a.getAttribute('data-format'), a.getAttribute('href')])),
        ) as Record<string, string>;
        expect(links).toEqual({
          json: `/api/v1/opendata/${dataset}`,
          csv: `/api/v1/opendata/${dataset}?format=csv`,
          'ngsi-ld': `/api/v1/opendata/${dataset}?format=ngsi-ld`,
          'ngsi-ld-kv': `/api/v1/opendata/${dataset}?format=ngsi-ld&options=keyValues`,
        });
        const viaSession = (href: string) => page.evaluate(`fetch(${JSON.stringify(href)}).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), text: await r.text() }))`) as Promise<{ status: number; type: string; text: string }>;
        const csv = await viaSession(links.csv!);
        expect(csv.status).toBe(200);
        expect(csv.type).toMatch(/^text\/csv/);
        expect(csv.text).toBe(apiCsv);
        const ngsi = await viaSession(links['ngsi-ld']!);
        expect(ngsi.type).toMatch(/^application\/ld\+json/);
        expect(JSON.parse(ngsi.text)).toEqual((await platform.call('GET', `/api/v1/opendata/${dataset}?format=ngsi-ld`, { key: platform.keys.public })).body);
        const json = JSON.parse((await viaSession(links.json!)).text);
        expect(json.rows.slice(0, 5)).toEqual(api.body.rows);
      }
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'opendata-public');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the public role is sent from the overview to open data, and refused any other page', async () => {
    await useSessionOf(browser, platform, 'public');
    const { page, errors } = await openPage(browser, platform, '/');
    try {
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Données ouvertes');
      expect(await page.evaluate('location.hash')).toBe('#/donnees-ouvertes');
      for (const path of ['/alarmes', '/qualite-de-l-air', '/stationnement', '/rapport']) {
        await page.goto(`${platform.url}/#${path}`);
        await expect.poll(() => page.locator('main h1').textContent()).toBe('Accès refusé');
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('every other role finds open data in its navigation', async () => {
    await useSessionOf(browser, platform, 'communeA');
    const { page, errors } = await openPage(browser, platform, '/donnees-ouvertes');
    try {
      expect(await page.getByRole('navigation').getByRole('link', { name: 'Données ouvertes' }).count()).toBe(1);
      await page.locator('[data-table="car-parks"]').waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Open data');
      await screenshot(page, 'opendata-commune-en');
      await page.getByRole('button', { name: 'Français' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
