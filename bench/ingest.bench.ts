/**
 * `npm run bench -- ingest`: sustained QoS 1 publish → stored in InfluxDB (verified by
 * count), for the embedded broker and for Mosquitto, with everything on this machine; in
 * the same run, the raw ceiling of the same broker under the same load (a subscriber that
 * only counts). Then publish → stored latency at a steady 2,000 msg/s.
 *
 * Processes: the load generator is this process; ingest runs as its own process (the
 * all-in-one app for "embedded", with aedes on a worker thread of its own; the ingest app
 * for "mosquitto"); the raw counter is its own process too; the embedded baseline's aedes
 * is the broker app.
 *
 * CPU (`cpu_ms_per_1k`, `baseline_cpu_ms_per_1k`, `cpu_ratio`): during the steady phase a
 * raw counter reads the same messages from the same broker as ingest, and each one's CPU
 * time (user + sys, /proc) over the phase is divided by the phase's messages. For Mosquitto
 * that is the ingest process against the counter process. For the embedded broker it is
 * the all-in-one process minus its broker thread (/proc/PID/task/TID, the thread the
 * worker names in its start-up line) against the counter process: what is left holds
 * ingest and everything else the all-in-one runs on those messages (telegestion reads
 * every telemetry message too), the HTTP API's idle timers, V8's shared GC threads.
 *
 * CPU budget (`cpu_us_per_msg`): during the raw ceiling and during ingest's full-rate run,
 * the CPU time of every process on the path (this load generator, the broker, the counter or
 * ingest, InfluxDB, PostgreSQL) per message. With the cores saturated, a ratio above
 * ceiling total / ingest total is out of reach whatever the code's speed.
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ensureServices,
  influxQuery,
  stopServices,
  provisionFleet,
  type GatewayCredentials,
  startNodeApp as startChild,
  stopAllNodeApps,
  metricSum,
  localPortOffset,
  type AppProcess as ChildApp,
} from '@hv/devkit';
import { connectGateway, FleetPublisher, lightingFleet, messages, type Fleet, type SimMessage } from '@hv/simulators';
import { Database } from '@hv/state';
import { BENCH_ENV, freshPgDatabase, percentile } from './bench-env';
import { cpuBudget, cpuSecondsOf, cpuSince, pidFromFile, readCpu, servicePidFiles, storageProcesses, type WatchedProcess } from './proc-cpu';

const SEED = 'bench-ingest';
const SERVICE = { username: 'hv-service', password: 'hv-bench-service-password' };
const ENV = BENCH_ENV;
const MEASUREMENT = 'lighting_controller';
/** The app under test's HTTP port (its /metrics), shifted like the services' ports. */
const HTTP_PORT = 13100 + localPortOffset();

interface Args {
  messages: number;
  brokers: Array<'embedded' | 'mosquitto'>;
  latencySeconds: number;
}

interface BrokerResult {
  broker: string;
  msgs_per_s: number;
  published: number;
  stored: number;
  lost: number;
  duplicates: number;
  baseline_msgs_per_s: number;
  ratio: number;
  p50_ms: number;
  p99_ms: number;
  latency_samples: number;
  rss_mb: number;
  spooled_points: number;
  /** Ingest's CPU time per 1,000 messages in the steady-rate phase, ms (see the header). */
  cpu_ms_per_1k: number;
  /** The raw counter's, in the same phase on the same broker, ms. */
  baseline_cpu_ms_per_1k: number;
  cpu_ratio: number;
  /**
   * Where the machine's CPU went per message, µs, during the raw ceiling and during the
   * ingest run at full rate, by process (see cpuBudget): on 2 shared cores the ratio
   * cannot exceed ceiling total / ingest total.
   */
  cpu_us_per_msg: { ceiling: Record<string, number>; ingest: Record<string, number> };
}

const log = (s: string) => console.log(`[bench ingest] ${s}`);

export async function benchIngest(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string', default: '200000' },
      brokers: { type: 'string', default: 'embedded,mosquitto' },
      'latency-seconds': { type: 'string', default: '20' },
    },
  });
  const args: Args = {
    messages: Number(values.messages),
    brokers: values.brokers!.split(',') as Args['brokers'],
    latencySeconds: Number(values['latency-seconds']),
  };
  const started = await ensureServices(['influxdb', 'postgres', 'mosquitto'], ENV);
  const results: BrokerResult[] = [];
  try {
    const pgUrl = await freshPgDatabase('hv_bench');
    // 4 communes of the Aisne × 250 lamps: 1,000 series.
    const tenants = ['02408', '02691', '02722', '02168'];
    const fleets = tenants.map((tenant, i) => lightingFleet({ seed: `${SEED}-${i}`, tenant, controllers: 250, cabinets: 10 }));
    const devices = fleets.flatMap((f) => f.devices);
    const db = new Database(pgUrl);
    const { gateways } = await provisionFleet(db, devices, { seed: SEED, gateways: true }).finally(() => db.close());
    log(`provisioned ${devices.length} devices, ${gateways.length} gateways; ${cpus().length} cores, ${cpus()[0]?.model}`);
    for (const broker of args.brokers) results.push(await runBroker(broker, args, pgUrl, fleets, gateways));
  } finally {
    await stopAllNodeApps();
    await stopServices(started, ENV);
  }
  const main = results.find((r) => r.broker === 'mosquitto') ?? results[0]!;
  return {
    bench: 'ingest',
    ...main,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    messages: args.messages,
    results,
    target: { msgs_per_s: 20_000, ratio: { mosquitto: 0.75, embedded: 0.6 }, cpu_ratio: 1.5, rss_mb: 300 },
  };
}

async function runBroker(broker: 'embedded' | 'mosquitto', args: Args, pgUrl: string, fleets: Fleet[], gateways: GatewayCredentials[]): Promise<BrokerResult> {
  const influxDb = `hv_bench_${broker}`;
  await influxQuery(ENV.influxUrl, `DROP DATABASE "${influxDb}"`);
  // The embedded broker and the app's HTTP port follow HV_LOCAL_PORT_OFFSET like the services, so benches of two checkouts do not collide.
  const mqttPort = broker === 'embedded' ? ENV.mosquittoPort + 1 : ENV.mosquittoPort;
  const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
  const appEnv: Record<string, string> = {
    HV_PG_URL: pgUrl,
    HV_INFLUX_URL: ENV.influxUrl,
    HV_INFLUX_DB: influxDb,
    HV_HTTP_PORT: String(HTTP_PORT),
    HV_SERVICE_USERNAME: SERVICE.username,
    HV_SERVICE_PASSWORD: SERVICE.password,
    HV_BROKER_PORT: String(mqttPort),
    HV_INGEST_CLIENT_ID: `hv:bench-ingest-${broker}`,
    HV_INGEST_SPOOL_DIR: join(ENV.runDir, `spool-${broker}`),
    HV_LOG_LEVEL: 'log', // the 'up' lines are what the bench waits for
  };
  // Devices of Mosquitto's run publish anonymously (its bench config allows it); the
  // embedded broker authenticates every gateway against the registry.
  const creds = (g: GatewayCredentials) => (broker === 'embedded' ? { username: g.username, password: g.password } : {});

  // 1. Raw ceiling: the broker alone, and a subscriber that only counts.
  let baselineBroker: ChildApp | undefined;
  if (broker === 'embedded') {
    baselineBroker = startChild('apps/broker/src/main.js', appEnv, 'broker');
    await baselineBroker.waitFor(/broker up/);
  }
  const counter = startChild('bench/count-subscriber.js', {}, 'counter', [mqttUrl, SERVICE.username, SERVICE.password, 'hv/v1/+/+/+/telemetry', String(args.messages)]);
  await counter.waitFor(/\] ready$/);
  const brokerPid = baselineBroker?.child.pid ?? pidFromFile(servicePidFiles(ENV.runDir).mosquitto);
  const ceilingBudget = cpuBudget(pathProcesses({ name: 'broker', pid: brokerPid }));
  const counterCpuBefore = cpuSecondsOf(counter.child.pid!);
  const t0 = Date.now();
  await publishAll(mqttUrl, fleets, gateways, creds, args.messages, 0);
  const done = await counter.waitFor(/\] done \d+/, 300_000);
  // The counter exits once done: its own CPU time is on its last line.
  const ceilingCpu = ceilingBudget.perItem(args.messages, { counter: Number(done.split(' ').at(-1)) - counterCpuBefore });
  const baselineMs = Number(/done (\d+)/.exec(done)?.[1]) || Date.now() - t0;
  const baseline = (args.messages / baselineMs) * 1000;
  log(`${broker}: raw ceiling ${baseline.toFixed(0)} msg/s`);
  await counter.stop();
  await baselineBroker?.stop();

  // 2. Ingest: publish the same load, wait until InfluxDB holds every point.
  // A persistent session left by an earlier run (interrupted, say) would replay its backlog
  // into this one: connect once with a clean session to discard it.
  if (broker === 'mosquitto') await (await connectGateway(mqttUrl, '', '', { clientId: appEnv.HV_INGEST_CLIENT_ID })).endAsync();
  // HV_BENCH_NODE_OPTIONS goes to the app under test only (Node refuses --cpu-prof in NODE_OPTIONS:
  // profile with `--require` of a script that starts node:inspector's Profiler).
  const nodeOptions: Record<string, string> = process.env.HV_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.HV_BENCH_NODE_OPTIONS } : {};
  const app = broker === 'embedded'
    ? startChild('apps/all-in-one/src/main.js', { ...appEnv, ...nodeOptions }, 'all-in-one')
    : startChild('apps/ingest/src/main.js', { ...appEnv, ...nodeOptions, HV_MQTT_URL: mqttUrl }, 'ingest');
  await app.waitFor(/(hyperviseur|ingest) up/);
  // Completion is read from ingest's own counters (cheap), then verified by a count in InfluxDB.
  const metricsUrl = `http://127.0.0.1:${HTTP_PORT}/metrics`;
  const written = async () => {
    const text = await (await fetch(metricsUrl)).text();
    return metricSum(text, 'hv_ingest_stored_points_total') + metricSum(text, 'hv_ingest_replayed_points_total');
  };
  // An all-in-one that runs aedes on its main thread names no broker thread: then its whole
  // process is counted, broker included (said in the log lines below).
  const threadOfBroker = broker === 'embedded' ? Number(/broker thread (\d+)/.exec(app.output())?.[1]) || undefined : undefined;
  const ingestProcess: WatchedProcess =
    broker === 'mosquitto'
      ? { name: 'ingest', pid: app.child.pid }
      : threadOfBroker
        ? { name: 'all_in_one_but_broker', pid: app.child.pid, minusTid: threadOfBroker }
        : { name: 'all_in_one', pid: app.child.pid };
  const brokerProcesses: WatchedProcess[] =
    broker === 'mosquitto' ? [{ name: 'broker', pid: brokerPid }] : threadOfBroker ? [{ name: 'broker', pid: app.child.pid, tid: threadOfBroker }] : [];
  const ingestBudget = cpuBudget(pathProcesses(...brokerProcesses, ingestProcess));
  const start = Date.now();
  const publishing = publishAll(mqttUrl, fleets, gateways, creds, args.messages, 1);
  const deadline = Date.now() + 600_000;
  while ((await written()) < args.messages && Date.now() < deadline) await sleep(50);
  const elapsedMs = Date.now() - start;
  const ingestCpu = ingestBudget.perItem(args.messages);
  log(`${broker}: CPU µs per message, raw ceiling ${JSON.stringify(ceilingCpu)}; ingest ${JSON.stringify(ingestCpu)}`);
  await publishing;
  const stored = await storedCount(influxDb);
  const throughput = (Math.min(stored, args.messages) / elapsedMs) * 1000;
  log(`${broker}: ${stored}/${args.messages} stored in ${elapsedMs} ms → ${throughput.toFixed(0)} msg/s`);

  // 3. Latency at 2,000 msg/s: a probe device's points, polled in InfluxDB every 10 ms.
  // Meanwhile a raw counter reads the same messages from the same broker: both processes'
  // CPU time over the phase, per 1,000 messages, is the cost comparison (see the header).
  const steadyCounter = startChild('bench/count-subscriber.js', {}, 'steady-counter', [mqttUrl, SERVICE.username, SERVICE.password, 'hv/v1/+/+/+/telemetry', '0']);
  await steadyCounter.waitFor(/\] ready$/);
  const steadyProcesses: WatchedProcess[] = [{ ...ingestProcess, name: 'ingest' }, { name: 'counter', pid: steadyCounter.child.pid }];
  const cpuBefore = readCpu(steadyProcesses);
  const latencies = await measureLatency(mqttUrl, fleets, gateways, creds, influxDb, args.latencySeconds);
  // Both have read every message of the phase (ingest has stored them) before the second reading.
  const phaseDeadline = Date.now() + 60_000;
  while (((await written()) < args.messages + latencies.published || counted(steadyCounter) < latencies.published) && Date.now() < phaseDeadline) await sleep(50);
  const steadyCpu = cpuSince(cpuBefore, readCpu(steadyProcesses));
  await steadyCounter.stop();
  const perK = (cpuS: number) => Number(((cpuS * 1000) / (latencies.published / 1000)).toFixed(1));
  const cpuMsPer1k = perK(steadyCpu.ingest!);
  const baselineCpuMsPer1k = perK(steadyCpu.counter!);
  const what = broker === 'mosquitto' ? 'ingest' : threadOfBroker ? 'all-in-one minus its broker thread' : 'all-in-one, broker included';
  log(`${broker}: steady phase CPU per 1,000 messages: ${what} ${cpuMsPer1k} ms, raw counter ${baselineCpuMsPer1k} ms`);
  const metrics = await (await fetch(metricsUrl)).text();
  const received = metricSum(metrics, 'hv_ingest_received_total');
  const spooled = metricSum(metrics, 'hv_ingest_spooled_points_total');
  const rssMb = peakRssMb(app.child.pid!);
  await app.stop();
  const published = args.messages + latencies.published;
  const latencyStored = await storedCount(influxDb);
  latencies.values.sort((a, b) => a - b);
  return {
    broker,
    msgs_per_s: Math.round(throughput),
    published,
    stored: latencyStored,
    lost: Math.max(0, published - latencyStored),
    duplicates: Math.max(0, received - published),
    baseline_msgs_per_s: Math.round(baseline),
    ratio: Number((throughput / baseline).toFixed(3)),
    p50_ms: percentile(latencies.values, 0.5),
    p99_ms: percentile(latencies.values, 0.99),
    latency_samples: latencies.values.length,
    rss_mb: Math.round(rssMb),
    spooled_points: spooled,
    cpu_ms_per_1k: cpuMsPer1k,
    baseline_cpu_ms_per_1k: baselineCpuMsPer1k,
    cpu_ratio: Number((cpuMsPer1k / baselineCpuMsPer1k).toFixed(2)),
    cpu_us_per_msg: { ceiling: ceilingCpu, ingest: ingestCpu },
  };
}

/** The processes on a phase's path: this load generator, `own` (broker, consumer), InfluxDB and PostgreSQL. */
function pathProcesses(...own: WatchedProcess[]): WatchedProcess[] {
  return [{ name: 'load_generator', pid: process.pid }, ...own, ...storageProcesses(ENV.runDir)];
}

/** Publishes `count` telemetry messages through one gateway per tenant, as fast as the windows allow. */
async function publishAll(
  url: string,
  fleets: Fleet[],
  gateways: GatewayCredentials[],
  creds: (g: GatewayCredentials) => { username?: string; password?: string },
  count: number,
  round: number,
): Promise<void> {
  const perFleet = Math.ceil(count / fleets.length);
  // Timestamps of round r start r hours apart, so that the runs do not overwrite each other.
  const startMs = Date.now() - 6 * 3_600_000 + round * 3_600_000;
  await Promise.all(
    fleets.map(async (fleet, i) => {
      const n = Math.min(perFleet, count - i * perFleet);
      const g = gateways.find((x) => x.tenant === fleet.devices[0]!.tenant)!;
      const client = await connectGateway(url, creds(g).username ?? '', creds(g).password ?? '', { clientId: `bench-load-${g.tenant}-${round}` });
      try {
        const stream = messages(fleet, { seed: `${SEED}-${round}`, count: n, startMs, stepMs: 1, channels: ['telemetry'] });
        await new FleetPublisher(client).publish(stream, { window: 1_000, qos: 1 });
      } finally {
        await client.endAsync();
      }
    }),
  );
}

/**
 * 2,000 msg/s for `seconds` from the fleets, plus 20 msg/s from one probe lamp whose
 * points are looked for in InfluxDB every 10 ms: latency = first seen − published.
 */
async function measureLatency(
  url: string,
  fleets: Fleet[],
  gateways: GatewayCredentials[],
  creds: (g: GatewayCredentials) => { username?: string; password?: string },
  influxDb: string,
  seconds: number,
): Promise<{ values: number[]; published: number }> {
  const probeFleet: Fleet = { ...fleets[0]!, devices: [fleets[0]!.devices.find((d) => d.type === 'lighting-controller')!] };
  const probe = probeFleet.devices[0]!;
  const g = gateways.find((x) => x.tenant === probe.tenant)!;
  const load = Promise.all(
    fleets.map(async (fleet) => {
      const gw = gateways.find((x) => x.tenant === fleet.devices[0]!.tenant)!;
      const client = await connectGateway(url, creds(gw).username ?? '', creds(gw).password ?? '', { clientId: `bench-latency-${gw.tenant}` });
      try {
        const stream = messages({ ...fleet, devices: fleet.devices.filter((d) => d.id !== probe.id) }, { seed: `${SEED}-lat`, count: (2_000 / fleets.length) * seconds, startMs: Date.now() - 2 * 3_600_000, stepMs: 1, channels: ['telemetry'] });
        await new FleetPublisher(client).publish(stream, { ratePerS: 2_000 / fleets.length, window: 1_000, qos: 1 });
      } finally {
        await client.endAsync();
      }
    }),
  );
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const probeClient = await connectGateway(url, creds(g).username ?? '', creds(g).password ?? '', { clientId: 'bench-probe' });
  const probeStream: Iterable<SimMessage> = messages(probeFleet, { seed: `${SEED}-probe`, count: 20 * seconds, startMs: Date.now(), stepMs: 50, channels: ['telemetry'] });
  let polling = true;
  let lastSent = Date.now();
  const poller = (async () => {
    while (polling || sentAt.size > 0) {
      const json = await influxQuery(ENV.influxUrl, `SELECT "seq" FROM "${MEASUREMENT}" WHERE "device" = '${probe.id}' AND time > now() - 1h`, influxDb);
      const now = Date.now();
      for (const row of json.results?.[0]?.series?.[0]?.values ?? []) {
        const seq = row[1] as number;
        const at = sentAt.get(seq);
        if (at !== undefined) {
          latencies.push(now - at);
          sentAt.delete(seq);
        }
      }
      if (!polling && Date.now() - lastSent > 10_000) break;
      await sleep(10);
    }
  })();
  const probePublished = new FleetPublisher(probeClient).publish(
    (function* () {
      for (const m of probeStream) {
        sentAt.set(m.seq, Date.now());
        lastSent = Date.now();
        yield m;
      }
    })(),
    { ratePerS: 20, window: 10, qos: 1 },
  );
  await Promise.all([load, probePublished]);
  polling = false;
  await poller;
  await probeClient.endAsync();
  return { values: latencies, published: 2_000 * seconds + 20 * seconds };
}

/** Points of the lighting fleet (lamps and cabinets), counted on the field every reading has. */
async function storedCount(influxDb: string): Promise<number> {
  let total = 0;
  for (const m of ['lighting_controller', 'lighting_cabinet']) {
    const json = await influxQuery(ENV.influxUrl, `SELECT count("seq") FROM "${m}"`, influxDb);
    total += Number(json.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0);
  }
  return total;
}


/** The last count a counter printed (it prints one a second). */
function counted(counter: ChildApp): number {
  const all = [...counter.output().matchAll(/\] count (\d+)$/gm)];
  return Number(all.at(-1)?.[1] ?? 0);
}

/** Peak resident set of a process (VmHWM), MiB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
