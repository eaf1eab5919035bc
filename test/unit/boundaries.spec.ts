import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The boundary check (.dependency-cruiser.cjs) run for real: on a small fixture tree laid
// out like the repository, where each backwards import must be reported, and on the
// repository itself, which must pass.

const root = resolve(__dirname, '../..');
const config = join(root, '.dependency-cruiser.cjs');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

const FIXTURE: Record<string, string> = {
  'libs/contracts/src/index.ts': "import { api } from '@hv/api';\nexport const contracts = api;\n",
  'libs/contracts/src/index.spec.ts': "import { api } from '@hv/api';\nexport const fromSpec = api;\n",
  'libs/api/src/index.ts': "import { contracts } from '@hv/contracts';\nexport const api = 1;\nexport const c = contracts;\n",
  'libs/rules/src/index.ts': "import { lighting } from '@hv/lighting';\nexport const rules = lighting;\n",
  'libs/rules/src/lost.ts': "import { x } from '@hv/nowhere';\nexport const lost = x;\n",
  'libs/lighting/src/index.ts': "import { rules } from '../../rules/src/index';\nexport const lighting = 1;\nexport const r = rules;\n",
  'libs/state/src/index.ts': "import { main } from '../../../apps/api/src/main';\nexport const state = main;\n",
  'libs/newcomer/src/index.ts': "import { contracts } from '@hv/contracts';\nexport const newcomer = contracts;\n",
  'apps/api/src/main.ts': "import { api } from '@hv/api';\nexport const main = api;\n",
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'bundler',
      paths: Object.fromEntries(
        ['contracts', 'api', 'rules', 'lighting', 'state', 'newcomer'].map((lib) => [`@hv/${lib}`, [`./libs/${lib}/src/index.ts`]]),
      ),
    },
  }),
};

function cruise(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [depcruise, '--config', config, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

describe('dependency boundaries', () => {
  let fixture: string;
  let violations: Violation[];

  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'hv-boundaries-'));
    for (const [path, text] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    }
    const run = cruise(fixture, '--output-type', 'json', 'libs', 'apps');
    expect(run.stdout, run.stderr).toContain('"summary"');
    violations = (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  }, 120_000);

  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  const rulesOf = (from: string) =>
    violations.filter((v) => v.from === from).map((v) => `${v.rule.severity} ${v.rule.name} → ${v.to}`).sort();

  it('reports a bottom lib importing a top one through its alias', () => {
    expect(rulesOf('libs/contracts/src/index.ts')).toEqual(['error lib-contracts → libs/api/src/index.ts']);
  });

  it('reports a backwards import written as a relative path', () => {
    expect(rulesOf('libs/lighting/src/index.ts')).toEqual(['error lib-lighting → libs/rules/src/index.ts']);
  });

  it('reports a lib importing an app', () => {
    expect(rulesOf('libs/state/src/index.ts')).toEqual([
      'error lib-state → apps/api/src/main.ts',
      'error libs-not-to-apps → apps/api/src/main.ts',
    ]);
  });

  it('reports a lib missing from the matrix and an alias tsconfig.json does not map', () => {
    expect(rulesOf('libs/newcomer/src/index.ts')).toEqual(['error lib-not-in-matrix → libs/contracts/src/index.ts']);
    expect(rulesOf('libs/rules/src/lost.ts')).toEqual(['error hv-alias-resolves → @hv/nowhere']);
  });

  it('lets allowed edges, apps and specs through', () => {
    for (const from of ['libs/rules/src/index.ts', 'libs/api/src/index.ts', 'apps/api/src/main.ts', 'libs/contracts/src/index.spec.ts']) {
      expect(rulesOf(from)).toEqual([]);
    }
  });

  it('passes on the repository itself (the command npm test runs)', () => {
    const run = spawnSync('npm', ['run', '--silent', 'boundaries'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.stdout + run.stderr).toMatch(/\(0 errors?,|no dependency violations found/);
    expect(run.status).toBe(0);
  }, 120_000);
});
