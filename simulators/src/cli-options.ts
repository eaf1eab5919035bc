import { parseArgs } from 'node:util';
import { SHIPPED_DEVICE_MODELS, shippedDeviceModel } from '@hv/contracts';
import type { LorawanFormat } from './lorawan';

export interface CliOptions {
  url: string;
  fleet: 'demo' | 'mixed';
  /** Messages per second; 0 publishes as fast as the window allows. */
  rate: number;
  /** Messages to publish; Infinity runs until Ctrl-C. */
  count: number;
  seed: string;
  username: string | undefined;
  password: string | undefined;
  qos: 0 | 1;
  window: number;
  /** Luminaires of the demo fleet. */
  controllers: number;
  /** Also publish events (≈ 5 % of messages). */
  events: boolean;
  /** Publish the LoRaWAN devices' telemetry as this network server would. */
  lorawan: LorawanFormat | undefined;
  /** With --lorawan: a shipped device model whose decoder the devices of its type emulate. */
  lorawanModel: string | undefined;
  /** Print the fleet (with each device's secret) as JSON lines and exit. */
  list: boolean;
  /** Play this scenario file (its fleet, start, duration, speed, faults, command behaviour). */
  scenario: string | undefined;
  /** Replay this recording. */
  replay: string | undefined;
  /** Record what is published to this gzip JSONL file. */
  record: string | undefined;
  /** Overrides the scenario's speed, or the replay's (default: the scenario's; 1 for a replay). */
  speed: number | undefined;
  /** Overrides the scenario's start: epoch ms. */
  start: number | undefined;
  /** Scenario transport: one gateway connection, or one connection per device. */
  transport: 'gateway' | 'device';
  /** Scenario: generate (and record) without a broker. */
  offline: boolean;
  /** Replay: shift every timestamp so that the first message is stamped now. */
  restampNow: boolean;
  help: boolean;
}

export const CLI_USAGE = `Usage: npm run sim -- [options]

Publishes a simulated fleet's uplinks to an MQTT broker, stamped with the current time.

  --url URL            broker (default mqtt://127.0.0.1:1883)
  --fleet demo|mixed   Laon public lighting, or every device type in four towns (default demo)
  --rate N             messages per second, 0 for as fast as possible (default 50)
  --count N            messages to publish (default: until Ctrl-C)
  --seed S             fleet and stream seed (default laon-demo)
  --username U         MQTT username (a gateway or service account)
  --password P         MQTT password
  --qos 0|1            (default 1)
  --window N           publishes in flight at most (default 1000)
  --controllers N      luminaires in the demo fleet (default 120)
  --events             also publish events (about 5 % of messages)
  --lorawan chirpstack|tts
                       send LoRaWAN devices' telemetry in that network server's format
  --lorawan-model ID   with --lorawan: devices of the model's type speak its real decoder's
                       field names (milesight-am103, elsys-ers-co2; the registry's devices
                       must name that model)
  --list               print the fleet with each device's secret (JSON lines) and exit

Scenarios (simulators/scenarios/*.json: fleet, start, duration, speed, faults, commands):
  --scenario FILE      play it: simulated clock, faults injected and repaired on time,
                       commands on the devices' cmd topics answered with acks
  --transport gateway|device
                       one connection for the whole fleet (with --username: a gateway or
                       service account; the default) or one per device, each with its
                       own secret (provisioned from the fleet's seed)
  --speed N            simulated seconds per second (overrides the scenario; 0: flat out)
  --start DATE         overrides the scenario's start: ISO 8601, now, or now-<N>(m|h|d).
                       Ingest refuses timestamps over 5 min ahead or 31 days behind its
                       clock: an accelerated run should start in the past (now-1d).
  --record FILE        record everything published (acks too) to a gzip JSONL file
  --offline            no broker: generate (and --record) the scenario's stream, print its hash

Recordings:
  --replay FILE        publish a recording, paced by its timestamps (--speed, default 1)
  --restamp-now        shift the payloads' timestamps so the first message is stamped now
  --help

Long runs print a progress bar with live figures (on a terminal; a line every 10 s
otherwise) and end with a summary, then one JSON line of figures.`;

export class CliUsageError extends Error {}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        fleet: { type: 'string', default: 'demo' },
        rate: { type: 'string', default: '50' },
        count: { type: 'string' },
        seed: { type: 'string', default: 'laon-demo' },
        username: { type: 'string' },
        password: { type: 'string' },
        qos: { type: 'string', default: '1' },
        window: { type: 'string', default: '1000' },
        controllers: { type: 'string', default: '120' },
        events: { type: 'boolean', default: false },
        lorawan: { type: 'string' },
        'lorawan-model': { type: 'string' },
        list: { type: 'boolean', default: false },
        scenario: { type: 'string' },
        replay: { type: 'string' },
        record: { type: 'string' },
        speed: { type: 'string' },
        start: { type: 'string' },
        transport: { type: 'string', default: 'gateway' },
        offline: { type: 'boolean', default: false },
        'restamp-now': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const fleet = values.fleet;
  if (fleet !== 'demo' && fleet !== 'mixed') throw new CliUsageError(`--fleet must be demo or mixed, got "${fleet}"`);
  const qos = values.qos === '0' ? 0 : values.qos === '1' ? 1 : undefined;
  if (qos === undefined) throw new CliUsageError(`--qos must be 0 or 1, got "${values.qos}"`);
  const lorawan = values.lorawan;
  if (lorawan !== undefined && lorawan !== 'chirpstack' && lorawan !== 'tts') throw new CliUsageError(`--lorawan must be chirpstack or tts, got "${lorawan}"`);
  const lorawanModel = values['lorawan-model'];
  if (lorawanModel !== undefined) {
    if (lorawan === undefined) throw new CliUsageError('--lorawan-model goes with --lorawan');
    if (!shippedDeviceModel(lorawanModel)) throw new CliUsageError(`--lorawan-model must be one of ${SHIPPED_DEVICE_MODELS.map((m) => m.id).join(', ')}, got "${lorawanModel}"`);
  }
  const transport = values.transport;
  if (transport !== 'gateway' && transport !== 'device') throw new CliUsageError(`--transport must be gateway or device, got "${transport}"`);
  if (values.scenario !== undefined && values.replay !== undefined) throw new CliUsageError('--scenario and --replay go separately');
  if (values.offline && values.scenario === undefined) throw new CliUsageError('--offline needs --scenario');
  if (values['restamp-now'] && values.replay === undefined) throw new CliUsageError('--restamp-now needs --replay');
  if (values.replay !== undefined && values.record !== undefined) throw new CliUsageError('--record records a scenario, not a replay (the recording is already there)');
  return {
    url: values.url,
    fleet,
    rate: number('--rate', values.rate, 0),
    count: values.count === undefined ? Number.POSITIVE_INFINITY : integer('--count', values.count, 0),
    seed: values.seed,
    username: values.username,
    password: values.password,
    qos,
    window: integer('--window', values.window, 1, 65_535),
    controllers: integer('--controllers', values.controllers, 1),
    events: values.events,
    lorawan,
    lorawanModel,
    list: values.list,
    scenario: values.scenario,
    replay: values.replay,
    record: values.record,
    speed: values.speed === undefined ? undefined : number('--speed', values.speed, 0),
    start: values.start === undefined ? undefined : startDate(values.start, Date.now()),
    transport,
    offline: values.offline,
    restampNow: values['restamp-now'],
    help: values.help,
  };
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--start`: an ISO 8601 date-time, `now`, or `now-<N>(m|h|d)`, as epoch ms. */
export function startDate(text: string, now: number): number {
  if (text === 'now') return now;
  const ago = /^now-(\d+(?:\.\d+)?)(m|h|d)$/.exec(text);
  if (ago) return Math.round(now - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]);
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CliUsageError(`--start must be an ISO 8601 date-time, now, or now-<N>(m|h|d), got "${text}"`);
  return ms;
}

function number(name: string, text: string, min: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new CliUsageError(`${name} must be a number ≥ ${min}, got "${text}"`);
  return n;
}

function integer(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = number(name, text, min);
  if (!Number.isInteger(n) || n > max) throw new CliUsageError(`${name} must be an integer in ${min}..${max}, got "${text}"`);
  return n;
}
