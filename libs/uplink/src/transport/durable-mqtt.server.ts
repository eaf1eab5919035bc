import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { DurableMqttConsumer, type DurableMqttOptions, type InboundMessage } from './durable-mqtt.consumer';

export type { DurableMqttOptions, InboundMessage } from './durable-mqtt.consumer';

/** The pattern the consuming controller (ingest's) listens on; one handler receives every uplink, in arrays. */
export const UPLINK_PATTERN = 'hv.uplink';

/**
 * The durable consumer as a Nest transport strategy (ingest's): a DurableMqttConsumer (acks only once
 * the handler made a message durable) feeding the `@EventPattern(UPLINK_PATTERN)` handler.
 */
export class DurableMqttServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol('hv-durable-mqtt');
  protected override readonly logger = new Logger(DurableMqttServer.name);
  private consumer: DurableMqttConsumer | undefined;

  constructor(private readonly options: DurableMqttOptions) {
    super();
  }

  get inflight(): number {
    return this.consumer?.inflight ?? 0;
  }

  get connected(): boolean {
    return this.consumer?.connected ?? false;
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    const handler = this.getHandlerByPattern(UPLINK_PATTERN);
    if (!handler) throw new Error(`no @EventPattern('${UPLINK_PATTERN}') handler is registered`);
    this.consumer = new DurableMqttConsumer(
      this.options,
      async (msgs: InboundMessage[]) => {
        const result = await handler(msgs);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      },
      DurableMqttServer.name,
    );
    this.consumer.start(() => callback());
  }

  async close(): Promise<void> {
    await this.consumer?.close();
  }

  on(): never {
    throw new Error('DurableMqttServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.consumer?.mqttClient as T;
  }
}
