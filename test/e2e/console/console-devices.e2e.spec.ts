/**
 * The devices pages in Debian's Chromium against the real stack: a commune's list holds its
 * own devices only, a typed URL of another commune's device gets the refusal page and none
 * of its data, a device page shows its record, state and history chart, and an override set
 * in the page is the command the API holds, with its state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '@hv/contracts';
import { connectGateway } from '@hv/simulators';
import { insertAlarm, startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { attributesOf, openPage, useSessionOf } from '../../support/console-pages';
import { waitFor } from '../../support/wait';

describe('the console: devices', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-devices');
    browser = await launchBrowser();
    // A few hours of readings of A's lamp, for its latest state and its history chart.
    const gw = platform.tp.gateways.find((g) => g.tenant === platform.tenants.A.tenant)!;
    const gateway = await connectGateway(platform.tp.platform!.brokerUrl, gw.username, gw.password);
    try {
      const start = Date.now() - 4 * 3_600_000;
      for (let i = 0; i < 8; i++) {
        const level = i < 4 ? 100 : 50;
        const reading = { ts: start + i * 1_800_000, seq: i + 1, on: true, level_pct: level, power_w: (40 * level) / 100, energy_wh: 100 + i * 10 };
        await gateway.publishAsync(deviceTopic(platform.tenants.A.tenant, 'lighting', platform.tenants.A.device, 'telemetry'), JSON.stringify(reading), { qos: 1 });
      }
    } finally {
      await gateway.endAsync();
    }
    await waitFor(
      () => platform.call('GET', `/api/v1/devices/${platform.tenants.A.device}/history`, { key: platform.keys.communeA }),
      (res) => res.body.points?.length === 8,
      20_000,
      250,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it("a commune's list holds its own devices only, as many as the API gives it", async () => {
    await useSessionOf(browser, platform, 'communeA');
    const watched = await openPage(browser, platform, '/equipements');
    const { page, errors } = watched;
    try {
      expect(await page.locator('main h1').textContent()).toBe('Équipements');
      await page.locator('tr[data-device]').first().waitFor();
      const api = await platform.call('GET', '/api/v1/devices?limit=1000', { key: platform.keys.communeA });
      const ids = (api.body.devices as Array<{ id: string; tenant: string }>).map((d) => d.id);
      expect(api.body.total).toBeGreaterThan(0);
      const shown = await attributesOf(page.locator('tr[data-device]'), 'data-device');
      expect(shown.sort()).toEqual(ids.slice(0, 50).sort());
      const tenants = await page.locator('tr[data-device] td:nth-child(4)').allTextContents();
      expect(new Set(tenants)).toEqual(new Set([platform.tenants.A.tenant]));
      expect(await page.locator('p.count').textContent()).toContain(`${api.body.total} équipement`);
      // The tenant filter offers what the commune sees: itself.
      const options = await attributesOf(page.locator('#filter-tenant option'), 'value');
      expect(options).toEqual(['', platform.tenants.A.tenant]);
      const body = await page.locator('body').textContent();
      for (const other of [platform.tenants.B.tenant, platform.tenants.A2.tenant, platform.tenants.B.device]) expect(body).not.toContain(other);

      // The text filter narrows to the ids that contain it.
      await page.getByLabel('Identifiant ou nom contient').fill(platform.tenants.A.device);
      await expect.poll(() => page.locator('tr[data-device]').count()).toBe(1);
      expect(await page.locator('tr[data-device] a').textContent()).toBe(platform.tenants.A.device);
      await page.getByLabel('Identifiant ou nom contient').fill('');
      await page.getByLabel('Type', { exact: true }).selectOption('lighting-cabinet');
      await expect.poll(async () => (await page.locator('tr[data-device] td:nth-child(3)').allTextContents()).every((t) => t === 'Armoire d’éclairage')).toBe(true);

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'devices-list');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("a typed URL of another commune's device shows the refusal page and nothing of the device", async () => {
    await useSessionOf(browser, platform, 'communeA');
    const other = platform.tenants.B.device;
    const otherState = await platform.call('GET', `/api/v1/devices/${other}`, { key: platform.keys.operator });
    expect(otherState.status).toBe(200);
    const { page, errors } = await openPage(browser, platform, `/equipements/${other}`);
    try {
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Équipement introuvable ou hors de votre périmètre');
      const main = (await page.locator('main').textContent())!;
      expect(main).not.toContain(other);
      expect(main).not.toContain(platform.tenants.B.tenant);
      expect(await page.locator('dl, svg, table').count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'device-refused');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a device page shows its record, latest state, history chart and open alarms', async () => {
    await useSessionOf(browser, platform, 'communeA');
    const device = platform.tenants.A.device;
    const alarm = await insertAlarm(platform.db, platform.tenants.A);
    const { page, errors } = await openPage(browser, platform, `/equipements/${device}`);
    try {
      await expect.poll(() => page.locator('main h1').textContent()).toContain(device);
      await page.locator('#history-0 svg[role="img"]').waitFor();
      const label = (await page.locator('#history-0 svg[role="img"]').getAttribute('aria-label'))!;
      expect(label).toContain('8 valeurs entre 50 % et 100 %');
      const levels = await page.locator('#history-0 .chart-data tbody td').allTextContents();
      expect(levels).toEqual(['100', '100', '100', '100', '50', '50', '50', '50']);
      expect(await page.locator('[data-state="telemetry"]').textContent()).toContain('Niveau50');
      // Its open alarms, each linked to the alarm's page: those the API gives (telegestion may have raised its own).
      await page.locator(`.alarm-list a[href="#/alarmes/${alarm}"]`).waitFor();
      const open = await platform.call('GET', `/api/v1/alarms?device=${device}&state=open`, { key: platform.keys.communeA });
      const links = await attributesOf(page.locator('.alarm-list a'), 'href');
      expect(links.every((href) => open.body.alarms.some((a: { id: number }) => href === `#/alarmes/${a.id}`))).toBe(true);

      // 7 days: the same readings, still raw (a luminaire's 7 days are under 1,000 points).
      await page.getByRole('button', { name: '7 jours' }).click();
      await expect.poll(() => page.getByRole('button', { name: '7 jours' }).getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => page.locator('#history-0 .chart-data tbody tr').count()).toBe(8);
      // 30 days: hourly means, as the API downsamples.
      await page.getByRole('button', { name: '30 jours' }).click();
      await expect.poll(() => page.locator('p.as-of').textContent()).toMatch(/moyennes? par pas de 1h/);

      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'device');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an override of 40 % for 1 h set in the page is the command the API holds, its state shown', async () => {
    await useSessionOf(browser, platform, 'communeA');
    const device = platform.tenants.A.device;
    const { page, errors } = await openPage(browser, platform, `/equipements/${device}`);
    try {
      await page.getByLabel('Niveau (%, de 0 à 100)').fill('40');
      await page.getByLabel('Durée').selectOption({ label: '1 heure' });
      const before = Date.now();
      await page.getByRole('button', { name: 'Envoyer le forçage' }).click();
      const shown = page.locator('[data-command]');
      await shown.waitFor();
      const cmdId = (await shown.getAttribute('data-command'))!;
      const command = await platform.call('GET', `/api/v1/commands/${cmdId}`, { key: platform.keys.communeA });
      expect(command.status).toBe(200);
      expect(command.body).toMatchObject({ device, body: { level_pct: 40 }, reason: 'override' });
      const expires = Date.parse(command.body.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
      // The page follows the command: its state is the API's (the page polls every 2 s).
      await expect
        .poll(async () => {
          const now = await platform.call('GET', `/api/v1/commands/${cmdId}`, { key: platform.keys.communeA });
          return (await page.locator('[data-status]').getAttribute('data-status')) === now.body.status;
        }, { timeout: 10_000 })
        .toBe(true);
      expect(await page.locator('[data-status]').textContent()).toMatch(/^(En file d’attente|Envoyée, en attente d’acquittement|Acquittée par l’équipement|Échouée|Expirée)$/);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'device-override');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('an operator opens the same device page in English', async () => {
    await useSessionOf(browser, platform, 'operator');
    const { page, errors } = await openPage(browser, platform, `/equipements/${platform.tenants.B.device}`);
    try {
      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('#registry-title').textContent()).toBe('Record');
      expect(await page.locator('main').textContent()).toContain(platform.tenants.B.tenant);
      await screenshot(page, 'device-en');
      await page.getByRole('button', { name: 'Français' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
