/**
 * The lighting page in Debian's Chromium against the real stack: the preview of the night
 * of 24 December 2026 for Laon switches on and off within 2 minutes of the sun, read from
 * the chart's data table; a program edited in the page gets the server's field errors next
 * to the field, is saved, and assigned to a lamp.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sunTimes } from '@hv/lighting';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { attributesOf, chartRows, openPage, useSessionOf } from '../../support/console-pages';

/** Laon, where the API computes the sun without a lamp's coordinates (the centre of the Aisne). */
const LAON = { lat: 49.564, lon: 3.62 };
const TWO_MIN = 120_000;

describe('the console: lighting', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-lighting');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('the night of 24 December 2026 in Laon switches on within 2 minutes of sunset and off within 2 minutes of sunrise', async () => {
    await useSessionOf(browser, platform, 'communeA');
    const { page, errors } = await openPage(browser, platform, '/eclairage');
    try {
      expect(await page.locator('main h1').textContent()).toBe('Éclairage public');
      await page.locator(`tr[data-program="${platform.tenants.A.program}"]`).waitFor();
      // The commune's program is open in the editor and its preview (tonight) already drawn.
      await page.locator('#night-preview svg[role="img"]').waitFor();
      await page.getByLabel('Nuit commençant le').fill('2026-12-24');
      await page.getByRole('button', { name: 'Afficher la nuit' }).click();
      await expect.poll(() => page.locator('#night-preview figcaption').textContent()).toContain('24 décembre 2026');

      const sunset = sunTimes(Date.UTC(2026, 11, 24), LAON.lat, LAON.lon).sunsetMs!;
      const sunrise = sunTimes(Date.UTC(2026, 11, 25), LAON.lat, LAON.lon).sunriseMs!;
      const rows = await chartRows({ page, errors }, 'night-preview');
      const on = rows.findIndex((r) => r.values[0] !== '0');
      const off = rows.findIndex((r, i) => i > on && r.values[0] === '0');
      expect(on).toBeGreaterThan(0);
      expect(off).toBeGreaterThan(on);
      expect(Math.abs(Date.parse(rows[on]!.at) - sunset)).toBeLessThanOrEqual(TWO_MIN);
      expect(Math.abs(Date.parse(rows[off]!.at) - sunrise)).toBeLessThanOrEqual(TWO_MIN);
      // Lit at 100 % from sunset, 50 % from 23:00 Paris (22:00 UTC in winter), as the program says.
      expect(rows.slice(on, off).map((r) => r.values[0])).toEqual(['100', '50']);
      expect(rows[on + 1]!.at).toBe('2026-12-24T22:00:00.000Z');
      // The marks of the sun are the same instants.
      const marks = (await attributesOf(page.locator('#night-preview .chart-data li time'), 'datetime')).map((at) => Date.parse(at!));
      expect(marks).toHaveLength(2);
      expect(Math.abs(marks[0]! - sunset)).toBeLessThanOrEqual(TWO_MIN);
      expect(Math.abs(marks[1]! - sunrise)).toBeLessThanOrEqual(TWO_MIN);
      expect(await page.locator('#night-preview svg[role="img"]').getAttribute('aria-label')).toContain('Niveau de « Nuit A », nuit du 24 décembre 2026');

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'lighting');

      // The night clocks go forward (28 March 2027, 02:00 → 03:00): 23:00 is still winter
      // time (22:00 UTC), sunrise is summer time, and the table reads them in Paris time.
      await page.getByLabel('Nuit commençant le').fill('2027-03-27');
      await page.getByRole('button', { name: 'Afficher la nuit' }).click();
      await expect.poll(() => page.locator('#night-preview figcaption').textContent()).toContain('27 mars 2027');
      const spring = await chartRows({ page, errors }, 'night-preview');
      const paris = new Intl.DateTimeFormat('fr', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
      expect(spring.find((r) => r.values[0] === '50')!.at).toBe('2027-03-27T22:00:00.000Z');
      const springSunrise = sunTimes(Date.UTC(2027, 2, 28), LAON.lat, LAON.lon).sunriseMs!;
      const dawn = spring.findLast((r) => r.values[0] === '0')!;
      expect(Math.abs(Date.parse(dawn.at) - springSunrise)).toBeLessThanOrEqual(TWO_MIN);
      const texts = await page.locator('#night-preview .chart-data tbody time').allTextContents();
      expect(texts).toEqual(spring.map((r) => paris.format(new Date(r.at))));
      expect(texts.find((x) => x.endsWith('23:00'))).toBe('27/03/2027 23:00');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a program edited in the page: the server names the bad field next to it, then it is saved and assigned to a lamp', async () => {
    await useSessionOf(browser, platform, 'communeA');
    const { tenant, program, device } = platform.tenants.A;
    const { page, errors } = await openPage(browser, platform, '/eclairage');
    try {
      await page.locator('#program-name').waitFor();
      // A second step earlier in the night than the first: the schema refuses it by name.
      await page.getByRole('button', { name: 'Ajouter un palier' }).click();
      await page.getByLabel('Palier 2 : heure').fill('22:00');
      await page.getByLabel('Palier 2 : niveau (%)').fill('30');
      await page.getByRole('button', { name: 'Enregistrer le programme' }).click();
      const fieldError = page.locator('#program-steps-1-at-error');
      await fieldError.waitFor();
      expect(await fieldError.textContent()).toContain('steps must follow the night in order');
      expect(await page.locator('#program-steps-1-at').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#program-steps-1-at').getAttribute('aria-describedby')).toBe('program-steps-1-at-error');
      expect(await page.getByRole('alert').first().textContent()).toContain('1 champ à corriger');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'lighting-field-error');

      await page.getByLabel('Palier 2 : heure').fill('01:00');
      await page.getByLabel('Éteindre en cœur de nuit').check();
      await page.getByLabel('Extinction de').fill('01:30');
      await page.getByLabel('à', { exact: true }).fill('04:30');
      await page.getByRole('button', { name: 'Enregistrer le programme' }).click();
      await expect.poll(() => page.locator('.notice-line').textContent()).toContain('enregistré');
      const stored = await platform.call('GET', `/api/v1/tenants/${tenant}/programs/${program}`, { key: platform.keys.communeA });
      expect(stored.body).toMatchObject({ steps: [{ at: '23:00', level_pct: 50 }, { at: '01:00', level_pct: 30 }], extinction: { from: '01:30', to: '04:30' } });
      await expect.poll(() => page.locator(`tr[data-program="${program}"] td:nth-child(2)`).textContent()).toBe('50 % à 23:00 · 30 % à 01:00 · éteint de 01:30 à 04:30');

      await page.getByLabel('À', { exact: true }).selectOption('device');
      await page.getByLabel('Identifiant du luminaire').fill(device);
      await page.getByRole('button', { name: 'Affecter', exact: true }).click();
      await expect.poll(() => page.locator(`tr[data-program="${program}"] td:nth-child(3)`).textContent()).toContain(`luminaire ${device}`);
      const list = await platform.call('GET', `/api/v1/tenants/${tenant}/programs`, { key: platform.keys.communeA });
      expect(list.body.assignments).toContainEqual({ tenant, scope: 'device', scopeId: device, programId: program });

      // Another commune's lamp is refused, and the page says which field.
      await page.getByLabel('Identifiant du luminaire').fill(platform.tenants.B.device);
      await page.getByRole('button', { name: 'Affecter', exact: true }).click();
      await expect.poll(() => page.locator('[aria-labelledby="assign-title"] [role="alert"]').textContent()).toContain('body.scopeId');
      await screenshot(page, 'lighting-saved');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
