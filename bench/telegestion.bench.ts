/**
 * `npm run bench -- telegestion`: telegestion (this process, the telegestion app on
 * Mosquitto) under a steady background of lighting telemetry published by a fleet agent
 * (its own process, bench/fleet-agent.ts), then:
 * 1. alarm latency: a device's fault report published → its alarm event, which telegestion
 *    publishes only after the alarm is committed to PostgreSQL (so ≥ persisted);
 * 2. fan-out: one group command to every luminaire (50,000 by default), under the background
 *    and then alone (the agent only answering), time until all are
 *    sent and until all are acknowledged in PostgreSQL, the agent answering after 300 ms.
 * Baseline in the same run: the same background rate with nobody reading it but Mosquitto.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig } from '@hv/config';
import { ensureServices, localPortOffset, provisionFleet, provisionPrograms, repoRoot, stopServices } from '@hv/devkit';
import { Database } from '@hv/state';
import { TelegestionService, telegestionOptionsFrom } from '@hv/telegestion';
import { createHttpApp, startApp } from '../apps/common/src/http-app';
import { TelegestionAppModule } from '../apps/telegestion/src/telegestion-app.module';
import { benchFleets } from './fleet-agent';
import { BENCH_ENV, freshPgDatabase, percentile } from './bench-env';

const SEED = 'bench-telegestion';
const ENV = BENCH_ENV;
const TELEGESTION_CLIENT_ID = 'hv:bench-telegestion'; // the services' namespace (HV_TELEGESTION_CLIENT_ID gets it anyway)
const log = (s: string) => console.log(`[bench telegestion] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchTelegestion(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string', default: '50000' },
      rate: { type: 'string', default: '5000' },
      samples: { type: 'string', default: '300' },
    },
  });
  const total = Number(values.devices);
  const rate = Number(values.rate);
  const samples = Number(values.samples);
  const tenants = ['02408', '02691', '02722', '02168', '02381', '02810', '02173', '02785', '02095', '02738'];
  const perTenant = Math.ceil(total / tenants.length);
  const started = await ensureServices(['influxdb', 'postgres', 'mosquitto'], ENV);
  let agent: ChildProcess | undefined;
  let app: Awaited<ReturnType<typeof createHttpApp>> | undefined;
  let probe: MqttClient | undefined;
  try {
    const pgUrl = await freshPgDatabase('hv_bench_telegestion');
    const fleets = benchFleets(SEED, tenants, perTenant);
    const devices = fleets.flatMap((f) => f.devices);
    const controllers = devices.filter((d) => d.type === 'lighting-controller');
    const db = new Database(pgUrl);
    const t0 = Date.now();
    await provisionFleet(db, devices, { seed: SEED }).finally(async () => {
      await provisionPrograms(db, devices);
      await db.close();
    });
    log(`provisioned ${devices.length} devices (${controllers.length} luminaires) in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${cpus().length} cores, ${cpus()[0]?.model}`);

    // Telegestion's session is persistent (clean: false), and Mosquitto keeps it across its
    // restarts: a previous run's session would have queued the background published since,
    // and this run would start behind that backlog. Start from a clean session.
    await dropSession(TELEGESTION_CLIENT_ID);

    // Baseline: the background alone (Mosquitto and the agent, nobody else reading).
    agent = startAgent(rate, tenants, perTenant);
    await waitLine(agent, /agent up/);
    const baseline = await measureAgentRate(agent, 10_000);
    agent.kill('SIGTERM');
    await sleep(1_000);
    log(`baseline: the agent publishes ${baseline.toFixed(0)} msg/s with nobody but Mosquitto reading`);

    const config = loadConfig({}, {
      HV_PG_URL: pgUrl,
      HV_INFLUX_URL: ENV.influxUrl,
      HV_INFLUX_DB: 'hv_bench_telegestion',
      HV_MQTT_URL: ENV.mosquittoUrl,
      HV_HTTP_PORT: String(18380 + localPortOffset()), // shifted like the services' ports
      HV_LOG_LEVEL: 'warn',
      HV_TELEGESTION_CLIENT_ID: TELEGESTION_CLIENT_ID,
    });
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    app = await createHttpApp(TelegestionAppModule.forRoot(config, telegestionOptionsFrom(config, ENV.mosquittoUrl)), config);
    await startApp(app, config);
    const telegestion = app.get(TelegestionService);
    await telegestion.programs.saveGroup(tenants[0]!, 'all', 'Every luminaire of the bench', []);

    agent = startAgent(rate, tenants, perTenant);
    await waitLine(agent, /agent up/);
    probe = await mqtt.connectAsync(ENV.mosquittoUrl, { clientId: 'bench-probe', protocolVersion: 4 });
    const arrivals = new Map<string, number>();
    probe.on('message', (_t, p) => {
      const e = JSON.parse(p.toString('utf8')) as { event: string; alarm: { device: string; type: string } };
      if (e.event === 'raised') arrivals.set(e.alarm.device, performance.now());
    });
    await probe.subscribeAsync('hv/events/v1/+/alarm', { qos: 1 });
    await sleep(5_000); // background at full rate before measuring

    // 1. Alarm latency under the background; what blocked telegestion's event loop meanwhile.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const gcPauses: number[] = [];
    const gc = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
    gc.observe({ entryTypes: ['gc'] });
    loop.enable();
    const sent = new Map<string, number>();
    for (let i = 0; i < samples; i++) {
      const d = controllers[(i * 97) % controllers.length]!;
      const body = { ts: Date.now(), seq: 4_000_000_000 + i, event: 'fault_raised', code: 'over_temperature', value: 90 };
      sent.set(d.id, performance.now());
      probe.publish(`hv/v1/${d.tenant}/lighting/${d.id}/event`, JSON.stringify(body), { qos: 1 });
      await sleep(50);
    }
    await waitUntil(() => arrivals.size >= samples, 30_000);
    const latencies = [...sent].filter(([id]) => arrivals.has(id)).map(([id, at]) => arrivals.get(id)! - at).sort((a, b) => a - b);
    loop.disable();
    gc.disconnect();
    gcPauses.sort((a, b) => a - b);
    const backgroundDuring = await measureAgentRate(agent, 3_000);
    // The machine may be shared: its 1-minute load at the end of each phase says how much.
    const load = { alarm: loadavg()[0]!, fanout_under_background: 0, fanout_alone: 0 };
    log(`alarm latency: p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms over ${latencies.length}/${samples} samples; background ${backgroundDuring.toFixed(0)} msg/s`);
    log(`  meanwhile: event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms; ${gcPauses.length} GC pauses, total ${gcPauses.reduce((a, b) => a + b, 0).toFixed(0)} ms, longest ${(gcPauses.at(-1) ?? 0).toFixed(1)} ms`);

    // 2. Fan-out of one group command to every luminaire: under the background, then with
    // the agent answering commands only (the figure the target names).
    const pg = new Database(pgUrl);
    await pg.query(`INSERT INTO device_group_members (tenant_id, group_id, device_id) SELECT $1, 'all', id FROM devices WHERE type = 'lighting-controller'`, [tenants[0]]);
    const busy = await fanOut(telegestion, pg, tenants[0]!, 30, 'under the background');
    load.fanout_under_background = loadavg()[0]!;
    agent.kill('SIGTERM');
    await sleep(1_000);
    agent = startAgent(0, tenants, perTenant);
    await waitLine(agent, /agent up/);
    await sleep(2_000);
    const quiet = await fanOut(telegestion, pg, tenants[0]!, 50, 'alone');
    load.fanout_alone = loadavg()[0]!;
    await pg.close();
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - wall0) / 1000;
    return {
      bench: 'telegestion',
      alarm_p50_ms: round(percentile(latencies, 0.5)),
      alarm_p99_ms: round(percentile(latencies, 0.99)),
      alarm_samples: latencies.length,
      background_msgs_per_s: Math.round(backgroundDuring),
      baseline_background_msgs_per_s: Math.round(baseline),
      ratio: round(backgroundDuring / baseline),
      event_loop_delay_p99_ms: round(loop.percentile(99) / 1e6),
      gc_longest_pause_ms: round(gcPauses.at(-1) ?? 0),
      fanout_devices: quiet.devices,
      fanout_stored_s: round(quiet.storedS),
      fanout_sent_s: round(quiet.sentS),
      fanout_acked_s: round(quiet.ackedS),
      fanout_under_background_stored_s: round(busy.storedS),
      fanout_under_background_sent_s: round(busy.sentS),
      fanout_under_background_acked_s: round(busy.ackedS),
      rss_mb: Math.round(process.memoryUsage().rss / 1_048_576),
      telegestion_cpu_share: round((cpu.user + cpu.system) / 1e6 / wallS),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      load_1m: { alarm: round(load.alarm), fanout_under_background: round(load.fanout_under_background), fanout_alone: round(load.fanout_alone) },
      target: { alarm_p99_ms: 100, fanout_sent_s: 10, fanout_acked_s: 30 },
    };
  } finally {
    // Each step on its own: one that fails must not leave the services running.
    const quietly = (what: string) => (e: Error) => log(`while stopping ${what}: ${e.message}`);
    await probe?.endAsync().catch(quietly('the probe'));
    agent?.kill('SIGTERM');
    await app?.close().catch(quietly('telegestion'));
    await dropSession(TELEGESTION_CLIENT_ID).catch(quietly('the MQTT session'));
    await stopServices(started, ENV);
  }
}

/** One group command to every luminaire: seconds until stored, all sent, all acknowledged in PostgreSQL. */
async function fanOut(telegestion: TelegestionService, pg: Database, tenant: string, levelPct: number, what: string): Promise<{ devices: number; storedS: number; sentS: number; ackedS: number }> {
  const sentBefore = telegestion.commandsSent();
  const f0 = performance.now();
  const { batchId, commands } = await telegestion.sendCommand({ domain: 'lighting', target: { group: 'all', tenant }, body: { level_pct: levelPct, reason: 'override' }, expiresAt: Date.now() + 3_600_000, createdBy: 'bench' });
  const storedS = (performance.now() - f0) / 1000;
  let sentS = NaN;
  let ackedS = NaN;
  let lastLog = 0;
  for (;;) {
    const { rows } = await pg.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM commands WHERE batch_id = $1 GROUP BY status', [batchId]);
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
    const elapsed = (performance.now() - f0) / 1000;
    const sent = telegestion.commandsSent() - sentBefore;
    if (Number.isNaN(sentS) && sent >= commands.length) sentS = elapsed;
    if (elapsed - lastLog >= 2) {
      lastLog = elapsed;
      log(`  ${elapsed.toFixed(1)} s: ${sent} sent, ${by.acknowledged ?? 0} acknowledged in PostgreSQL`);
    }
    if ((by.acknowledged ?? 0) >= commands.length) {
      ackedS = elapsed;
      break;
    }
    if (elapsed > 180) break;
    await sleep(200);
  }
  log(`fan-out ${what}: ${commands.length} commands stored in ${storedS.toFixed(1)} s, all sent at ${sentS.toFixed(1)} s, all acknowledged in PostgreSQL at ${ackedS.toFixed(1)} s`);
  return { devices: commands.length, storedS, sentS, ackedS };
}

/** Ends a persistent MQTT session: connecting with clean: true under its client id discards it. */
async function dropSession(clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(ENV.mosquittoUrl, { clientId, clean: true, protocolVersion: 4 });
  await client.endAsync();
}

function startAgent(rate: number, tenants: string[], perTenant: number): ChildProcess {
  return spawn(process.execPath, ['--max-old-space-size=2048', join(repoRoot(), 'dist', 'bench', 'fleet-agent.js')], {
    env: { ...process.env, AGENT_URL: ENV.mosquittoUrl, AGENT_SEED: SEED, AGENT_TENANTS: tenants.join(','), AGENT_CONTROLLERS: String(perTenant), AGENT_RATE: String(rate) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function waitLine(child: ChildProcess, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent: no ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const line = chunk.toString('utf8').split('\n').find((l) => pattern.test(l));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(line);
    };
    child.stdout!.on('data', onData);
  });
}

/** The agent's acknowledged publishes per second over `ms`. */
async function measureAgentRate(agent: ChildProcess, ms: number): Promise<number> {
  const first = JSON.parse((await waitLine(agent, /^stats /)).slice(6)) as { published: number };
  const t0 = performance.now();
  await sleep(ms);
  const last = JSON.parse((await waitLine(agent, /^stats /)).slice(6)) as { published: number };
  return ((last.published - first.published) * 1000) / (performance.now() - t0);
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(50);
}


const round = (x: number) => Math.round(x * 100) / 100;
