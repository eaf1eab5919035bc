import { Logger } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import type { DurableMqttOptions } from '@hv/uplink';
import type { CommandTransport } from './commands/command.service';

/**
 * Telegestion's second MQTT connection, for what it publishes: commands, LoRaWAN
 * downlinks and platform events. Not the reading connection: that one stops reading the
 * socket while a batch is judged and made durable (backpressure), and the broker's PUBACKs
 * of commands waited behind it, so a 50,000-luminaire fan-out went at the pace of the rule
 * checkpoints. Clean session: mqtt.js keeps unacknowledged QoS 1 publishes in memory and
 * sends them again after a reconnection; a command lost with the process is still
 * `queued`/`sent` in PostgreSQL and sent again after the restart.
 */
export class OutboundMqtt implements CommandTransport {
  private readonly logger = new Logger('TelegestionOutbound');
  private mqttClient: MqttClient | undefined;

  constructor(private readonly options: Pick<DurableMqttOptions, 'url' | 'clientId' | 'username' | 'password'>) {}

  start(): void {
    this.mqttClient = mqtt.connect(this.options.url, {
      clientId: `${this.options.clientId.slice(0, 60)}-out`,
      clean: true,
      protocolVersion: 4,
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
    });
    this.mqttClient.on('error', (error) => this.logger.warn(`broker connection: ${error.message}`));
  }

  get client(): MqttClient | undefined {
    return this.mqttClient;
  }

  get ready(): boolean {
    return this.mqttClient?.connected ?? false;
  }

  /** Resolves when the broker acknowledged it (QoS 1) or it left (QoS 0); a failure is logged, and the command's ack timeout resends it. */
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void> {
    return new Promise((resolve) => {
      if (!this.mqttClient) return resolve();
      this.mqttClient.publish(topic, payload, { qos }, (error) => {
        if (error) this.logger.warn(`not published on ${topic}: ${error.message}`);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    await this.mqttClient?.endAsync();
  }
}
