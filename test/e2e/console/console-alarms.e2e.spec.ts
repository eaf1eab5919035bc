/**
 * The console's alarms pages in Debian's Chromium against the real stack: a fault a
 * commune's gateway publishes over MQTT appears in the open inbox without a reload; it is
 * acknowledged, assigned and cleared from its page, with comments the API then shows in its
 * history; a commune sees none of another commune's alarms, not even by typing an id; the
 * filters live in the address; alarms another one explains show under it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '@hv/contracts';
import { connectGateway } from '@hv/simulators';
import { insertAlarm, startApiPlatform, type ApiPlatform, type KeyName } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser, type WatchedPage } from '../../support/browser';
import { openSignedIn } from '../../support/console-pages';

describe('the alarms pages', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;
  let gateway: MqttClient;
  /** An open alarm of commune B, which commune A must never see. */
  let alarmOfB: number;

  beforeAll(async () => {
    platform = await startApiPlatform('console-alarms');
    browser = await launchBrowser();
    alarmOfB = await insertAlarm(platform.db, platform.tenants.B);
    const gw = platform.tp.gateways.find((g) => g.tenant === platform.tenants.A.tenant)!;
    gateway = await connectGateway(platform.tp.platform!.brokerUrl, gw.username, gw.password, { clientId: `console-alarms-${process.pid}` });
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await browser?.close();
    await platform?.stop();
  });

  /** A tab signed in as the platform's person `who` (a session of its own), on `#<path>` once its title shows. */
  const openAs = (who: KeyName, path: string): Promise<WatchedPage> => openSignedIn(browser, platform, who, path);

  const api = async (path: string, key: string) => {
    const res = await platform.call('GET', `/api/v1/${path}`, { key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('a fault published by a commune\'s gateway appears in the open inbox within 15 s, without a reload, and is announced', async () => {
    const { A } = platform.tenants;
    const { page, errors } = await openAs('communeA', '/alarmes');
    try {
      expect(await page.locator('main h1').textContent()).toBe('Alarmes');
      await page.locator('#alarms-results').waitFor();
      expect(await page.locator(`tr[data-alarm="${alarmOfB}"]`).count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarms-list-before');
      // Marks this document: a reload or a navigation would lose it.
      await page.evaluate('window.hvSameDocument = true');
      await page.locator('#filter-severity').focus();

      const sentAt = Date.now();
      await gateway.publishAsync(deviceTopic(A.tenant, 'lighting', A.device, 'event'), JSON.stringify({ ts: sentAt, seq: 1, event: 'fault_raised', code: 'lamp_failure' }), { qos: 1 });
      const row = page.locator('tr', { hasText: 'Lampe en panne' }).filter({ hasText: A.device });
      await row.waitFor({ timeout: 15_000 });
      expect(Date.now() - sentAt).toBeLessThan(15_000);
      expect(await page.evaluate('window.hvSameDocument')).toBe(true);
      expect(await page.evaluate('location.hash')).toBe('#/alarmes');
      // The person's place is kept: the focus stayed on the filter it was on.
      expect(await page.evaluate('document.activeElement.id')).toBe('filter-severity');
      expect(await page.locator('[data-live="alarms"]').getAttribute('aria-live')).toBe('polite');
      expect(await page.locator('[data-live="alarms"]').textContent()).toBe(`Nouvelle alarme : Lampe en panne sur ${A.device} (Laon).`);
      expect(await row.locator('.badge-new').textContent()).toBe('Nouvelle');

      const listed = await api(`alarms?device=${A.device}&type=lamp_failure&state=open`, platform.keys.communeA);
      expect(listed.total).toBe(1);
      expect(await row.getAttribute('data-alarm')).toBe(String(listed.alarms[0].id));
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarms-list-live');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('asks nothing while the tab is hidden, and catches up as soon as it is shown again', async () => {
    const { page, errors } = await openAs('communeA', '/alarmes');
    try {
      await page.locator('#alarms-results').waitFor();
      const asked: number[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/v1/alarms') asked.push(Date.now());
      });
      // As a browser does when the tab goes to the background.
      await page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); document.dispatchEvent(new Event('visibilitychange'))`);
      await new Promise((r) => setTimeout(r, 11_000));
      expect(asked).toEqual([]);
      const shownAt = Date.now();
      await page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => false }); document.dispatchEvent(new Event('visibilitychange'))`);
      await expect.poll(() => asked.length).toBeGreaterThan(0);
      expect(asked[0]! - shownAt).toBeLessThan(1_000);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('acknowledging, assigning and clearing from the alarm\'s page, each with a comment, is what the API then shows', async () => {
    const { A } = platform.tenants;
    const [alarm] = (await api(`alarms?device=${A.device}&type=lamp_failure&state=open`, platform.keys.communeA)).alarms;
    expect(alarm.state).toBe('active');
    const { page, errors } = await openAs('communeA', '/alarmes');
    try {
      await page.locator(`tr[data-alarm="${alarm.id}"] a`).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe(`Alarme n° ${alarm.id} : Lampe en panne`);
      expect(await page.locator('[data-fact="device"] dd').textContent()).toBe(A.device);
      expect(await page.locator('[data-fact="commune"] dd').textContent()).toBe(`Laon (${A.tenant})`);
      expect(await page.locator('[data-fact="source"] dd').textContent()).toBe('Signalée par l’objet');
      expect(await page.locator('table.history tbody tr').first().textContent()).toContain('Levée');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarm-detail-active');

      const action = async (button: string, done: string, comment?: string) => {
        if (comment) await page.getByLabel('Commentaire (facultatif)').fill(comment);
        const [request] = await Promise.all([
          page.waitForRequest((r) => r.url().startsWith(`${platform.url}/api/v1/alarms/${alarm.id}/`) && r.method() === 'POST'),
          page.getByRole('button', { name: button, exact: true }).click(),
        ]);
        expect(request.headers()['x-csrf-token']).toMatch(/.{16,}/);
        await expect.poll(() => page.locator('main [role="status"]').textContent()).toBe(done);
      };

      await action('Acquitter', 'Alarme acquittée.', 'Vu, équipe prévenue');
      let stored = await api(`alarms/${alarm.id}`, platform.keys.communeA);
      expect(stored.state).toBe('acknowledged');
      expect(stored.acknowledgedBy).toMatch(/^E2E communeA \(user [a-z2-7]{16}\)$/);
      expect(stored.history).toContainEqual(expect.objectContaining({ event: 'acknowledged', actor: stored.acknowledgedBy, comment: 'Vu, équipe prévenue' }));
      expect(await page.locator('[data-fact="state"] dd').textContent()).toBe('Acquittée');
      expect(await page.getByRole('button', { name: 'Acquitter', exact: true }).count()).toBe(0);

      await page.getByLabel('Assigner à').fill('Régie voirie');
      await action('Assigner', 'Alarme assignée.');
      stored = await api(`alarms/${alarm.id}`, platform.keys.communeA);
      expect(stored.assignee).toBe('Régie voirie');
      expect(await page.locator('table.history tbody tr[data-event="assigned"]').textContent()).toContain('Régie voirie');

      await action('Ajouter le commentaire', 'Commentaire ajouté.', 'Lampe commandée');
      await action('Clore l’alarme', 'Alarme close.', 'Lampe remplacée');
      stored = await api(`alarms/${alarm.id}`, platform.keys.communeA);
      expect(stored.state).toBe('cleared');
      expect(stored.clearedBy).toBe(stored.acknowledgedBy);
      expect(stored.history.map((e: { event: string }) => e.event)).toEqual(['raised', 'acknowledged', 'assigned', 'commented', 'cleared']);
      expect(stored.history.at(-1)).toMatchObject({ event: 'cleared', comment: 'Lampe remplacée' });
      expect(stored.history.at(-2)).toMatchObject({ event: 'commented', comment: 'Lampe commandée' });

      // The page's history says the same, on the Paris clock, the comments with their events.
      const rows = page.locator('table.history tbody tr');
      expect(await rows.count()).toBe(5);
      expect(await page.locator('tr[data-event="cleared"] td.comment').textContent()).toBe('Lampe remplacée');
      const paris = new Intl.DateTimeFormat('fr', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(stored.history.at(-1).at));
      expect(await page.locator('tr[data-event="cleared"] td').first().textContent()).toBe(paris);
      expect(await page.getByRole('button', { name: 'Clore l’alarme' }).count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarm-detail-cleared');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('an action the alarm\'s state no longer allows (409) is said on the page, which shows the state it is in', async () => {
    const id = await insertAlarm(platform.db, platform.tenants.A);
    const { page, errors } = await openAs('communeA', `/alarmes/${id}`);
    try {
      await page.getByRole('button', { name: 'Acquitter', exact: true }).waitFor();
      // Someone else acknowledges it meanwhile.
      expect((await platform.call('POST', `/api/v1/alarms/${id}/acknowledge`, { key: platform.keys.epciA, body: {} })).status).toBe(200);
      await page.getByRole('button', { name: 'Acquitter', exact: true }).click();
      await expect.poll(() => page.locator('main [role="alert"]').textContent()).toMatch(/^Action impossible dans l’état actuel de l’alarme/);
      await expect.poll(() => page.locator('[data-fact="state"] dd').textContent()).toBe('Acquittée');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarm-detail-conflict');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it("a commune sees none of another commune's alarms: not in the list, not in the commune filter, not by a typed address", async () => {
    const { A, B } = platform.tenants;
    const { page, errors } = await openAs('communeA', '/alarmes?state=all');
    try {
      await page.locator('#alarms-results').waitFor();
      const options = await page.locator('#filter-tenant option').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
      expect(options).toEqual(['', A.tenant]);
      const shown = await page.locator('tbody tr[data-alarm]').evaluateAll((els) => els.map((e) => Number((e as unknown as { dataset: { alarm: string } }).dataset.alarm)));
      const own = await api('alarms?limit=100', platform.keys.communeA);
      expect(shown.sort()).toEqual(own.alarms.map((a: { id: number }) => a.id).sort());
      expect(shown).not.toContain(alarmOfB);
      expect(await page.locator('main').textContent()).not.toContain(B.device);

      await page.goto(`${platform.url}/#/alarmes/${alarmOfB}`);
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Alarme introuvable');
      expect(await page.locator('main').textContent()).not.toContain(B.device);
      expect(await page.locator('main dl').count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarm-not-found-commune');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('the filters are kept in the address: a reload keeps them, and the list is what the API answers for them', async () => {
    const { page, errors } = await openAs('operator', '/alarmes?state=all&severity=major');
    try {
      await page.locator('#alarms-results').waitFor();
      expect(await page.locator('#filter-state').inputValue()).toBe('all');
      expect(await page.locator('#filter-severity').inputValue()).toBe('major');
      await page.locator('#filter-tenant').selectOption(platform.tenants.B.tenant);
      await expect.poll(() => page.evaluate('location.hash')).toBe(`#/alarmes?severity=major&tenant=${platform.tenants.B.tenant}&state=all`);
      await page.locator('#filter-unassigned').check();
      await expect.poll(() => page.evaluate('location.hash')).toContain('assignee=-');
      const expected = await api(`alarms?severity=major&tenant=${platform.tenants.B.tenant}&assignee=-&limit=25`, platform.keys.operator);
      await expect.poll(() => page.locator('#alarms-results').textContent()).toBe(`${expected.total} ${expected.total > 1 ? 'alarmes' : 'alarme'}`);
      expect(await page.locator(`tr[data-alarm="${alarmOfB}"]`).count()).toBe(1);

      await page.reload();
      // If the list does not come back after the reload, the failure says what the page showed instead.
      await page.locator('#alarms-results').waitFor().catch(async (error: Error) => {
        await screenshot(page, 'alarms-after-reload-failure');
        throw new Error(`${error.message}\npage: ${await page.locator('body').innerText().catch(() => '?')}\nerrors: ${errors.join('; ')}`);
      });
      expect(await page.locator('#filter-tenant').inputValue()).toBe(platform.tenants.B.tenant);
      expect(await page.locator('#filter-severity').inputValue()).toBe('major');
      expect(await page.locator('#filter-unassigned').isChecked()).toBe(true);
      expect(await page.locator(`tr[data-alarm="${alarmOfB}"]`).count()).toBe(1);

      await page.getByRole('button', { name: 'Réinitialiser les filtres' }).click();
      await expect.poll(() => page.evaluate('location.hash')).toBe('#/alarmes');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarms-operator');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('pages through the inbox, newest first, and shows the alarms another explains under it when asked', async () => {
    const { A2 } = platform.tenants;
    const parent = await insertAlarm(platform.db, A2);
    const { rows } = await platform.db.query<{ id: number }>(
      `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, parent_id)
       VALUES ($1, $2, 'lighting', $3, 'fault', 'minor', 'detected', now(), $4) RETURNING id::int`,
      [A2.tenant, A2.device, `e2e_child_${process.pid}`, parent],
    );
    const child = rows[0]!.id;
    for (let i = 0; i < 26; i++) await insertAlarm(platform.db, platform.tenants.B);

    const { page, errors } = await openAs('epciA', '/alarmes');
    try {
      await page.locator('#alarms-results').waitFor();
      expect(await page.locator(`tr[data-alarm="${child}"]`).count()).toBe(0);
      await page.getByLabel('Montrer les alarmes expliquées par une autre').check();
      await page.locator(`tr[data-alarm="${child}"]`).waitFor();
      // Right below the alarm that explains it, marked as such.
      const order = await page.locator('tbody tr[data-alarm]').evaluateAll((els) => els.map((e) => Number((e as unknown as { dataset: { alarm: string } }).dataset.alarm)));
      expect(order.indexOf(child)).toBe(order.indexOf(parent) + 1);
      expect(await page.locator(`tr[data-alarm="${child}"]`).getAttribute('class')).toContain('child');
      expect(await page.locator(`tr[data-alarm="${child}"]`).textContent()).toContain(`Expliquée par l’alarme n° ${parent}`);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'alarms-explained');

      await page.goto(`${platform.url}/#/alarmes/${parent}`);
      await page.locator('#alarm-explains').waitFor();
      expect(await page.locator('ul.explains a').allTextContents()).toEqual([`Alarme n° ${child}`]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }

    // The operator has more than a page: 25 a page, newest first, the next page on request.
    const operator = await openAs('operator', '/alarmes');
    try {
      const all = await api('alarms?state=open&limit=50', platform.keys.operator);
      expect(all.total).toBeGreaterThan(25);
      await operator.page.locator('[data-range]').waitFor();
      expect(await operator.page.locator('[data-range]').textContent()).toBe(`1 à 25 sur ${all.total}`);
      const first = await operator.page.locator('tbody tr[data-alarm]').first().getAttribute('data-alarm');
      expect(Number(first)).toBe(all.alarms[0].id);
      await operator.page.getByRole('button', { name: 'Page suivante' }).click();
      await expect.poll(() => operator.page.locator('[data-range]').textContent()).toBe(`26 à ${all.total} sur ${all.total}`);
      expect(await operator.page.evaluate('location.hash')).toBe('#/alarmes?offset=25');
      expect(await operator.page.evaluate('document.activeElement.id')).toBe('alarms-results');
      expect(Number(await operator.page.locator('tbody tr[data-alarm]').first().getAttribute('data-alarm'))).toBe(all.alarms[25].id);
      await expectNoSeriousA11yViolations(operator.page);
      await screenshot(operator.page, 'alarms-page-2');

      await operator.page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => operator.page.locator('main h1').textContent()).toBe('Alarms');
      expect(await operator.page.locator('[data-range]').textContent()).toBe(`26 to ${all.total} of ${all.total}`);
      await screenshot(operator.page, 'alarms-page-2-en');
      await operator.page.getByRole('button', { name: 'Français' }).click();
      expect(operator.errors).toEqual([]);
    } finally {
      await operator.page.close();
      await browser.forgetVisitor();
    }
    expect(errors).toEqual([]);
  });
});
