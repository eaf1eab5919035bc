// The npm registry reachable from the build machines only mirrors the Linux builds of
// @swc/core's platform packages, so `npm install` writes a lock file without the macOS and
// Windows entries and `npm ci` then refuses it ("Missing: @swc/core-darwin-arm64 from lock
// file"). This adds the missing optional entries (version, os, cpu only): npm ci skips them
// on a platform they do not fit and fetches them by name@version where they do.
// Run after `npm install` changes the lock file: node infra/tools/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORMS = {
  'darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'linux-arm-gnueabihf': { os: ['linux'], cpu: ['arm'] },
  'linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  'linux-arm64-musl': { os: ['linux'], cpu: ['arm64'], libc: ['musl'] },
  'linux-ppc64-gnu': { os: ['linux'], cpu: ['ppc64'], libc: ['glibc'] },
  'linux-s390x-gnu': { os: ['linux'], cpu: ['s390x'], libc: ['glibc'] },
  'linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  'linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  'win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
  'win32-ia32-msvc': { os: ['win32'], cpu: ['ia32'] },
  'win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};

const file = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const m = /^@swc\/core-(.+)$/.exec(dep);
    if (!m || !PLATFORMS[m[1]]) continue;
    const key = `${path ? `${path}/` : ''}node_modules/${dep}`.replace(/^node_modules\/@swc\/core\/node_modules\//, 'node_modules/');
    if (lock.packages[key]) continue;
    lock.packages[key] = { version, dev: entry.dev, optional: true, ...PLATFORMS[m[1]], license: 'Apache-2.0 AND MIT', engines: { node: '>=10' } };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lock: added ${added} platform entries`);
