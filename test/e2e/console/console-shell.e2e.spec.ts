/**
 * The console served by the all-in-one at `/`, in Debian's Chromium against the real
 * stack: its headers, French first and English on request, keyboard use, and the pages of
 * a person not signed in (sign-in, invitation, password reset) with no serious
 * accessibility violation and no error in the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';
import { expectNoSeriousA11yViolations, launchBrowser, screenshot, type TestBrowser, type WatchedPage } from '../../support/browser';

describe('the console shell', () => {
  let platform: ApiPlatform;
  let browser: TestBrowser;

  beforeAll(async () => {
    platform = await startApiPlatform('console-shell');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  /** A fresh tab on `#<path>`, once the page's title is shown. */
  async function open(path: string): Promise<WatchedPage> {
    const watched = await browser.newPage();
    await watched.page.goto(`${platform.url}/#${path}`);
    await watched.page.locator('main h1').waitFor();
    return watched;
  }

  it('serves the shell at / under a strict Content-Security-Policy, and its assets with their caching', async () => {
    const shell = await fetch(`${platform.url}/`);
    const html = await shell.text();
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = shell.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(shell.headers.get('x-content-type-options')).toBe('nosniff');
    expect(shell.headers.get('referrer-policy')).toBe('no-referrer');
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    expect(html).toContain('<html lang="fr">');

    const vendor = /"preact":"(\/assets\/vendor\/preact@[^"]+)"/.exec(html)?.[1];
    expect(vendor).toBeDefined();
    const module = await fetch(`${platform.url}${vendor}`);
    expect(module.status).toBe(200);
    expect(module.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(module.headers.get('cache-control')).toMatch(/max-age=31536000, immutable/);

    const app = await fetch(`${platform.url}/assets/app/main.js`);
    expect(app.status).toBe(200);
    expect(app.headers.get('cache-control')).toBe('no-cache');
    expect(app.headers.get('content-encoding')).toBe('gzip');
    expect(await app.text()).toContain("from 'preact'");
    const again = await fetch(`${platform.url}/assets/app/main.js`, { headers: { 'if-none-match': app.headers.get('etag')! } });
    expect(again.status).toBe(304);

    expect((await fetch(`${platform.url}/assets/app/nothing.js`)).status).toBe(404);
    expect((await fetch(`${platform.url}/assets/../package.json`)).status).toBe(404);
  });

  it('leaves /api, /metrics and /health as they were', async () => {
    expect((await platform.call('GET', '/api/v1/openapi.json')).body.openapi).toBe('3.1.0');
    expect((await platform.call('GET', '/api/v1/me')).status).toBe(401);
    expect((await platform.call('GET', '/api/v1/me', { key: platform.keys.communeA })).body.key.role).toBe('commune');
    const health = await fetch(`${platform.url}/health`);
    expect(health.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${platform.url}/metrics`)).headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('opens in French on the sign-in page, switches to English and keeps the choice', async () => {
    const { page, errors } = await open('/');
    try {
      await expect.poll(() => page.evaluate('location.hash')).toBe('#/connexion');
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('main h1').textContent()).toBe('Connexion');
      expect(await page.title()).toBe('Connexion · Hyperviseur');

      await page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('main h1').textContent()).toBe('Sign in');
      expect(await page.getByLabel('Password').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');

      await page.reload();
      await page.locator('main h1').waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('main h1').textContent()).toBe('Sign in');
      await screenshot(page, 'login-en');

      await page.getByRole('button', { name: 'Français' }).click();
      await expect.poll(() => page.locator('main h1').textContent()).toBe('Connexion');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await browser.forgetVisitor();
    }
  });

  it('is usable with the keyboard: skip link first, then the form in order, and the form says what is missing', async () => {
    const { page, errors } = await open('/connexion');
    try {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Aller au contenu');
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement.id')).toBe('contenu');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('email');
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement.id')).toBe('password');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Saisissez votre adresse e-mail et votre mot de passe.');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says "page not found" for an unknown route, and sends a visitor to sign in for a page that needs a session', async () => {
    const { page, errors } = await open('/nulle-part');
    try {
      expect(await page.locator('main h1').textContent()).toBe('Page introuvable');
      await page.goto(`${platform.url}/#/`);
      await expect.poll(() => page.evaluate('location.hash')).toBe('#/connexion');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  const anonymousPages = [
    { name: 'login', path: '/connexion', title: 'Connexion' },
    { name: 'password-reset-request', path: '/mot-de-passe-oublie', title: 'Mot de passe oublié' },
    { name: 'password-reset-confirm', path: '/reinitialisation/jeton-de-test', title: 'Choisir un nouveau mot de passe' },
    { name: 'invitation', path: '/invitation/jeton-de-test', title: 'Bienvenue dans Hyperviseur' },
  ];
  for (const { name, path, title } of anonymousPages) {
    it(`${name} (#${path}): no serious accessibility violation, no error in the page, a screenshot`, async () => {
      const { page, errors } = await open(path);
      try {
        expect(await page.locator('main h1').textContent()).toBe(title);
        await expectNoSeriousA11yViolations(page);
        await screenshot(page, name);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it('checks the new password on the page before sending it: 12 characters, typed twice alike', async () => {
    const { page, errors } = await open('/invitation/jeton-de-test');
    try {
      await page.getByLabel('Nouveau mot de passe').fill('trop-court');
      await page.getByLabel('Confirmez le mot de passe').fill('trop-court');
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Le mot de passe doit compter au moins 12 caractères.');
      await page.getByLabel('Nouveau mot de passe').fill('un mot de passe assez long');
      await page.getByLabel('Confirmez le mot de passe').fill('un autre mot de passe long');
      await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Les deux mots de passe ne sont pas identiques.');
      await expectNoSeriousA11yViolations(page);
      await screenshot(page, 'invitation-error');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
