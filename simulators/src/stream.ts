import type { DeviceCommand, UplinkChannel } from '@hv/contracts';
import { DeviceSim, type SimMessage } from './device-sim';
import { Environment } from './env/environment';
import { FaultPlan, type FaultSpec } from './faults';
import type { Fleet, SimDevice } from './fleet';
import { Random, type Seed } from './random';

export type { SimMessage } from './device-sim';
export { lorawanUplink, type LorawanFormat, type LorawanMessage, type LorawanOptions } from './lorawan';

export interface StreamOptions {
  seed: Seed;
  /** Messages to yield; default Infinity (a live feed). */
  count?: number;
  /** Timestamp of the first message, epoch ms. */
  startMs: number;
  /**
   * Simulated time between two consecutive messages of the stream, ms (default 1000).
   * The n-th message is stamped `startMs + n × stepMs`; a device is visited once per
   * round, so it reports every `devices × stepMs` ms (a silent device's turns still take their slot).
   */
  stepMs?: number;
  /** Channels to publish on (default telemetry only). */
  channels?: readonly UplinkChannel[];
  /** Share of messages that are events when `channels` has 'event' (default 0.05). */
  eventShare?: number;
  /** Share of messages that are acks to simulated commands when `channels` has 'ack' (default 0.02). */
  ackShare?: number;
  /**
   * Live mode: stamp each message with this clock instead of `startMs + n × stepMs`
   * (the CLI passes `Date.now`; nothing here reads the clock on its own).
   */
  clock?: () => number;
  /** Shared weather and schedules; default: one built from `seed`. */
  env?: Environment;
  /**
   * Injected faults and their repairs (faults.ts), planned with `seed`. A device under
   * communication loss publishes nothing: its turn passes (its time slot goes by unused)
   * and `count` still counts messages yielded. With 'event' in `channels`, a faulted
   * device reports `fault_raised` / `fault_cleared` (where its contract has the code) in
   * place of its next message once the fault starts or is repaired; with 'status', a
   * device that comes back from a communication loss first reports `reconnect`. A device
   * under uplink loss sends on its turn as usual (its numbers go on) but its uplinks are
   * not yielded (counted in FleetStream.lost); acks of real commands (CommandResponder)
   * are not affected.
   */
  faults?: readonly FaultSpec[];
}

/** Default simulated time between two messages of a stream, ms. */
export const DEFAULT_STEP_MS = 1_000;
export const DEFAULT_EVENT_SHARE = 0.05;
export const DEFAULT_ACK_SHARE = 0.02;
/** Share of visits that report a reconnection when `channels` has 'status'. */
const RECONNECT_SHARE = 0.002;

/**
 * The uplinks of a fleet, in rounds: each round visits every device once, in an order
 * shuffled per round from the seed. Per device, `seq` goes up by one with every
 * telemetry, event or ack; per device and channel, `ts` is strictly increasing. With
 * 'status' in `channels`, a device's first message is its boot status. The same fleet
 * and options give byte-identical messages.
 */
export function messages(fleet: Fleet, options: StreamOptions): Generator<SimMessage, void, undefined> {
  return new FleetStream(fleet, options).messages();
}

/**
 * A fleet's simulated devices and the stream of their uplinks (`messages()`), with the
 * devices kept reachable: a scenario run answers the commands that reach them (`sim(id)`),
 * so the telemetry that follows reflects the command. One `messages()` per FleetStream.
 */
export class FleetStream {
  readonly plan: FaultPlan | undefined;
  /** Numbered uplinks (telemetry, events, acks) sent and lost to an injected uplink loss so far: the gaps the platform should count. */
  lost = 0;
  private readonly sims: DeviceSim[];
  private readonly byId: Map<string, DeviceSim>;

  constructor(
    readonly fleet: Fleet,
    private readonly options: StreamOptions,
  ) {
    const env = options.env ?? new Environment(options.seed);
    this.plan = options.faults?.length ? new FaultPlan(options.faults, fleet, options.seed) : undefined;
    this.sims = fleet.devices.map((device) => new DeviceSim(device, { seed: options.seed, env, faults: this.plan }));
    this.byId = new Map(this.sims.map((s) => [s.device.id, s]));
  }

  /** The simulated device with this id. */
  sim(deviceId: string): DeviceSim | undefined {
    return this.byId.get(deviceId);
  }

  /** Injected faults in progress at `ts`: fault specs and devices they hold (their own, not inherited). */
  activeFaults(ts: number): { faults: number; devices: number } {
    let faults = 0;
    let devices = 0;
    for (const f of this.plan?.faults ?? []) {
      if (f.at <= ts && (f.until === undefined || ts < f.until) && f.devices.length > 0) {
        faults++;
        devices += f.devices.length;
      }
    }
    return { faults, devices };
  }

  *messages(): Generator<SimMessage, void, undefined> {
    const { fleet, options, plan, sims } = this;
    const count = options.count ?? Number.POSITIVE_INFINITY;
    const stepMs = options.stepMs ?? DEFAULT_STEP_MS;
    if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${stepMs}`);
    const n = fleet.devices.length;
    if (n === 0 || count <= 0) return;
    const channels = new Set(options.channels ?? ['telemetry']);
    const eventShare = channels.has('event') ? (options.eventShare ?? DEFAULT_EVENT_SHARE) : 0;
    const ackShare = channels.has('ack') ? (options.ackShare ?? DEFAULT_ACK_SHARE) : 0;
    const withStatus = channels.has('status');
    const withTelemetry = channels.has('telemetry');
    if (!withTelemetry && eventShare + ackShare === 0 && !withStatus) throw new RangeError('no channel to publish on');

    const withFaultEvents = plan !== undefined && channels.has('event');
    const booted = new Uint8Array(n);
    const wasSilent = new Uint8Array(n);
    let silentRun = 0;
    const rng = new Random(options.seed, 'stream');
    const order = Array.from({ length: n }, (_, i) => i);

    for (let i = 0, yielded = 0; yielded < count; i++) {
      const pos = i % n;
      if (pos === 0) rng.shuffle(order);
      const k = order[pos]!;
      const sim = sims[k]!;
      const ts = options.clock ? options.clock() : options.startMs + Math.floor(i * stepMs);

      if (plan && sim.silent(ts)) {
        wasSilent[k] = 1;
        // Every device silenced for good: nothing more will ever come.
        if (++silentRun >= n && fleet.devices.every((d) => plan.silentForever(d.id, ts))) return;
        continue;
      }
      silentRun = 0;
      const m = visit(k, sim, ts);
      // Uplink loss: the device sent it (its number is taken) and nobody heard it.
      if (plan?.losing(sim.device.id, ts)) {
        if (m.seq >= 0) this.lost++;
        continue;
      }
      yielded++;
      yield m;
    }

    /** The message a device sends on its turn (the draws from `rng` in the same order as ever: the stream stays byte-identical). */
    function visit(k: number, sim: DeviceSim, ts: number): SimMessage {
      if (withStatus && !booted[k]) {
        booted[k] = 1;
        wasSilent[k] = 0;
        return sim.status(ts, 'boot');
      }
      if (withStatus && wasSilent[k]) {
        wasSilent[k] = 0;
        return sim.status(ts, 'reconnect');
      }
      const r = rng.next();
      const faultEvent = withFaultEvents ? sim.faultEvent(ts) : null;
      if (faultEvent) return faultEvent;
      const reconnectShare = withStatus ? RECONNECT_SHARE : 0;
      if (r < eventShare) return sim.event(ts);
      if (r < eventShare + ackShare) return sim.ack(simulatedCommand(sim.device, rng, ts), ts);
      if (r < eventShare + ackShare + reconnectShare) return sim.status(ts, 'reconnect');
      if (withTelemetry) return sim.telemetry(ts);
      // No telemetry asked for: events and acks in their own proportions.
      if (eventShare + ackShare > 0) return rng.next() * (eventShare + ackShare) < eventShare ? sim.event(ts) : sim.ack(simulatedCommand(sim.device, rng, ts), ts);
      return sim.status(ts, 'reconnect');
    }
  }
}

/** A command telegestion could have sent just before `ts`, for the ack channel. */
function simulatedCommand(device: SimDevice, rng: Random, ts: number): DeviceCommand {
  const cmd_id = `sim-${rng.hex(12)}`;
  const sentAt = Math.max(1, ts - 500);
  switch (device.domain) {
    case 'lighting':
      return { cmd_id, ts: sentAt, level_pct: rng.pick([0, 30, 50, 100]), ramp_s: 5, reason: 'override', expires_at: ts + 2 * 3_600_000 };
    case 'heating':
      return rng.chance(0.5) ? { cmd_id, ts: sentAt, mode: 'eco', setpoint_c: 16 } : { cmd_id, ts: sentAt, mode: 'auto' };
    default:
      return rng.chance(0.5) ? { cmd_id, ts: sentAt, action: 'sync_time' } : { cmd_id, ts: sentAt, action: 'set_interval', interval_s: rng.pick([300, 600, 900]) };
  }
}
