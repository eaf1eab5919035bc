// Dependency boundaries, checked by `npm run boundaries` (part of `npm test`). The lib
// matrix below is the one docs/ARCHITECTURE.md ("Allowed dependencies")
// describes: each lib names the libs it may import; anything else is an error. Imports are
// resolved through tsconfig.json's path aliases, so `@hv/x` and a relative path into
// libs/x count alike, and type-only imports count too.
//
// Specs and a lib's `src/testing/` helpers are test code: they may use simulators and
// test support, but never an app.

/** lib → the libs it may import (itself always). */
const LIBS = {
  contracts: [],
  cache: [],
  'civil-time': ['contracts'],
  'air-index': ['contracts'],
  'energy-pricing': ['contracts'],
  config: ['contracts'],
  observability: ['contracts', 'config'],
  timeseries: ['contracts', 'config', 'observability'],
  state: ['contracts', 'config', 'observability', 'cache'],
  lighting: ['contracts', 'civil-time'],
  rules: ['contracts', 'lighting', 'civil-time', 'air-index', 'energy-pricing'],
  broker: ['contracts', 'config', 'observability', 'state', 'cache'],
  uplink: ['contracts', 'config', 'observability', 'state', 'cache'],
  ingest: ['contracts', 'config', 'observability', 'state', 'cache', 'timeseries', 'uplink'],
  telegestion: [
    'contracts', 'config', 'observability', 'state', 'cache', 'timeseries', 'uplink',
    'lighting', 'rules', 'civil-time', 'air-index', 'energy-pricing',
  ],
  aggregates: [
    'contracts', 'config', 'observability', 'state', 'timeseries',
    'lighting', 'rules', 'civil-time', 'air-index', 'energy-pricing',
  ],
  kpis: [
    'contracts', 'config', 'observability', 'state', 'cache', 'timeseries',
    'lighting', 'rules', 'civil-time', 'air-index', 'energy-pricing',
  ],
  notifier: [
    'contracts', 'config', 'observability', 'state',
    'lighting', 'rules', 'civil-time', 'air-index', 'energy-pricing',
  ],
  api: [
    'contracts', 'config', 'observability', 'state', 'cache', 'timeseries',
    'lighting', 'rules', 'civil-time', 'air-index', 'energy-pricing',
    'kpis', 'notifier', 'telegestion',
  ],
  // The web console: static files; it reaches the data through the public HTTP API only.
  console: [],
  // Development tooling (local services, provisioning): the demo, bench and tests use it.
  devkit: ['contracts', 'config', 'state', 'lighting'],
};

/** Outside libs/: what simulators may import (they run without the services). */
const SIMULATORS = ['contracts', 'lighting', 'civil-time'];

const TEST_CODE = ['\\.spec\\.ts$', '/src/testing/'];
const alternatives = (names) => names.map((n) => n.replace(/-/g, '\\-')).join('|');
const KNOWN = alternatives(Object.keys(LIBS));

const libRules = Object.entries(LIBS).map(([lib, allowed]) => {
  return {
    name: `lib-${lib}`,
    comment: `@hv/${lib} may import only: ${allowed.join(', ') || 'nothing of ours'}`,
    severity: 'error',
    from: { path: `^libs/${lib}/`, pathNot: TEST_CODE },
    to: {
      path: '^(libs|apps|simulators|dashboards|bench|test)/',
      pathNot: [`^libs/(${alternatives([lib, ...allowed])})/`, ...(lib === 'devkit' ? ['^simulators/'] : [])],
    },
  };
});

module.exports = {
  forbidden: [
    ...libRules,
    {
      name: 'lib-not-in-matrix',
      comment: 'a new lib imports our code: add it to LIBS in .dependency-cruiser.cjs and to docs/ARCHITECTURE.md',
      severity: 'error',
      from: { path: '^libs/([^/]+)/', pathNot: [`^libs/(${KNOWN})/`] },
      to: { path: '^(libs|apps|simulators|dashboards|bench|test)/', pathNot: ['^libs/$1/'] },
    },
    {
      name: 'libs-not-to-apps',
      comment: 'libs never import apps (specs included)',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-to-other-apps',
      comment: 'an app imports libs, its own files and apps/common only',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: ['^apps/$1/', '^apps/common/'] },
    },
    {
      name: 'apps-not-to-tooling',
      comment: 'apps never import bench, test or dashboards',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^(bench|test|dashboards)/' },
    },
    {
      name: 'only-demo-uses-devkit',
      comment: 'devkit and simulators: only the all-in-one (its demo), bench, tests and devkit',
      severity: 'error',
      from: { path: '^apps/', pathNot: ['^apps/all-in-one/'] },
      to: { path: '^(libs/devkit|simulators)/' },
    },
    {
      name: 'simulators-boundary',
      comment: `simulators may import only: ${SIMULATORS.join(', ')}`,
      severity: 'error',
      from: { path: '^simulators/', pathNot: TEST_CODE },
      to: {
        path: '^(libs|apps|dashboards|bench|test)/',
        pathNot: [`^libs/(${alternatives(SIMULATORS)})/`],
      },
    },
    {
      name: 'dashboards-boundary',
      comment: 'dashboards import libs only',
      severity: 'error',
      from: { path: '^dashboards/', pathNot: TEST_CODE },
      to: { path: '^(apps|simulators|bench|test)/' },
    },
    {
      name: 'hv-alias-resolves',
      comment: 'an @hv/ import that tsconfig.json does not map',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^@hv/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.hv)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
