import { parseLorawanDownlink, type LorawanDownlinkTarget } from '@hv/contracts';
import type { CommandResponderOptions, CommandStats } from './command-responder';
import type { DeviceSim } from './device-sim';
import { lorawanUplink, type LorawanMessage } from './lorawan';
import { Random } from './random';

export interface LorawanResponderOptions extends CommandResponderOptions {
  /** Called with every ack uplink published (after onAck, which gets the native ack). */
  onUplink?(uplink: LorawanMessage): void;
}

/** The simulated device a downlink is for: by devEui (ChirpStack) or device id (TTS). */
export type LorawanDeviceLookup = (target: LorawanDownlinkTarget) => DeviceSim | undefined;

/**
 * What attach() needs of a connection; an mqtt.js MqttClient is one. Narrow, so the
 * logic can be driven without a broker.
 */
export interface DownlinkConnection {
  on(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  off(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  publish(topic: string, payload: Buffer, options: { qos: 0 | 1 }): unknown;
}

const DEFAULT_ACK_DELAY_MS = 300;

/**
 * Looks LoRaWAN sims up the way the network servers name them: ChirpStack by devEui,
 * The Things Stack by device id (the simulated uplinks use the registry id as TTS id).
 */
export function lorawanLookup(sims: Iterable<DeviceSim>): LorawanDeviceLookup {
  const byEui = new Map<string, DeviceSim>();
  const byId = new Map<string, DeviceSim>();
  for (const sim of sims) {
    if (!sim.device.devEui) continue;
    byEui.set(sim.device.devEui, sim);
    byId.set(sim.device.id, sim);
  }
  return (t) => (t.format === 'chirpstack' ? byEui.get(t.devEui) : byId.get(t.deviceId));
}

/**
 * CommandResponder for LoRaWAN devices behind a network server's MQTT integration: every
 * downlink on `application/+/device/+/command/down` (ChirpStack v4) or
 * `v3/+/devices/+/down/push` (The Things Stack v3) reaching an attached connection is
 * decoded (fPort 10, JSON codec), applied after the device's delay to its model, and
 * answered on the same connection with an fPort-11 uplink in the same format, on the
 * same application. A Class A device only hears a downlink in the receive windows after
 * one of its own uplinks: `ackDelayMs` stands for that wait too.
 */
export class LorawanCommandResponder {
  readonly stats: CommandStats = { received: 0, answered: 0, failed: 0, missed: 0, ignored: 0 };
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly detachers: Array<() => void> = [];
  private readonly clock: () => number;
  private readonly wallDelayMs: number;
  private stopped = false;

  constructor(
    private readonly lookup: LorawanDeviceLookup,
    private readonly options: LorawanResponderOptions = {},
  ) {
    const speed = options.speed ?? 1;
    if (!(speed >= 0)) throw new RangeError(`speed must be ≥ 0, got ${speed}`);
    const failShare = options.failShare ?? 0;
    if (!(failShare >= 0 && failShare <= 1)) throw new RangeError(`failShare must be in 0..1, got ${failShare}`);
    this.clock = options.clock ?? Date.now;
    const delay = options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS;
    this.wallDelayMs = speed === 0 ? 0 : delay / speed;
  }

  /** Listens to the downlinks arriving on `client` and answers on it. Subscribing is the caller's. */
  attach(client: DownlinkConnection): void {
    const onMessage = (topic: string, payload: Buffer) => this.onMessage(client, topic, payload);
    client.on('message', onMessage);
    this.detachers.push(() => client.off('message', onMessage));
  }

  /** Stops answering: downlinks not yet answered are dropped (the device was switched off). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    for (const detach of this.detachers.splice(0)) detach();
  }

  private onMessage(client: DownlinkConnection, topic: string, payload: Buffer): void {
    if (!topic.endsWith('/command/down') && !topic.endsWith('/down/push')) return;
    this.stats.received++;
    const parsed = parseLorawanDownlink(topic, payload);
    const sim = parsed.ok ? this.lookup(parsed.route) : undefined;
    // As a device would: nothing answers a frame it cannot decode or that is not its own.
    if (!parsed.ok || !sim || !sim.device.devEui) {
      this.stats.ignored++;
      return;
    }
    const { route, command } = parsed;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (this.stopped) return;
      const fail = this.shouldFail(command);
      const ack = sim.handleCommand(JSON.stringify(command), this.clock(), { fail });
      if (!ack) {
        this.stats.ignored++;
        return;
      }
      this.stats.answered++;
      if (fail && ack.payload.includes('"status":"failed"')) this.stats.failed++;
      const uplink = route.format === 'chirpstack'
        ? lorawanUplink(ack, 'chirpstack', { applicationId: route.applicationId })
        : lorawanUplink(ack, 'tts', { applicationId: route.applicationId, tenantId: route.tenantId });
      client.publish(uplink.topic, uplink.payload, { qos: uplink.qos });
      this.options.onAck?.(ack);
      this.options.onUplink?.(uplink);
    }, this.wallDelayMs);
    this.pending.add(timer);
  }

  /**
   * Whether this command is one of the `failShare` answered `failed`: drawn as
   * CommandResponder draws it (seed, 'cmd-fail', cmd_id), so the same commands fail
   * whichever way they reach the device.
   */
  private shouldFail(command: unknown): boolean {
    const share = this.options.failShare ?? 0;
    if (share === 0) return false;
    if (share === 1) return true;
    const id = (command as { cmd_id?: unknown } | null)?.cmd_id;
    return new Random(this.options.seed ?? 0, 'cmd-fail', typeof id === 'string' && id.length <= 64 ? id : '').next() < share;
  }
}
