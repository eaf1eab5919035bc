import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

/** One file the console serves, read once at start-up (the whole console is about 100 KB). */
export interface ConsoleFile {
  body: Buffer;
  contentType: string;
  etag: string;
  /** The same bytes gzipped, compressed once at start-up; absent when that saves nothing (images). */
  gzip?: { body: Buffer; etag: string };
  /** Versioned vendor files never change under their URL; the console's own files may. */
  immutable: boolean;
}

/** The third-party ES modules the pages import, served from node_modules under a versioned URL. */
const VENDOR_MODULES = [
  { specifier: 'preact', pkg: 'preact', file: 'dist/preact.mjs' },
  { specifier: 'preact/hooks', pkg: 'preact', file: 'hooks/dist/hooks.mjs' },
  { specifier: 'htm', pkg: 'htm', file: 'dist/htm.mjs' },
] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Where index.html puts the import map (a comment, so the template is valid HTML as is). */
const IMPORT_MAP_SLOT = '<!-- import map -->';

export interface ConsoleBundle {
  index: ConsoleFile;
  /** By URL path, `/assets/…`. */
  assets: ReadonlyMap<string, ConsoleFile>;
  contentSecurityPolicy: string;
}

/**
 * Reads the console (`libs/console/public/`) and its vendor modules, and builds index.html
 * with an import map naming the vendor URLs. The import map is inline (browsers take no
 * external one), so the Content-Security-Policy allows exactly its hash and no other
 * inline script.
 */
export function loadConsoleBundle(root: string = consoleRoot()): ConsoleBundle {
  const publicDir = join(root, 'libs', 'console', 'public');
  const assets = new Map<string, ConsoleFile>();
  for (const path of filesUnder(publicDir)) {
    const url = `/assets/${relative(publicDir, path).split(sep).join('/')}`;
    if (url === '/assets/index.html') continue;
    assets.set(url, fileOf(readFileSync(path), extname(path), false));
  }

  const imports: Record<string, string> = {};
  for (const vendor of VENDOR_MODULES) {
    const pkgDir = join(root, 'node_modules', ...vendor.pkg.split('/'));
    const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
    const url = `/assets/vendor/${vendor.pkg}@${version}/${vendor.file}`;
    imports[vendor.specifier] = url;
    assets.set(url, fileOf(readFileSync(join(pkgDir, vendor.file)), '.mjs', true));
    // The source map the module names, for a developer's browser tools.
    const map = join(pkgDir, `${vendor.file}.map`);
    if (existsSync(map)) assets.set(`${url}.map`, fileOf(readFileSync(map), '.map', true));
  }

  const importMap = JSON.stringify({ imports });
  const template = readFileSync(join(publicDir, 'index.html'), 'utf8');
  if (!template.includes(IMPORT_MAP_SLOT)) throw new Error(`${publicDir}/index.html: no "${IMPORT_MAP_SLOT}" slot`);
  // Every module of the shell (app/, its components and dictionaries, the vendor modules) is
  // announced at once: without it, each level of imports waited for the one above (a
  // first visit fetched the shell in six round trips). Pages stay lazy: each route loads its own.
  const preload = [...assets.keys()]
    .filter((url) => /\.m?js$/.test(url) && (url.startsWith('/assets/app/') || url.startsWith('/assets/vendor/')))
    .sort()
    .map((url) => `<link rel="modulepreload" href="${url}">`)
    .join('\n');
  const index = fileOf(Buffer.from(template.replace(IMPORT_MAP_SLOT, `<script type="importmap">${importMap}</script>\n${preload}`)), '.html', false);
  return { index, assets, contentSecurityPolicy: contentSecurityPolicy(importMap) };
}

/** Everything from this origin only; the one inline script is the import map, allowed by its SHA-256. */
export function contentSecurityPolicy(importMap: string): string {
  const hash = createHash('sha256').update(importMap, 'utf8').digest('base64');
  return [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The folder holding `libs/console/public` and `node_modules`: the repository root, found
 * upwards from this file, so that the same code serves the console from the sources (tests)
 * and from `dist/libs/console/src` after `npm run build` (tsc copies no assets).
 */
export function consoleRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, 'libs', 'console', 'public', 'index.html')) && existsSync(join(dir, 'node_modules'))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`console: no ancestor of ${__dirname} or ${process.cwd()} holds libs/console/public/index.html and node_modules`);
}

function fileOf(body: Buffer, extension: string, immutable: boolean): ConsoleFile {
  const contentType = CONTENT_TYPES[extension];
  if (!contentType) throw new Error(`console: no content type for ${extension} files`);
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  const gzipped = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
  return {
    body,
    contentType,
    immutable,
    etag: `"${tag}"`,
    ...(gzipped.length < body.length * 0.9 ? { gzip: { body: gzipped, etag: `"${tag}-gz"` } } : {}),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
