import type { MqttClient } from 'mqtt';
import type { DeviceSim, SimMessage } from './device-sim';

export interface LiveDeviceOptions {
  /** Time a controller takes to apply a command and answer, ms (field devices: ~0.2–2 s). */
  ackDelayMs?: number;
  /** Clock of the simulated device (default Date.now: a live run). */
  clock?: () => number;
  /** Called with every ack sent. */
  onAck?(ack: SimMessage): void;
}

const DEFAULT_ACK_DELAY_MS = 300;

/**
 * A simulated device on a live connection: it subscribes to its own `cmd` topic, applies
 * each command to its model after a realistic delay, and answers on `ack` with the state
 * it is then in. Its telemetry then reflects the command (`publishTelemetry`).
 */
export class LiveDevice {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly clock: () => number;

  constructor(
    readonly client: MqttClient,
    readonly sim: DeviceSim,
    private readonly options: LiveDeviceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Subscribes to the device's cmd topic (QoS 1) and answers what arrives there. */
  async start(): Promise<void> {
    const topic = this.sim.commandTopic;
    this.client.on('message', (t, payload) => {
      if (t !== topic) return;
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        const ack = this.sim.handleCommand(payload, this.clock());
        if (!ack) return;
        this.client.publish(ack.topic, ack.payload, { qos: 1 });
        this.options.onAck?.(ack);
      }, this.options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS);
      this.pending.add(timer);
    });
    await this.client.subscribeAsync(topic, { qos: 1 });
  }

  /** Publishes one telemetry reading now and resolves on its PUBACK. */
  async publishTelemetry(): Promise<SimMessage> {
    const message = this.sim.telemetry(this.clock());
    await this.client.publishAsync(message.topic, message.payload, { qos: 1 });
    return message;
  }

  /** Cancels unanswered commands and closes the connection. */
  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    await this.client.endAsync();
  }
}
