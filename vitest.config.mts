import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

// Path aliases come from tsconfig.json's "paths" (read with TypeScript's own parser, which
// accepts comments), so a new lib is declared once.
function tsconfigAliases(): Record<string, string> {
  const file = resolve(root, 'tsconfig.json');
  const { config, error } = ts.parseConfigFileTextToJson(file, readFileSync(file, 'utf8'));
  if (error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const paths = (config?.compilerOptions?.paths ?? {}) as Record<string, string[]>;
  return Object.fromEntries(
    Object.entries(paths).map(([name, targets]) => {
      if (name.includes('*') || targets.length !== 1) throw new Error(`tsconfig.json paths: "${name}" must map one exact name to one file`);
      return [name, resolve(root, targets[0])];
    }),
  );
}
const alias = tsconfigAliases();

// SWC emits the decorator metadata NestJS's injector needs (esbuild does not).
const plugins = [swc.vite({ module: { type: 'es6' } })];

// The integration and e2e suites share one InfluxDB, PostgreSQL and Mosquitto, and some of
// them stop those services on purpose (fault tests): their files run one after another
// (vitest puts every file of a project without file parallelism into one sequential group).
// Both projects name the same global setup: the first starts the services, the second finds
// them running; teardown runs once at the end of the run.
const services = {
  environment: 'node',
  globalSetup: ['test/support/global-setup.ts'],
  fileParallelism: false,
  testTimeout: 180_000,
  hookTimeout: 180_000,
} as const;

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'simulators/**/*.spec.ts', 'dashboards/**/*.spec.ts', 'apps/**/*.spec.ts', 'test/unit/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins,
        resolve: { alias },
        test: { name: 'integration', include: ['test/integration/**/*.spec.ts'], ...services },
      },
      {
        plugins,
        resolve: { alias },
        // A page in the browser waits on the real stack (a password is a 32 MiB scrypt run,
        // ≈ 0.3 s idle and several times that on a loaded CI machine): expect.poll waits up
        // to 15 s, not its default 1 s, before a page is judged wrong.
        test: { name: 'e2e', include: ['test/e2e/**/*.spec.ts'], ...services, expect: { poll: { timeout: 15_000 } } },
      },
    ],
  },
});
