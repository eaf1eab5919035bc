/**
 * Debian's Chromium driven by playwright-core, for the console's end-to-end tests. The
 * browser is the distribution's package (`bash infra/services.sh install chromium`, run
 * here when it is missing), never a download of a test tool. Each launch has a fresh
 * profile in a temporary folder, removed at close; pages are screenshot into
 * `.hv/screenshots/` (git-ignored) for a person to look at, and checked with axe-core.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium, repoRoot } from '@hv/devkit';

export { CHROMIUM, ensureChromium } from '@hv/devkit';

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab, whose console errors and uncaught exceptions are collected in `errors`. */
  newPage(): Promise<WatchedPage>;
  /** Forgets cookies and site storage: the next page starts as a new visitor. */
  forgetVisitor(): Promise<void>;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far (expected API refusals left out). */
  errors: string[];
}

export async function launchBrowser(): Promise<TestBrowser> {
  const { context, close } = await launchChromium();
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      return { page, errors: watchErrors(page) };
    },
    async forgetVisitor() {
      await context.clearCookies();
      for (const page of context.pages()) await page.evaluate('localStorage.clear()').catch(() => undefined);
    },
    close,
  };
}

/**
 * Collects what a person with the developer tools open would see as errors. Chromium
 * logs every HTTP error answer of a fetch ("Failed to load resource: … status of 401"):
 * those of the API under 500 are the console's normal flow (not signed in, a wrong
 * password) and the page shows them itself, so they are left out; anything else counts.
 */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    if (/status of 4\d\d/.test(message.text()) && new URL(where || 'about:blank', 'http://x').pathname.startsWith('/api/v1/')) return;
    errors.push(`console: ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Writes `.hv/screenshots/<name>.png` (the whole page) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(repoRoot(), '.hv', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

let axeSource: string | undefined;

/**
 * Runs axe-core in the page and fails listing each serious or critical violation (rule,
 * impact, help and the elements). Evaluated through the DevTools protocol, which the
 * page's Content-Security-Policy does not apply to: the console itself allows no inline script.
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  axeSource ??= readFileSync(join(repoRoot(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // Strings, not functions: the tests are type-checked without the DOM's types.
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as AxeViolation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')}`)).toEqual([]);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}
