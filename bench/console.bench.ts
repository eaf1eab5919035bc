/**
 * `npm run bench -- console`: the web console in headless Chromium over the "aisne" fleet's
 * registry (95,580 devices in 797 communes, registered for real, no MQTT credentials) and
 * 10,000 active alarms (inserted as telegestion leaves them, one per device drawn across the
 * fleet), served by `apps/api` as deployed, in its own process.
 *
 * An operator signs in once (the session cookie is then given to every load). Each load is
 * a new tab with the HTTP cache disabled (a first visit, the worst case) that opens a page and
 * waits until its figures are on screen: the overview until its device and alarm tiles hold
 * their numbers ("interactive"), the alarms page until its first rows are listed. `--loads`
 * (20) of each after one warm-up load, p50/p95/max. The baseline, measured the same way in
 * the same run: the sign-in page (the shell, its scripts and styles, no data). The bytes of
 * JavaScript and CSS the overview's load transferred (as served: gzip) give `bundle_kb_gz`.
 * Targets: overview p95 ≤ 1,500 ms, alarms p95 ≤ 500 ms, bundle ≤ 300 KB.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureServices, influxIdent, influxQuery, launchChromium, localPortOffset, provisionFleet, startNodeApp, stopServices, type AppProcess } from '@hv/devkit';
import { aisneFleet } from '@hv/simulators';
import { Database, TEST_SCRYPT_COST, UserRepository } from '@hv/state';
import { BENCH_ENV, dropPgDatabase, freshPgDatabase, percentile } from './bench-env';

const SEED = 'bench-console';
const ENV = BENCH_ENV;
const DB = 'hv_bench_console';
const API_PORT = 18391;
const ALARMS = 10_000;
const TARGETS = { overview_p95_ms: 1_500, alarms_p95_ms: 500, bundle_kb_gz: 300 };
/** What "ready" is on each page: its figures or rows are on screen. */
const READY = {
  login: 'form input[type="password"]',
  overview: '[data-kpi="devices-total"], [data-kpi="alarms-critical"]',
  alarms: 'table.alarms-table tbody tr[data-alarm]',
};
const log = (s: string) => console.log(`[bench console] ${s}`);

export async function benchConsole(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args: argv, options: { loads: { type: 'string', default: '20' }, pages: { type: 'string', default: 'overview,alarms' } } });
  const loads = Number(values.loads);
  const pages = new Set(values.pages.split(','));
  const fleet = aisneFleet({ seed: SEED });
  const started = await ensureServices(['influxdb', 'postgres'], ENV);
  let api: AppProcess | undefined;
  let db: Database | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    const pgUrl = await freshPgDatabase(DB);
    db = new Database(pgUrl, { max: 2 });
    let t0 = Date.now();
    await provisionFleet(db, fleet.devices, { seed: SEED, credentials: false });
    const alarms = await seedActiveAlarms(db, ALARMS);
    await db.query('VACUUM ANALYZE devices, alarms');
    const email = 'exploitant@bench.hyperviseur.localhost';
    const password = 'bench console password';
    const users = new UserRepository(db);
    const user = await users.create({ email, name: 'Exploitant', role: 'operator', tenant: null, createdBy: 'bench' });
    await users.setPassword(user.id, password, TEST_SCRYPT_COST);
    log(`registry: ${fleet.devices.length} devices, ${alarms} active alarms, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    await influxQuery(ENV.influxUrl, `DROP DATABASE ${influxIdent(DB)}`);
    await influxQuery(ENV.influxUrl, `CREATE DATABASE ${influxIdent(DB)}`);
    const port = API_PORT + localPortOffset();
    api = startNodeApp('apps/api/src/main.js', { HV_PG_URL: pgUrl, HV_INFLUX_URL: ENV.influxUrl, HV_INFLUX_DB: DB, HV_HTTP_PORT: String(port), HV_LOG_LEVEL: 'log' }, 'api');
    await api.waitFor(/api up/);
    const baseUrl = `http://127.0.0.1:${port}`;
    const login = await fetch(`${baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (login.status !== 200) throw new Error(`sign-in refused: HTTP ${login.status} ${await login.text()}`);
    const cookie = /hv_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error('sign-in set no session cookie');

    browser = await launchChromium();
    // One persistent context (Debian's Chromium through launchChromium), reset before each load.
    const visitor = async (signedIn: boolean): Promise<BrowserContext> => {
      const ctx = browser!.context;
      await ctx.clearCookies();
      if (signedIn) await ctx.addCookies([{ name: 'hv_session', value: cookie, url: baseUrl, httpOnly: true, sameSite: 'Strict' }]);
      return ctx;
    };
    const measure = async (name: keyof typeof READY, path: string, signedIn: boolean): Promise<{ ms: number[]; bytes: number }> => {
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i <= loads; i++) {
        const ctx = await visitor(signedIn);
        const page = await ctx.newPage();
        // No HTTP cache: every asset is fetched, as on a first visit.
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        const transferred = countAssets(page);
        const calls = timeApiCalls(page);
        const t = performance.now();
        await page.goto(`${baseUrl}${path}`);
        await page.waitForSelector(READY[name], { timeout: 30_000 });
        const elapsed = performance.now() - t;
        if (i > 0) ms.push(elapsed);
        if (i === loads) {
          bytes = await transferred();
          // The page's own clock: navigation, DOM ready, and when the figures were found on screen.
          const nav = (await page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0]; return { response: n.responseEnd, dom: n.domContentLoadedEventEnd, now: performance.now() }; })()",
          )) as { response: number; dom: number; now: number };
          log(`${name}: in the page, html ${round(nav.response)} ms, DOM ready ${round(nav.dom)} ms, figures found by ${round(nav.now)} ms (wall ${round(elapsed)} ms)`);
          // Where the last load's time went: its API requests, slowest first.
          log(`${name}: API requests of the last load: ${(await calls()).slice(0, 6).map((c) => `${c.path} ${round(c.ms)} ms`).join('; ') || 'none'}`);
        }
        await page.close();
        await cdp.detach().catch(() => undefined);
      }
      ms.sort((a, b) => a - b);
      log(`${name}: p50 ${round(percentile(ms, 0.5))} ms, p95 ${round(percentile(ms, 0.95))} ms, max ${round(ms[ms.length - 1]!)} ms over ${ms.length} loads; scripts and styles ${round(bytes / 1024)} KB`);
      return { ms, bytes };
    };

    t0 = Date.now();
    const baseline = await measure('login', '/#/connexion', false);
    const none = { ms: [] as number[], bytes: 0 };
    const overview = pages.has('overview') ? await measure('overview', '/#/', true) : none;
    const alarmsPage = pages.has('alarms') ? await measure('alarms', '/#/alarmes', true) : none;
    log(`measured in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const p95 = (m: { ms: number[] }) => round(percentile(m.ms, 0.95));
    const result = {
      bench: 'console',
      devices: fleet.devices.length,
      alarms,
      loads,
      overview_p50_ms: round(percentile(overview.ms, 0.5)),
      overview_p95_ms: p95(overview),
      alarms_p50_ms: round(percentile(alarmsPage.ms, 0.5)),
      alarms_p95_ms: p95(alarmsPage),
      bundle_kb_gz: round(overview.bytes / 1024),
      baseline_login_p95_ms: p95(baseline),
      overview_over_baseline: round(p95(overview) / p95(baseline)),
      targets: TARGETS,
      cpu: cpus()[0]?.model,
      cores: cpus().length,
    };
    return result;
  } finally {
    await browser?.close().catch(() => undefined);
    await api?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await dropPgDatabase(DB).catch(() => undefined);
    await influxQuery(ENV.influxUrl, `DROP DATABASE ${influxIdent(DB)}`).catch(() => undefined);
    await stopServices(started, ENV);
  }
}

/** `count` active alarms on as many devices drawn across the fleet, of the types and severities telegestion raises for them. */
async function seedActiveAlarms(db: Database, count: number): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, state, since, raised_at)
     SELECT tenant_id, id, domain,
       CASE domain WHEN 'lighting' THEN 'lamp_failure' WHEN 'heating' THEN 'low_pressure' WHEN 'parking' THEN 'battery_low' ELSE 'sensor_fault' END,
       'fault',
       (ARRAY['critical', 'major', 'major', 'minor', 'minor', 'info'])[1 + abs(hashtext(id)) % 6],
       'detected', 'active', now() - interval '1 minute' * (abs(hashtext(id || 'since')) % 43200), now() - interval '1 minute' * (abs(hashtext(id || 'since')) % 43200)
     FROM devices ORDER BY hashtext(id || $1) LIMIT $2`,
    [SEED, count],
  );
  return rowCount ?? 0;
}

/** Each /api/ request the page made, with its time from request to response end, slowest first. */
function timeApiCalls(page: Page): () => Promise<Array<{ path: string; ms: number }>> {
  const calls: Array<{ path: string; ms: number }> = [];
  page.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/')) return;
    const t = request.timing();
    calls.push({ path: `${url.pathname}${url.search}`, ms: t.responseEnd - t.requestStart });
  });
  return async () => calls.sort((a, b) => b.ms - a.ms);
}

/** Sums the encoded (as transferred) bytes of the page's scripts and styles as they finish. */
function countAssets(page: Page): () => Promise<number> {
  const sizes: Array<Promise<number>> = [];
  page.on('requestfinished', (request) => {
    if (!['script', 'stylesheet'].includes(request.resourceType())) return;
    sizes.push(request.sizes().then((s) => s.responseBodySize, () => 0));
  });
  return async () => (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
}

const round = (n: number) => Math.round(n * 10) / 10;
