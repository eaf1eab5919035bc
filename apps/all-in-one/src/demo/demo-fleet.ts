import type { MqttClient } from 'mqtt';
import { closeClient, connectDevice, deviceSecret, messages, type FaultSpec, type SimDevice, type SimMessage } from '@hv/simulators';

/** Each simulated lamp reports every 5 s (real ones every 10 min: the demo is sped up). */
export const REPORT_EVERY_MS = 5_000;
/** The pacing timer's period, ms. */
const TICK_MS = 100;
/** Devices named in one console line before "and N more". */
const NAMED_IN_LINE = 5;

export interface FleetConnection {
  /** Devices connected and publishing. */
  connected: number;
  /** Devices the broker refused, with its reason. */
  refused: Array<{ id: string; reason: string }>;
}

const listed = (ids: readonly string[]) =>
  ids.length > NAMED_IN_LINE ? `${ids.slice(0, NAMED_IN_LINE).join(', ')} and ${ids.length - NAMED_IN_LINE} more` : ids.join(', ');

/**
 * The demo's simulated fleet on live connections: every device logs in with the secret
 * the demo derives from its seed and publishes in real time. A device the broker refuses
 * (its secret rotated through the registry since the demo registered it) or that loses its
 * connection is said on the console and stays silent: the demo does not stop for it, and
 * never publishes into a lost connection (mqtt.js would hold each QoS 1 message forever).
 */
export class DemoFleet {
  private readonly clients = new Map<string, MqttClient>();
  private timer?: NodeJS.Timeout;
  private sentCount = 0;
  private closing = false;

  constructor(
    private readonly seed: string,
    private readonly devices: readonly SimDevice[],
    private readonly say: (line: string) => void,
  ) {}

  /** Connects every device (one at a time: each login is an scrypt check); refusals are reported, not thrown. */
  async connect(brokerUrl: string): Promise<FleetConnection> {
    const refused: FleetConnection['refused'] = [];
    for (const device of this.devices) {
      if (this.closing) break;
      try {
        const client = await connectDevice(brokerUrl, device, deviceSecret(this.seed, device.id));
        if (this.closing) {
          await closeClient(client);
          break;
        }
        client.on('close', () => this.onLost(device.id));
        this.clients.set(device.id, client);
      } catch (error) {
        refused.push({ id: device.id, reason: (error as Error).message });
      }
    }
    if (refused.length) {
      const reasons = [...new Set(refused.map((r) => r.reason))].join('; ');
      this.say(
        `${refused.length} simulated device(s) refused by the broker (${reasons}): ${listed(refused.map((r) => r.id))}. ` +
          `Their secrets were changed in the registry since the demo registered them (the demo only knows the secrets it derives from its seed); they stay silent.`,
      );
    }
    return { connected: this.clients.size, refused };
  }

  /**
   * Paces the fleet's stream in real time: each connected device once per REPORT_EVERY_MS,
   * playing the faults `faultsOf` plans on the devices that are connected (their fault
   * events, their repairs).
   */
  publish(faultsOf: (live: readonly SimDevice[]) => FaultSpec[] = () => []): void {
    const live = this.devices.filter((d) => this.clients.has(d.id));
    if (live.length === 0) return;
    const faults = faultsOf(live);
    const ratePerS = (live.length * 1000) / REPORT_EVERY_MS;
    const stream: Iterator<SimMessage> = messages(
      { seed: this.seed, devices: live },
      { seed: Date.now(), count: Number.MAX_SAFE_INTEGER, startMs: Date.now(), stepMs: 1000 / ratePerS, channels: ['telemetry', 'event'], faults },
    )[Symbol.iterator]();
    const t0 = Date.now();
    let due = 0;
    this.timer = setInterval(() => {
      const target = Math.floor(((Date.now() - t0) / 1000) * ratePerS);
      while (due < target) {
        const next = stream.next();
        if (next.done) return;
        due++;
        const client = this.clients.get(next.value.device.id);
        if (!client?.connected) continue;
        client.publish(next.value.topic, next.value.payload, { qos: 1 });
        this.sentCount++;
      }
    }, TICK_MS);
  }

  sent(): number {
    return this.sentCount;
  }

  /** Devices whose connection is up. */
  online(): number {
    let n = 0;
    for (const c of this.clients.values()) if (c.connected) n++;
    return n;
  }

  /** Stops publishing and closes every connection, each within closeClient's bound. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await Promise.all([...this.clients.values()].map((c) => closeClient(c)));
  }

  private onLost(id: string): void {
    if (this.closing) return;
    this.say(`${id} lost its connection to the broker; it stays silent until the demo is started again`);
  }
}
