/**
 * The console's users page in Debian's Chromium against the real stack: an EPCI invites a
 * person of one of its communes (the invitation reaches a real SMTP receiver), is offered
 * only the roles and collectivités it may give, sees the API's refusals next to their
 * field, and disables and enables an account; an operator may give every role; a commune
 * has no such page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPlatform, type ApiPlatform, type KeyName } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser, type WatchedPage } from '../../support/browser';
import { openSignedIn } from '../../support/console-pages';
import { plainText, startSmtp } from '../../support/smtp';
import { waitFor } from '../../support/wait';

describe('the users page', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    smtp = await startSmtp();
    platform = await startApiPlatform('console-users', { HV_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await smtp?.close();
  });

  /** A tab signed in as the platform's person `who` (a session of its own), on `#<path>` once its title shows. */
  const openAs = (who: KeyName, path: string): Promise<WatchedPage> => openSignedIn(browser, platform, who, path);

  const values = (page: WatchedPage['page'], selector: string) =>
    page.locator(`${selector} option`).evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));

  it('an EPCI invites a person of one of its communes: only its roles and collectivités are offered, the e-mail goes out', async () => {
    const { A, A2 } = platform.tenants;
    const { page, errors } = await openAs('epciA', '/utilisateurs');
    try {
      expect(await page.locator('main h1').textContent()).toBe('Utilisateurs');
      expect(await page.getByRole('navigation').getByRole('link', { name: 'Utilisateurs' }).getAttribute('aria-current')).toBe('page');
      // The accounts of the EPCI and its communes, as the API lists them for it.
      const listed = (await platform.call('GET', '/api/v1/users', { session: platform.sessions.epciA })).body.users as Array<{ email: string }>;
      await page.locator('tr[data-user]').first().waitFor();
      expect((await page.locator('tr[data-user]').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { user: string } }).dataset.user))).sort()).toEqual(listed.map((u) => u.email).sort());
      expect(listed.map((u) => u.email)).not.toContain(platform.emails.communeB);

      expect(await values(page, '#user-role')).toEqual(['', 'epci', 'commune']);
      await page.getByLabel('Rôle').selectOption('commune');
      await page.getByLabel('Collectivité').waitFor();
      // The EPCI's member communes, as the API lists them for it: Laon and A2, never Saint-Quentin.
      const members = (await platform.call('GET', '/api/v1/tenants?kind=commune', { session: platform.sessions.epciA })).body.tenants.map((x: { id: string }) => x.id) as string[];
      expect(members).toEqual(expect.arrayContaining([A.tenant, A2.tenant]));
      expect((await values(page, '#user-tenant')).sort()).toEqual(['', ...members].sort());
      expect(await values(page, '#user-tenant')).not.toContain(platform.tenants.B.tenant);
      await page.getByLabel('Rôle').selectOption('epci');
      expect(await values(page, '#user-tenant')).toEqual(['', platform.epciA]);
      await page.getByLabel('Rôle').selectOption('commune');

      await page.getByLabel('Adresse e-mail').fill('agent.voirie@laon.example');
      await page.getByLabel('Nom').fill('Charlie Voirie');
      await page.getByLabel('Collectivité').selectOption(A.tenant);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'users-create-filled');
      await page.getByRole('button', { name: 'Créer le compte et inviter' }).click();
      await expect.poll(() => page.locator('main [role="status"]').textContent()).toBe('Compte créé : l’invitation a été envoyée à agent.voirie@laon.example.');
      const row = page.locator('tr[data-user="agent.voirie@laon.example"]');
      expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['Charlie Voirie', 'Commune', 'Laon', 'Invité', 'Jamais']));

      const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('agent.voirie@laon.example')), Boolean, 10_000);
      expect(plainText(mail!.raw)).toMatch(/\/#\/invitation\/[A-Za-z0-9_-]{20,}/);
      const created = (await platform.call('GET', '/api/v1/users', { key: platform.keys.operator })).body.users.find((u: { email: string }) => u.email === 'agent.voirie@laon.example');
      expect(created).toMatchObject({ name: 'Charlie Voirie', role: 'commune', tenant: A.tenant, state: 'invited', createdBy: expect.stringMatching(/^E2E epciA \(user /) });

      // Again, and then off and on.
      await page.getByRole('button', { name: 'Renvoyer l’invitation de Charlie Voirie' }).click();
      await expect.poll(() => page.locator('main [role="status"]').textContent()).toBe('Nouvelle invitation envoyée à agent.voirie@laon.example : le lien précédent ne sert plus.');
      await waitFor(() => smtp.mails.filter((m) => m.to.includes('agent.voirie@laon.example')).length, (n) => n >= 2, 10_000);
      await page.getByRole('button', { name: 'Désactiver le compte de Charlie Voirie' }).click();
      await expect.poll(() => row.locator('.badge').textContent()).toBe('Désactivé');
      expect(await page.locator('main [role="status"]').textContent()).toBe('Le compte de Charlie Voirie est désactivé : ses sessions sont closes.');
      expect((await platform.call('GET', `/api/v1/users/${created.id}`, { key: platform.keys.operator })).body.state).toBe('disabled');
      await screenshot(page, 'users-disabled');
      await page.getByRole('button', { name: 'Réactiver le compte de Charlie Voirie' }).click();
      await expect.poll(() => row.locator('.badge').textContent()).toBe('Invité');
      expect((await platform.call('GET', `/api/v1/users/${created.id}`, { key: platform.keys.operator })).body.state).toBe('invited');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'users-epci');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it("the API's refusals show next to their field, and what is missing is said before sending", async () => {
    const { page, errors } = await openAs('epciA', '/utilisateurs');
    try {
      await page.getByRole('button', { name: 'Créer le compte et inviter' }).click();
      await expect.poll(() => page.locator('main form [role="alert"]').textContent()).toBe('Corrigez les champs signalés.');
      expect(await page.locator('#user-email-error').textContent()).toBe('Ce champ est obligatoire.');
      expect(await page.locator('#user-role-error').textContent()).toBe('Ce champ est obligatoire.');

      await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
      await page.getByLabel('Nom').fill('Quelqu’un');
      await page.getByLabel('Rôle').selectOption('commune');
      await page.getByLabel('Collectivité').selectOption(platform.tenants.A2.tenant);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${platform.url}/api/v1/users` && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Créer le compte et inviter' }).click(),
      ]);
      expect(answer.status()).toBe(400);
      await expect.poll(() => page.locator('#user-email-error').textContent()).toBe('Adresse e-mail refusée par le serveur (must be an e-mail address).');
      expect(await page.getByLabel('Adresse e-mail').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Adresse e-mail').getAttribute('aria-describedby')).toBe('user-email-error');
      expect(await page.locator('#user-name-error').count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'users-field-errors');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('an operator may give every role, a tenant only to the roles that have one', async () => {
    const { page, errors } = await openAs('operator', '/utilisateurs');
    try {
      await page.locator('tr[data-user]').first().waitFor();
      expect(await values(page, '#user-role')).toEqual(['', 'operator', 'epci', 'commune', 'cdn', 'public']);
      await page.getByLabel('Rôle').selectOption('cdn');
      expect(await page.locator('#user-tenant').count()).toBe(0);
      await page.getByLabel('Rôle').selectOption('epci');
      expect((await values(page, '#user-tenant')).length).toBeGreaterThan(2);
      expect(await page.locator(`tr[data-user="${platform.emails.communeB}"]`).count()).toBe(1);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'users-operator');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('a commune has no users page: not in its navigation, and its address shows the refusal', async () => {
    const { page, errors } = await openAs('communeA', '/');
    try {
      await page.locator('[data-kpi="devices-total"]').waitFor();
      expect(await page.getByRole('navigation').getByRole('link').allTextContents()).not.toContain('Utilisateurs');
      await page.goto(`${platform.url}/#/utilisateurs`);
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Accès refusé');
      expect(await page.locator('main table').count()).toBe(0);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'users-refused-commune');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });
});
