import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { clip, deadLetterTopic } from '@hv/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import type { InboundMessage, Rejection } from '@hv/uplink';

/** Bytes of a rejected payload kept in its dead letter (enough to debug a device). */
const MAX_DEAD_LETTER_PAYLOAD_BYTES = 4_096;

export interface DeadLetter {
  reason: string;
  detail: string;
  topic: string;
  tenant: string | null;
  device: string | null;
  received_at: string;
  payload_base64: string;
  payload_bytes: number;
  truncated: boolean;
}

export function toDeadLetter(rejection: Rejection, msg: InboundMessage): DeadLetter {
  const kept = msg.payload.subarray(0, MAX_DEAD_LETTER_PAYLOAD_BYTES);
  return {
    reason: rejection.reason,
    detail: rejection.detail,
    topic: clip(msg.topic, 256),
    tenant: rejection.tenant ?? null,
    device: rejection.device ?? null,
    received_at: new Date(msg.receivedAtMs).toISOString(),
    payload_base64: kept.toString('base64'),
    payload_bytes: msg.payload.length,
    truncated: kept.length < msg.payload.length,
  };
}

export interface DeadLetterSink {
  publish(letter: DeadLetter): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes dead letters at QoS 1 on `hv/dlq/v1/{reason}`; the rejected message is
 * acknowledged only after the broker acknowledged its dead letter.
 */
export class MqttDeadLetterSink implements DeadLetterSink, OnApplicationBootstrap {
  private readonly logger = new Logger(MqttDeadLetterSink.name);
  private readonly client: MqttClient;

  constructor(options: { url: string; clientId: string; username?: string; password?: string }) {
    this.client = mqtt.connect(options.url, {
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      // Connects at bootstrap, once an embedded broker in the same app listens.
      manualConnect: true,
    });
    this.client.on('error', (e) => this.logger.warn(`dead-letter connection: ${e.message}`));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  onApplicationBootstrap(): void {
    this.client.connect();
  }

  publish(letter: DeadLetter): Promise<void> {
    return new Promise((resolve) => {
      // mqtt.js keeps QoS 1 publishes while disconnected and sends them on reconnect.
      this.client.publish(deadLetterTopic(letter.reason), JSON.stringify(letter), { qos: 1 }, (error) => {
        if (error) this.logger.error(`dead letter not published (${letter.reason} ${letter.topic}): ${error.message}`);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
