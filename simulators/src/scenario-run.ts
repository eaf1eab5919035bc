import type { MqttClient } from 'mqtt';
import { performance } from 'node:perf_hooks';
import { dirname, isAbsolute, resolve } from 'node:path';
import { aisneFleet, laonEpciFleet } from './aisne-fleet';
import { CommandResponder, type CommandStats } from './command-responder';
import type { SimMessage } from './device-sim';
import { demoFleet, type Fleet, type SimDevice } from './fleet';
import { readFleetFile } from './fleet-file';
import { lorawanUplink, type LorawanFormat } from './lorawan';
import { FleetPublisher, FleetPublishError, type Publishable, type PublishResult } from './publisher';
import { RecordingWriter, type RecordingSummary } from './recording';
import { scenarioEnvironment, scenarioFaults, SimClock, type Scenario } from './scenario';
import { FleetStream } from './stream';

/** What the fleet publishes: native uplinks (SimMessage) or network-server uplinks (LorawanMessage). */
type Uplink = Publishable & { ts: number; device: SimDevice };

/** The fleet a scenario names; `baseDir` resolves a relative fleet file path (the scenario file's folder). */
export function scenarioFleet(scenario: Scenario, baseDir = process.cwd()): Fleet {
  const f = scenario.fleet;
  switch (f.kind) {
    case 'aisne':
      return aisneFleet({ seed: f.seed, ...(f.communes ? { communes: f.communes } : {}), ...(f.scale !== undefined ? { scale: f.scale } : {}) });
    case 'laon-epci':
      return laonEpciFleet(f.seed);
    case 'demo':
      return demoFleet(f.seed !== undefined ? { seed: f.seed } : {});
    case 'file':
      return readFleetFile(isAbsolute(f.path) ? f.path : resolve(baseDir, f.path));
  }
}

/** Where a scenario file's relative paths start. */
export const scenarioBaseDir = (scenarioPath: string): string => dirname(resolve(scenarioPath));

/**
 * The scenario's fleet simulation: its devices (to answer commands) and its uplinks
 * (`messages()`, ending at the scenario's end). Without commands, the same scenario
 * and fleet give a byte-identical stream.
 */
export function scenarioStream(scenario: Scenario, fleet: Fleet): { stream: FleetStream; startMs: number; endMs: number; messages(): Generator<SimMessage, void, undefined> } {
  const startMs = Date.parse(scenario.start);
  const endMs = startMs + scenario.duration_s * 1000;
  const stream = new FleetStream(fleet, { seed: scenario.seed, startMs, stepMs: scenario.step_ms, channels: scenario.channels, faults: scenarioFaults(scenario), env: scenarioEnvironment(scenario), ...(scenario.event_share !== undefined ? { eventShare: scenario.event_share } : {}) });
  return {
    stream,
    startMs,
    endMs,
    *messages() {
      for (const m of stream.messages()) {
        if (m.ts >= endMs) return;
        yield m;
      }
    },
  };
}

/**
 * How the fleet reaches the broker: one gateway (or service) connection publishing for
 * every device and answering their commands, as a LoRaWAN network server or a field
 * gateway does; or one connection per device, each on its own credentials.
 */
export type ScenarioTransport =
  | { kind: 'gateway'; client: MqttClient; lorawan?: LorawanFormat }
  | { kind: 'device'; clients: ReadonlyMap<string, MqttClient> };

export interface ScenarioProgress {
  /** Simulated now (the ts of the last message handed to the broker), epoch ms. */
  simTs: number;
  /** Share of the scenario's simulated duration done, 0..1. */
  done: number;
  devices: number;
  published: number;
  acked: number;
  failed: number;
  inFlight: number;
  /** Acknowledged messages per wall-clock second since the last progress report. */
  ratePerS: number;
  commands: Readonly<CommandStats>;
  /** Injected faults in progress at `simTs`, and the devices they hold. */
  faultsActive: { faults: number; devices: number };
  elapsedMs: number;
}

export interface ScenarioRunOptions {
  transport: ScenarioTransport;
  /** Overrides the scenario's speed (simulated s per wall-clock s; 0 as fast as possible). */
  speed?: number;
  qos?: 0 | 1;
  /** Publishes in flight at most (default 1,000). */
  window?: number;
  /** Records everything the fleet publishes (its acks too) to this gzip JSONL file. */
  record?: string;
  signal?: AbortSignal;
  onProgress?(progress: ScenarioProgress): void;
  /** Wall-clock ms between progress reports (default 1,000). */
  progressEveryMs?: number;
  /** The fleet (default: the one the scenario names, from `baseDir`). */
  fleet?: Fleet;
  baseDir?: string;
}

export interface ScenarioResult extends PublishResult {
  scenario: string;
  devices: number;
  /** Simulated span covered: first and last message ts, epoch ms. */
  simulatedFrom: number;
  simulatedTo: number;
  speed: number;
  commands: CommandStats;
  /** Injected faults (scenario entries) and the devices they hit. */
  faults: { planned: number; devices: number };
  /** Numbered uplinks the fleet sent and lost on purpose (`uplink_loss`): the sequence gaps the platform should count. */
  lost: number;
  /** Whether the run stopped early (signal, lost connection). */
  interrupted: boolean;
  recording?: RecordingSummary;
}

/**
 * Plays a scenario against a broker: the fleet's uplinks, stamped on the scenario's
 * simulated clock (start date, speed), with its faults injected and repaired on time,
 * and every command reaching a device answered with an ack after the scenario's delay
 * (`commands.fail_share` of them `failed`). The stream is the one `messages()` gives for
 * the same fleet, seed and faults, so a run with no commands publishes exactly the
 * recorded stream of that scenario; a command changes what the device reports next.
 */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioResult> {
  const fleet = options.fleet ?? scenarioFleet(scenario, options.baseDir);
  const speed = options.speed ?? scenario.speed;
  if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a finite number ≥ 0, got ${speed}`);
  const run = scenarioStream(scenario, fleet);
  const { stream, startMs, endMs } = run;
  const transport = options.transport;
  // Elapsed time counts from before the clock starts, so it is never shorter than what the clock paced.
  const started = performance.now();
  const clock = speed > 0 ? new SimClock(startMs, speed) : undefined;
  let simTs = startMs;
  // The fleet's shared clock: the scenario clock when paced, else the stream's position.
  const simNow = clock ? () => Math.max(simTs, Math.min(endMs, clock.now())) : () => simTs;

  const recorder = options.record ? new RecordingWriter(options.record) : undefined;
  const responder = new CommandResponder((id) => stream.sim(id), {
    ackDelayMs: scenario.commands.ack_delay_ms,
    failShare: scenario.commands.fail_share,
    missShare: scenario.commands.miss_share,
    seed: scenario.seed,
    speed,
    clock: simNow,
    onAck: (ack) => recorder?.write(ack),
  });
  const primary = transport.kind === 'gateway' ? transport.client : firstOf(transport.clients);
  if (transport.kind === 'gateway') responder.attach(transport.client);
  else for (const client of transport.clients.values()) responder.attach(client);

  let firstTs: number | undefined;
  function* uplinks(): Generator<Uplink> {
    for (const m of run.messages()) {
      firstTs ??= m.ts;
      yield transport.kind === 'gateway' && transport.lorawan && m.device.devEui && m.channel === 'telemetry' ? lorawanUplink(m, transport.lorawan) : m;
    }
  }
  const clientOf =
    transport.kind === 'device'
      ? (m: Uplink) => {
          const client = transport.clients.get(m.device.id);
          if (!client) throw new Error(`no connection for device ${m.device.id}`);
          return client;
        }
      : undefined;

  const publisher = new FleetPublisher(primary);
  let lastAcked = 0;
  let lastAt = started;
  const report = () => {
    const now = performance.now();
    const s = publisher.stats;
    const ratePerS = ((s.acked - lastAcked) * 1000) / Math.max(1, now - lastAt);
    lastAcked = s.acked;
    lastAt = now;
    const at = simNow();
    options.onProgress?.({
      simTs: at,
      done: Math.min(1, (at - startMs) / (endMs - startMs)),
      devices: fleet.devices.length,
      published: s.published,
      acked: s.acked,
      failed: s.failed,
      inFlight: s.inFlight,
      ratePerS,
      commands: { ...responder.stats },
      faultsActive: stream.activeFaults(at),
      elapsedMs: now - started,
    });
  };
  const progress = options.onProgress ? setInterval(report, options.progressEveryMs ?? 1_000) : undefined;

  let result: PublishResult;
  let interrupted = false;
  try {
    try {
      result = await publisher.publish(uplinks(), {
        qos: options.qos ?? 1,
        window: options.window,
        signal: options.signal,
        clientOf,
        delayOf: clock ? (m) => clock.wallDelayUntil(m.ts) : undefined,
        onSent: (m) => {
          simTs = m.ts;
          recorder?.write(m);
        },
      });
    } catch (error) {
      if (!(error instanceof FleetPublishError)) throw error;
      result = error.result;
      interrupted = true;
    }
    interrupted ||= options.signal?.aborted === true;
    // Commands still arriving for the last simulated instants get their answer.
    if (!interrupted && clock) await new Promise((r) => setTimeout(r, scenario.commands.ack_delay_ms / speed + 50));
  } catch (error) {
    responder.stop();
    if (progress) clearInterval(progress);
    await recorder?.abort();
    throw error;
  }
  responder.stop();
  if (progress) clearInterval(progress);
  report();
  const recording = recorder ? await recorder.close() : undefined;
  const plan = stream.plan;
  return {
    scenario: scenario.name,
    devices: fleet.devices.length,
    ...result,
    simulatedFrom: firstTs ?? startMs,
    simulatedTo: simTs,
    speed,
    commands: { ...responder.stats },
    faults: { planned: plan?.faults.length ?? 0, devices: new Set(plan?.faults.flatMap((f) => f.devices)).size },
    lost: stream.lost,
    interrupted,
    ...(recording ? { recording } : {}),
  };
}

function firstOf(clients: ReadonlyMap<string, MqttClient>): MqttClient {
  const first = clients.values().next();
  if (first.done) throw new RangeError('device transport without any connection');
  return first.value;
}
