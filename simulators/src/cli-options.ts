import { parseArgs } from 'node:util';
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
  /** Print the fleet (with each device's secret) as JSON lines and exit. */
  list: boolean;
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
  --list               print the fleet with each device's secret (JSON lines) and exit
  --help`;

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
        list: { type: 'boolean', default: false },
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
    list: values.list,
    help: values.help,
  };
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
