import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { repoRoot } from './local-services';

/** Debian's Chromium (`bash infra/services.sh install chromium`), never a test tool's download. */
export const CHROMIUM = '/usr/bin/chromium';

/** No GPU, sandbox or background traffic: a container running as root, with no network but loopback. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when it is missing (apt-get, through the project's script). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const run = spawnSync('bash', [join(repoRoot(), 'infra', 'services.sh'), 'install', 'chromium'], { stdio: 'inherit' });
  if (run.status !== 0 || !existsSync(CHROMIUM)) throw new Error(`could not install chromium (infra/services.sh install chromium exited ${run.status})`);
}

/**
 * Chromium driven by playwright-core (loaded here only: the demo never needs it), with a
 * fresh profile in a temporary folder that `close` removes.
 */
export async function launchChromium(options: { width?: number; height?: number } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  ensureChromium();
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'hv-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
