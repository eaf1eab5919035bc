/**
 * `npm run sim -- --url mqtt://127.0.0.1:1883 --fleet demo --rate 50`: publishes a
 * simulated fleet live (timestamps from the wall clock) until --count or Ctrl-C.
 */
import type { MqttClient } from 'mqtt';
import { CLI_USAGE, CliUsageError, parseCliArgs, type CliOptions } from './cli-options';
import { connectGateway, connectMqtt } from './connect';
import { demoFleet, mixedFleet, type Fleet } from './fleet';
import { lorawanUplink } from './lorawan';
import { MAIN_TOWNS } from './places';
import { FleetPublisher, FleetPublishError, type Publishable } from './publisher';
import { deviceSecret } from './secrets';
import { messages } from './stream';

const PROGRESS_INTERVAL_MS = 5_000;

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
  for (const m of stream) yield o.lorawan && m.device.devEui && m.channel === 'telemetry' ? lorawanUplink(m, o.lorawan) : m;
}

async function connect(o: CliOptions): Promise<MqttClient> {
  if (o.username !== undefined) return connectGateway(o.url, o.username, o.password ?? '', { clientId: `hv-sim-${o.username}` });
  return connectMqtt(o.url, { clientId: `hv-sim-${process.pid}` });
}

async function main(argv: string[]): Promise<number> {
  const o = parseCliArgs(argv);
  if (o.help) {
    console.log(CLI_USAGE);
    return 0;
  }
  const fleet = buildFleet(o);
  if (o.list) {
    for (const d of fleet.devices) console.log(JSON.stringify({ ...d, secret: deviceSecret(o.seed, d.id) }));
    return 0;
  }

  const client = await connect(o);
  const publisher = new FleetPublisher(client);
  const abort = new AbortController();
  let interrupted = 0;
  const onSigint = () => {
    if (++interrupted > 1) process.exit(130);
    console.log('[sim] stopping: waiting for the messages in flight (Ctrl-C again to quit now)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const started = Date.now();
  let lastAcked = 0;
  let lastAt = started;
  const progress = setInterval(() => {
    const now = Date.now();
    const s = publisher.stats;
    const rate = ((s.acked - lastAcked) * 1000) / Math.max(1, now - lastAt);
    lastAcked = s.acked;
    lastAt = now;
    console.log(`[sim] ${((now - started) / 1000).toFixed(0)} s: published ${s.published}, acked ${s.acked}, failed ${s.failed}, in flight ${s.inFlight}, ${rate.toFixed(1)} msg/s`);
  }, PROGRESS_INTERVAL_MS);

  console.log(`[sim] ${fleet.devices.length} devices (${o.fleet}, seed ${o.seed}) → ${o.url} at ${o.rate > 0 ? `${o.rate} msg/s` : 'full speed'}, QoS ${o.qos}`);
  let code = 0;
  try {
    const result = await publisher.publish(uplinks(fleet, o), {
      ratePerS: o.rate > 0 ? o.rate : undefined,
      window: o.window,
      qos: o.qos,
      signal: abort.signal,
    });
    console.log(JSON.stringify({ devices: fleet.devices.length, ...result, elapsedMs: Math.round(result.elapsedMs), ratePerS: round1(result.ratePerS) }));
  } catch (error) {
    if (!(error instanceof FleetPublishError)) throw error;
    console.error(`[sim] ${error.message}`);
    console.log(JSON.stringify({ devices: fleet.devices.length, ...error.result, elapsedMs: Math.round(error.result.elapsedMs), ratePerS: round1(error.result.ratePerS) }));
    code = 1;
  } finally {
    clearInterval(progress);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await client.endAsync();
  }
  return code;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliUsageError) console.error(`${error.message}\n\n${CLI_USAGE}`);
    else console.error(`[sim] ${(error as Error).message ?? error}`);
    process.exitCode = error instanceof CliUsageError ? 2 : 1;
  },
);
