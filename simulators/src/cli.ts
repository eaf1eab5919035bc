/**
 * `npm run sim -- …` (see CLI_USAGE):
 * - live: `--fleet demo --rate 50` publishes a fleet stamped with the wall clock until
 *   --count or Ctrl-C;
 * - `--scenario FILE`: plays a scenario on its simulated clock, faults and commands included;
 * - `--replay FILE`: publishes a recording, paced by its timestamps.
 */
import type { MqttClient } from 'mqtt';
import { GATEWAY_USERNAME_PREFIX, serviceClientId, shippedDeviceModel } from '@hv/contracts';
import { CLI_USAGE, CliUsageError, parseCliArgs, type CliOptions } from './cli-options';
import { ProgressPrinter, progressLine, scenarioSummary } from './cli-progress';
import { closeClient } from './close-client';
import { connectDevice, connectGateway, connectMqtt } from './connect';
import { demoFleet, mixedFleet, type Fleet } from './fleet';
import { lorawanUplink } from './lorawan';
import { MAIN_TOWNS } from './places';
import { FleetPublisher, FleetPublishError, type Publishable, type PublishResult } from './publisher';
import { readRecording, recordStream, streamHash } from './recording';
import { replayRecording } from './replay';
import { loadScenario, ScenarioError, type Scenario } from './scenario';
import { runScenario, scenarioBaseDir, scenarioFleet, scenarioStream, type ScenarioTransport } from './scenario-run';
import { deviceSecret } from './secrets';
import { messages } from './stream';

const PROGRESS_INTERVAL_MS = 5_000;
/** Device connections opened at once in `--transport device` mode. */
const CONNECT_BATCH = 100;
/** Device connections reconnect after this long, and resend what they held. */
const DEVICE_RECONNECT_MS = 2_000;

/** Devices per town of the mixed fleet. */
const MIXED_PER_TENANT = {
  'lighting-controller': 60,
  'lighting-cabinet': 2,
  'boiler-room': 3,
  'air-station': 1,
  'co2-sensor': 8,
  'parking-spot': 40,
  'car-park': 2,
} as const;

function buildFleet(o: CliOptions): Fleet {
  return o.fleet === 'demo'
    ? demoFleet({ seed: o.seed, controllers: o.controllers })
    : mixedFleet({ seed: o.seed, tenants: [...MAIN_TOWNS], perTenant: MIXED_PER_TENANT });
}

function* uplinks(fleet: Fleet, o: CliOptions): Generator<Publishable> {
  const stream = messages(fleet, {
    seed: o.seed,
    count: o.count,
    startMs: Date.now(),
    clock: Date.now, // live: the simulators never read the clock unless told to
    channels: o.events ? ['telemetry', 'event'] : ['telemetry'],
  });
  const model = o.lorawanModel === undefined ? undefined : shippedDeviceModel(o.lorawanModel);
  for (const m of stream) yield o.lorawan && m.device.devEui && m.channel === 'telemetry' ? lorawanUplink(m, o.lorawan, { model }) : m;
}

async function connect(o: CliOptions): Promise<MqttClient> {
  // A gateway connects as `gateway:{id}:sim-{pid}`, a service account in its `hv:` namespace.
  const name = `sim-${process.pid}`;
  if (o.username !== undefined) return connectGateway(o.url, o.username, o.password ?? '', { clientId: o.username.startsWith(GATEWAY_USERNAME_PREFIX) ? name : serviceClientId(name) });
  return connectMqtt(o.url, { clientId: serviceClientId(name) });
}

/** Ctrl-C (or SIGTERM) aborts the run once; a second one quits at once. */
function interruptible(): { signal: AbortSignal; release(): void } {
  const abort = new AbortController();
  let interrupted = 0;
  const onSignal = () => {
    if (++interrupted > 1) process.exit(130);
    console.error('[sim] stopping: waiting for the messages in flight (Ctrl-C again to quit now)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

const figures = (r: PublishResult) => ({ ...r, elapsedMs: Math.round(r.elapsedMs), ratePerS: round1(r.ratePerS) });

async function live(o: CliOptions): Promise<number> {
  const fleet = buildFleet(o);
  if (o.list) {
    for (const d of fleet.devices) console.log(JSON.stringify({ ...d, secret: deviceSecret(o.seed, d.id) }));
    return 0;
  }
  const client = await connect(o);
  const publisher = new FleetPublisher(client);
  const stop = interruptible();
  const started = Date.now();
  let lastAcked = 0;
  let lastAt = started;
  const progress = setInterval(() => {
    const now = Date.now();
    const s = publisher.stats;
    const rate = ((s.acked - lastAcked) * 1000) / Math.max(1, now - lastAt);
    lastAcked = s.acked;
    lastAt = now;
    console.error(`[sim] ${((now - started) / 1000).toFixed(0)} s: published ${s.published}, acked ${s.acked}, failed ${s.failed}, in flight ${s.inFlight}, ${rate.toFixed(1)} msg/s`);
  }, PROGRESS_INTERVAL_MS);

  console.error(`[sim] ${fleet.devices.length} devices (${o.fleet}, seed ${o.seed}) → ${o.url} at ${o.rate > 0 ? `${o.rate} msg/s` : 'full speed'}, QoS ${o.qos}`);
  try {
    const result = await publisher.publish(uplinks(fleet, o), { ratePerS: o.rate > 0 ? o.rate : undefined, window: o.window, qos: o.qos, signal: stop.signal });
    console.log(JSON.stringify({ devices: fleet.devices.length, ...figures(result) }));
    return 0;
  } catch (error) {
    if (!(error instanceof FleetPublishError)) throw error;
    console.error(`[sim] ${error.message}`);
    console.log(JSON.stringify({ devices: fleet.devices.length, ...figures(error.result) }));
    return 1;
  } finally {
    clearInterval(progress);
    stop.release();
    await closeClient(client);
  }
}

/** The scenario file, with --start applied. */
function scenarioOf(o: CliOptions): Scenario {
  const scenario = loadScenario(o.scenario!);
  return o.start === undefined ? scenario : { ...scenario, start: new Date(o.start).toISOString() };
}

/** `--offline`: the scenario's stream (no commands reach it) generated and hashed, and with --record written. */
async function offline(o: CliOptions, scenario: Scenario, fleet: Fleet): Promise<number> {
  const run = scenarioStream(scenario, fleet);
  const started = Date.now();
  let figures: { messages: number; sha256: string; recording?: string; compressedBytes?: number };
  if (o.record) {
    const summary = await recordStream(run.messages(), o.record);
    figures = { messages: summary.messages, sha256: summary.sha256, recording: o.record, compressedBytes: summary.compressedBytes };
  } else {
    let messages = 0;
    const sha256 = streamHash((function* () {
      for (const m of run.messages()) {
        messages++;
        yield m;
      }
    })());
    figures = { messages, sha256 };
  }
  console.log(JSON.stringify({ scenario: scenario.name, devices: fleet.devices.length, ...figures, elapsedMs: Date.now() - started }));
  return 0;
}

async function openTransport(o: CliOptions, fleet: Fleet, opened: MqttClient[]): Promise<ScenarioTransport> {
  if (o.transport === 'gateway') {
    const client = await connect(o);
    opened.push(client);
    // The commands of every tenant of the fleet; a gateway is granted its own tenant's only.
    const tenants = [...new Set(fleet.devices.map((d) => d.tenant))];
    const granted = await client.subscribeAsync(tenants.map((t) => `hv/v1/${t}/+/+/cmd`), { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128).length;
    console.error(`[sim] listening for commands of ${tenants.length - refused} of ${tenants.length} tenants${refused ? ` (${refused} refused to ${o.username ?? 'this connection'})` : ''}`);
    return { kind: 'gateway', client, ...(o.lorawan ? { lorawan: o.lorawan } : {}) };
  }
  if (o.lorawan) throw new CliUsageError('--lorawan goes with --transport gateway (a network server publishes for its devices)');
  const clients = new Map<string, MqttClient>();
  for (let i = 0; i < fleet.devices.length; i += CONNECT_BATCH) {
    const batch = fleet.devices.slice(i, i + CONNECT_BATCH);
    const connected = await Promise.all(
      batch.map(async (d) => {
        const client = await connectDevice(o.url, d, deviceSecret(fleet.seed, d.id), { reconnectPeriodMs: DEVICE_RECONNECT_MS });
        opened.push(client);
        await client.subscribeAsync(`hv/v1/${d.tenant}/${d.domain}/${d.id}/cmd`, { qos: 1 });
        return [d.id, client] as const;
      }),
    );
    for (const [id, client] of connected) clients.set(id, client);
    console.error(`[sim] ${clients.size} of ${fleet.devices.length} devices connected`);
  }
  return { kind: 'device', clients };
}

async function scenarioRun(o: CliOptions): Promise<number> {
  const scenario = scenarioOf(o);
  const fleet = scenarioFleet(scenario, scenarioBaseDir(o.scenario!));
  if (o.offline) return offline(o, scenario, fleet);

  const opened: MqttClient[] = [];
  const stop = interruptible();
  const printer = new ProgressPrinter();
  try {
    const transport = await openTransport(o, fleet, opened);
    const speed = o.speed ?? scenario.speed;
    console.error(`[sim] scenario "${scenario.name}": ${fleet.devices.length} devices, from ${scenario.start} for ${scenario.duration_s} s at ${speed === 0 ? 'full speed' : `×${speed}`} → ${o.url} (${o.transport})`);
    const result = await runScenario(scenario, {
      fleet,
      transport,
      speed,
      qos: o.qos,
      window: o.window,
      record: o.record,
      signal: stop.signal,
      progressEveryMs: printer.interactive ? 500 : 1_000,
      onProgress: (p) => printer.print(progressLine(p)),
    });
    printer.end();
    console.error(scenarioSummary(result));
    console.log(JSON.stringify({ ...figures(result), simulatedFrom: new Date(result.simulatedFrom).toISOString(), simulatedTo: new Date(result.simulatedTo).toISOString() }));
    return result.interrupted && !stop.signal.aborted ? 1 : 0;
  } finally {
    printer.end();
    stop.release();
    await Promise.all(opened.map((c) => closeClient(c)));
  }
}

async function replay(o: CliOptions): Promise<number> {
  let restamp: ((ts: number) => number) | undefined;
  if (o.restampNow) {
    const first = await firstTimestamp(o.replay!);
    const shift = first === undefined ? 0 : Date.now() - first;
    restamp = (ts) => ts + shift;
  }
  const client = await connect(o);
  const stop = interruptible();
  const progress = setInterval(() => console.error(`[sim] replaying ${o.replay}…`), PROGRESS_INTERVAL_MS);
  try {
    const result = await replayRecording(o.replay!, client, { speed: o.speed ?? 1, window: o.window, signal: stop.signal, restamp });
    console.log(JSON.stringify({ recording: o.replay, ...figures(result) }));
    return 0;
  } catch (error) {
    if (!(error instanceof FleetPublishError)) throw error;
    console.error(`[sim] ${error.message}`);
    console.log(JSON.stringify({ recording: o.replay, ...figures(error.result) }));
    return 1;
  } finally {
    clearInterval(progress);
    stop.release();
    await closeClient(client);
  }
}

async function firstTimestamp(path: string): Promise<number | undefined> {
  for await (const m of readRecording(path)) if (m.ts !== null) return m.ts;
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const o = parseCliArgs(argv);
  if (o.help) {
    console.log(CLI_USAGE);
    return 0;
  }
  if (o.scenario !== undefined) return scenarioRun(o);
  if (o.replay !== undefined) return replay(o);
  return live(o);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliUsageError) console.error(`${error.message}\n\n${CLI_USAGE}`);
    else console.error(`[sim] ${(error as Error).message ?? error}`);
    // 2: what the user gave is wrong (options, scenario file); 1: the run failed.
    process.exitCode = error instanceof CliUsageError || error instanceof ScenarioError ? 2 : 1;
  },
);
