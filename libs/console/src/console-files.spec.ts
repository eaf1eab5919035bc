import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { consoleRoot, loadConsoleBundle } from './console-files';

describe('the console bundle', () => {
  const bundle = loadConsoleBundle();
  const index = bundle.index.body.toString('utf8');

  it('allows exactly the inline import map, by its hash, and no other inline script', () => {
    const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(index)?.[1];
    expect(importMap).toBeDefined();
    const hash = createHash('sha256').update(importMap!, 'utf8').digest('base64');
    expect(bundle.contentSecurityPolicy).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(index.match(/<script(?![^>]*\bsrc=)(?![^>]*type="importmap")/g)).toBeNull();
  });

  it('serves every module the import map names, under a URL carrying its version', () => {
    const { imports } = JSON.parse(/<script type="importmap">(.*?)<\/script>/s.exec(index)![1]!) as { imports: Record<string, string> };
    expect(Object.keys(imports).sort()).toEqual(['htm', 'preact', 'preact/hooks']);
    for (const url of Object.values(imports)) {
      expect(url).toMatch(/^\/assets\/vendor\/[a-z-]+@\d+\.\d+\.\d+\//);
      expect(bundle.assets.get(url)?.immutable).toBe(true);
    }
  });

  it('serves the files that index.html names, and not index.html a second time', () => {
    for (const [, url] of index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) expect(bundle.assets.has(url!), url).toBe(true);
    expect(bundle.assets.has('/assets/index.html')).toBe(false);
    expect(bundle.assets.get('/assets/app/main.js')?.immutable).toBe(false);
  });

  it('has the same message keys in French and in English', async () => {
    const load = async (lang: string) => ((await import(pathToFileURL(join(consoleRoot(), 'libs/console/public/app/i18n', `${lang}.js`)).href)) as { default: Record<string, unknown> }).default;
    const [fr, en] = await Promise.all([load('fr'), load('en')]);
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    expect(Object.keys(fr).length).toBeGreaterThan(50);
  });
});
