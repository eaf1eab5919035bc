/**
 * A person in the console, in Debian's Chromium against the real stack: invited, chooses a
 * password, signs in; the overview counts what the API counts for the same scope (a commune
 * sees its own devices only); signing out ends the session on the server; a wrong password
 * is said as such, and too many lock the sign-in with the wait shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SCRYPT_COST, UserRepository, type ApiRole } from '@hv/state';
import { insertAlarm, startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser, type WatchedPage } from '../../support/browser';

const PASSWORD = 'un mot de passe de console';
const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;

describe('signed in to the console', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;
  let users: UserRepository;

  beforeAll(async () => {
    platform = await startApiPlatform('console-session');
    users = new UserRepository(platform.db);
    browser = await launchBrowser();
    // Active alarms of two tenants, so that a commune's count differs from the operator's.
    await insertAlarm(platform.db, platform.tenants.A);
    await insertAlarm(platform.db, platform.tenants.B);
    await insertAlarm(platform.db, platform.tenants.B);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function person(email: string, name: string, role: ApiRole, tenant: string | null, password: string | null = PASSWORD) {
    const user = await users.create({ email, name, role, tenant, createdBy: 'e2e' });
    if (password) await users.setPassword(user.id, password, TEST_SCRYPT_COST);
    return user;
  }

  async function open(path: string): Promise<WatchedPage> {
    const watched = await browser.newPage();
    await watched.page.goto(`${platform.url}/#${path}`);
    await watched.page.locator('main h1').waitFor();
    return watched;
  }

  async function signIn({ page }: WatchedPage, email: string, password = PASSWORD): Promise<void> {
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  }

  const figure = (page: WatchedPage['page'], kpi: string) => page.locator(`[data-kpi="${kpi}"]`).textContent();
  /** As the page prints numbers in French (narrow no-break space between thousands). */
  const fr = (n: number) => new Intl.NumberFormat('fr').format(n);
  const apiCount = async (path: string, key: string) => {
    const res = await platform.call('GET', path, { key });
    expect(res.status).toBe(200);
    return res.body.total as number;
  };

  it('an operator signs in, sees every device and the active alarms by severity, and signing out ends the session', async () => {
    await person('exploitation@useda.example', 'Camille Exploitante', 'operator', null);
    const watched = await open('/connexion');
    const { page, errors } = watched;
    try {
      await signIn(watched, 'exploitation@useda.example');
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Vue d’ensemble');
      await page.locator('[data-kpi="devices-total"]').waitFor();
      expect(await page.locator('.user-name').textContent()).toBe('Camille Exploitante');
      expect(await page.locator('.user-scope').textContent()).toBe('Exploitant');

      const devices = await apiCount('/api/v1/devices?limit=1', platform.keys.operator);
      expect(devices).toBeGreaterThan(0);
      expect(await figure(page, 'devices-total')).toBe(fr(devices));
      expect(await figure(page, 'devices-lighting')).toBe(fr(devices));
      for (const severity of SEVERITIES) {
        const expected = await apiCount(`/api/v1/alarms?state=active&severity=${severity}&limit=1`, platform.keys.operator);
        expect(await figure(page, `alarms-${severity}`), severity).toBe(fr(expected));
      }
      expect(await figure(page, 'alarms-major')).toBe(fr(3));
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'overview-operator');

      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Overview');
      expect(await page.locator('#devices-title').textContent()).toBe('Connected objects');
      await screenshot(page, 'overview-operator-en');
      await page.getByRole('button', { name: 'Français' }).click();

      const cookie = (await browser.context.cookies(platform.url)).find((c) => c.name === 'hv_session');
      expect(cookie?.httpOnly).toBe(true);
      const current = await platform.call('GET', '/api/v1/session', { headers: { cookie: `hv_session=${cookie!.value}` } });
      expect(current.status).toBe(200);
      const [signOut] = await Promise.all([
        page.waitForRequest((r) => r.url().endsWith('/api/v1/session') && r.method() === 'DELETE'),
        page.getByRole('button', { name: 'Se déconnecter' }).click(),
      ]);
      expect(signOut.headers()['x-csrf-token']).toBe(current.body.csrfToken);
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Connexion');
      expect(await page.getByRole('status').textContent()).toBe('Vous êtes déconnecté.');
      expect((await platform.call('GET', '/api/v1/session', { headers: { cookie: `hv_session=${cookie!.value}` } })).status).toBe(401);
      expect((await platform.call('GET', '/api/v1/devices', { headers: { cookie: `hv_session=${cookie!.value}` } })).status).toBe(401);
      // Back to a page that needs a session: the sign-in page again.
      await page.goto(`${platform.url}/#/`);
      await expect.poll(() => page.evaluate('location.hash')).toBe('#/connexion');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it("a commune's person sees its commune's devices and alarms only", async () => {
    const { A, B } = platform.tenants;
    await person('mairie@laon.example', 'Dominique Secrétaire', 'commune', A.tenant);
    const watched = await open('/connexion');
    const { page, errors } = watched;
    try {
      await signIn(watched, 'mairie@laon.example');
      await page.locator('[data-kpi="devices-total"]').waitFor();
      await expect.poll(() => page.locator('.user-scope').textContent()).toBe('Commune · Laon');
      expect(await page.locator('main .scope').textContent()).toBe('Laon');

      const own = await apiCount(`/api/v1/devices?tenant=${A.tenant}&limit=1`, platform.keys.operator);
      const all = await apiCount('/api/v1/devices?limit=1', platform.keys.operator);
      expect(own).toBeGreaterThan(0);
      expect(own).toBeLessThan(all);
      expect(await figure(page, 'devices-total')).toBe(fr(own));
      expect(await figure(page, 'alarms-major')).toBe(fr(await apiCount(`/api/v1/alarms?state=active&severity=major&tenant=${A.tenant}&limit=1`, platform.keys.operator)));
      expect(await figure(page, 'alarms-major')).not.toBe(fr(await apiCount(`/api/v1/alarms?state=active&severity=major&tenant=${B.tenant}&limit=1`, platform.keys.operator)));
      // Exactly the pages a commune opens: no users' page, no département report.
      const links = await page.getByRole('navigation').getByRole('link').allTextContents();
      expect(links).toEqual(['Vue d’ensemble', 'Alarmes', 'Équipements', 'Éclairage', 'Économies', 'Qualité des données', 'Qualité de l’air', 'Stationnement', 'Données ouvertes']);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'overview-commune');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('the navigation and the overview follow the role: the CDN counts every device but sees no alarm; the public role lands on open data', async () => {
    await person('numerique@aisne.example', 'Lou Département', 'cdn', null);
    await person('opendata@aisne.example', 'Robin Réutilisateur', 'public', null);
    const cdn = await open('/connexion');
    try {
      await signIn(cdn, 'numerique@aisne.example');
      await cdn.page.locator('[data-kpi="devices-total"]').waitFor();
      expect(await figure(cdn.page, 'devices-total')).toBe(fr(await apiCount('/api/v1/devices?limit=1', platform.keys.operator)));
      expect(await cdn.page.locator('#alarms-title').count()).toBe(0);
      await screenshot(cdn.page, 'overview-cdn');
      expect(cdn.errors).toEqual([]);
    } finally {
      await cdn.page.close();
      await browser.forgetVisitor();
    }
    const reuser = await open('/connexion');
    try {
      await signIn(reuser, 'opendata@aisne.example');
      // No overview for the public role: it lands on open data, the one page of its navigation.
      await expect.poll(() => reuser.page.locator('main h1').textContent()).toBe('Données ouvertes');
      expect(await reuser.page.evaluate('location.hash')).toBe('#/donnees-ouvertes');
      expect(await reuser.page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Données ouvertes']);
      expect(await reuser.page.locator('.user-scope').textContent()).toBe('Données ouvertes');
      await expectNoSeriousA11yViolations(reuser.page);
      await screenshot(reuser.page, 'opendata-landing-public');
      expect(reuser.errors).toEqual([]);
    } finally {
      await reuser.page.close();
      await browser.forgetVisitor();
    }
  });

  it('an invited person chooses a password from the link, then signs in with it', async () => {
    const user = await person('technicien@cc-laon.example', 'Alex Technicien', 'epci', platform.epciA, null);
    const { token } = await users.issueToken(user.id, 'invitation', 3_600_000);
    const watched = await open(`/invitation/${token}`);
    const { page, errors } = watched;
    try {
      await page.getByLabel('Nouveau mot de passe').fill('la nuit tous les chats sont gris');
      await page.getByLabel('Confirmez le mot de passe').fill('la nuit tous les chats sont gris');
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Connexion');
      expect(await page.getByRole('status').textContent()).toBe('Mot de passe enregistré. Vous pouvez vous connecter.');
      await signIn(watched, 'technicien@cc-laon.example', 'la nuit tous les chats sont gris');
      await page.locator('[data-kpi="devices-total"]').waitFor();
      expect(await page.locator('.user-name').textContent()).toBe('Alex Technicien');

      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }

    // The link served once: a second use is refused on the page.
    const again = await open(`/invitation/${token}`);
    try {
      await again.page.getByLabel('Nouveau mot de passe').fill('un autre mot de passe long');
      await again.page.getByLabel('Confirmez le mot de passe').fill('un autre mot de passe long');
      await again.page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await expect.poll(() => again.page.getByRole('alert').textContent()).toMatch(/^Ce lien d’invitation n’est plus valable/);
      expect(again.errors).toEqual([]);
    } finally {
      await again.page.close();
    }
  });

  it('a password reset: the request answers alike for any address, the link sets a new password', async () => {
    const user = await person('voirie@laon.example', 'Sam Voirie', 'commune', platform.tenants.A.tenant);
    const watched = await open('/mot-de-passe-oublie');
    const { page, errors } = watched;
    try {
      await page.getByLabel('Adresse e-mail').fill('personne@nulle-part.example');
      await page.getByRole('button', { name: 'Envoyer le lien' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^Si cette adresse correspond à un compte/);
      await screenshot(page, 'password-reset-sent');

      const { token } = await users.issueToken(user.id, 'reset', 3_600_000);
      await page.goto(`${platform.url}/#/reinitialisation/${token}`);
      await page.getByLabel('Nouveau mot de passe').fill('un tout nouveau mot de passe');
      await page.getByLabel('Confirmez le mot de passe').fill('un tout nouveau mot de passe');
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Connexion');
      await signIn(watched, 'voirie@laon.example', 'un tout nouveau mot de passe');
      await page.locator('[data-kpi="devices-total"]').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  // Last: it locks an account, and counts failures against the address every test shares.
  it('a wrong password is said as such; too many lock the sign-in, with the wait shown', async () => {
    await person('elu@laon.example', 'Claude Élu', 'commune', platform.tenants.A.tenant);
    const watched = await open('/connexion');
    const { page, errors } = watched;
    /** Submits the form and returns what the alert region says once the API has answered. */
    const attempt = async (password: string) => {
      await page.getByLabel('Mot de passe', { exact: true }).fill(password);
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Se connecter' }).click(),
      ]);
      await expect.poll(() => page.getByRole('alert').textContent()).not.toBe('');
      return (await page.getByRole('alert').textContent()) ?? '';
    };
    try {
      await page.getByLabel('Adresse e-mail').fill('elu@laon.example');
      expect(await attempt('pas le bon mot de passe')).toBe('Adresse e-mail ou mot de passe incorrect.');
      let message = '';
      for (let n = 2; n <= 6 && !message.startsWith('Trop d’essais'); n++) message = await attempt('pas le bon mot de passe');
      expect(message).toMatch(/^Trop d’essais infructueux : la connexion est bloquée\. Réessayez dans \d+ minutes\.$/);
      // Locked even with the right password now.
      expect(await attempt(PASSWORD)).toMatch(/^Trop d’essais/);
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'login-locked');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
