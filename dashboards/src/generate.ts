import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { BOARDS } from './boards';

/** Where the generated boards are committed (and where the dashboard provider points). */
export const GENERATED_DIR = join(__dirname, '..', '..', '..', 'dashboards', 'generated');

/** Every board as Grafana JSON (schema 42), keyed by file name; stable: same code, same bytes. */
export function generateBoards(): Map<string, string> {
  const out = new Map<string, string>();
  for (const make of BOARDS) {
    const built: dashboard.Dashboard = make().build();
    out.set(`${built.uid}.json`, `${JSON.stringify(built, null, 2)}\n`);
  }
  return out;
}

/** `npm run dashboards`: writes the JSON; `--check` fails when the committed files differ. */
function main(): void {
  const check = process.argv.includes('--check');
  mkdirSync(GENERATED_DIR, { recursive: true });
  let stale = 0;
  for (const [name, json] of generateBoards()) {
    const path = join(GENERATED_DIR, name);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // not generated yet
    }
    if (current === json) continue;
    stale++;
    if (check) console.error(`${path} differs from the code: run npm run dashboards`);
    else writeFileSync(path, json);
  }
  console.log(check ? `${stale} stale board(s)` : `${stale} board(s) written to ${GENERATED_DIR}`);
  if (check && stale) process.exitCode = 1;
}

if (require.main === module) main();
