/**
 * Debian's Chromium driven by playwright-core, for the console's end-to-end tests. The
 * browser is the distribution's package (`bash infra/services.sh install chromium`, run
 * here when it is missing), never a download of a test tool. Each launch has a fresh
 * profile in a temporary folder, removed at close; pages are screenshot into
 * `.hv/screenshots/` (git-ignored) for a person to look at, and checked with axe-core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from '@hv/devkit';

export const CHROMIUM = '/usr/bin/chromium';

/** No GPU, sandbox or background traffic: a container running as root, with no network but loopback. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

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

/** Installs Debian's chromium when it is missing (apt-get, through the project's script). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const run = spawnSync('bash', [join(repoRoot(), 'infra', 'services.sh'), 'install', 'chromium'], { stdio: 'inherit' });
  if (run.status !== 0 || !existsSync(CHROMIUM)) throw new Error(`could not install chromium (infra/services.sh install chromium exited ${run.status})`);
}

export async function launchBrowser(): Promise<TestBrowser> {
  ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'hv-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
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
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
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
