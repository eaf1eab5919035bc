import type { MqttClient } from 'mqtt';
import { closeClient } from './close-client';
import { CommandResponder, type CommandStats } from './command-responder';
import type { DeviceSim, SimMessage } from './device-sim';

export interface LiveDeviceOptions {
  /** Time a controller takes to apply a command and answer, ms (field devices: ~0.2–2 s). */
  ackDelayMs?: number;
  /** Clock of the simulated device (default Date.now: a live run). */
  clock?: () => number;
  /** Called with every ack sent. */
  onAck?(ack: SimMessage): void;
}

/**
 * A simulated device on a live connection: it subscribes to its own `cmd` topic, applies
 * each command to its model after a realistic delay, and answers on `ack` with the state
 * it is then in. Its telemetry then reflects the command (`publishTelemetry`).
 */
export class LiveDevice {
  private readonly clock: () => number;
  private readonly responder: CommandResponder;

  constructor(
    readonly client: MqttClient,
    readonly sim: DeviceSim,
    options: LiveDeviceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.responder = new CommandResponder((id) => (id === sim.device.id ? sim : undefined), { ...options, clock: this.clock });
  }

  get commands(): Readonly<CommandStats> {
    return this.responder.stats;
  }

  /** Subscribes to the device's cmd topic (QoS 1) and answers what arrives there. */
  async start(): Promise<void> {
    this.responder.attach(this.client);
    await this.client.subscribeAsync(this.sim.commandTopic, { qos: 1 });
  }

  /** Publishes one telemetry reading now and resolves on its PUBACK. */
  async publishTelemetry(): Promise<SimMessage> {
    const message = this.sim.telemetry(this.clock());
    await this.client.publishAsync(message.topic, message.payload, { qos: 1 });
    return message;
  }

  /** Cancels unanswered commands and closes the connection, within closeClient's bound even when it was lost. */
  async stop(): Promise<void> {
    this.responder.stop();
    await closeClient(this.client);
  }
}
