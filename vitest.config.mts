import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

// Path aliases mirror tsconfig.json's "paths" (one entry per lib).
const libs = ['contracts', 'devkit', 'config', 'timeseries', 'state', 'broker', 'uplink', 'ingest', 'observability', 'lighting', 'rules', 'telegestion', 'aggregates', 'kpis', 'api', 'notifier'];
const alias: Record<string, string> = Object.fromEntries(
  libs.map((lib) => [`@hv/${lib}`, resolve(root, `libs/${lib}/src/index.ts`)]),
);
alias['@hv/simulators'] = resolve(root, 'simulators/src/index.ts');

// SWC emits the decorator metadata NestJS's injector needs (esbuild does not).
const plugins = [swc.vite({ module: { type: 'es6' } })];

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
        test: {
          name: 'integration',
          include: ['test/integration/**/*.spec.ts', 'test/e2e/**/*.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          // The suites share one InfluxDB, PostgreSQL and Mosquitto and some of them stop
          // those services on purpose (fault tests): run the files one after another.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
