import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { deviceTopic, GATEWAY_USERNAME_PREFIX, gatewayClientId } from '@hv/contracts';
import type { SimDevice } from './fleet';
import { willPayload } from './models/status';

export interface ConnectOptions {
  /**
   * Gateways: a name for this connection, sent as `gateway:{id}:{name}` (default: the
   * username alone); anonymous and service connections: the client id as given. Devices
   * always connect as their own id: the broker refuses any other (DEVICE-CONTRACT.md).
   */
  clientId?: string;
  /** Time between reconnection attempts, ms; 0 (default) never reconnects. */
  reconnectPeriodMs?: number;
  /** Give up when the CONNACK has not come by then, ms (default 10,000). */
  connectTimeoutMs?: number;
  /** MQTT keep-alive, s (default 60). */
  keepaliveS?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEPALIVE_S = 60;

/**
 * Connects as one device (username = device id): MQTT 3.1.1 (aedes speaks nothing
 * else), clean session, and a retained last will `{"online":false,"reason":"will"}` on
 * the device's status topic, which the broker publishes if the device vanishes.
 */
export function connectDevice(url: string, device: SimDevice, secret: string, options: Omit<ConnectOptions, 'clientId'> = {}): Promise<MqttClient> {
  return connectMqtt(url, {
    clientId: device.id,
    username: device.id,
    password: secret,
    will: {
      topic: deviceTopic(device.tenant, device.domain, device.id, 'status'),
      payload: Buffer.from(JSON.stringify(willPayload())),
      qos: 1,
      retain: true,
    },
  }, options);
}

/** Connects as a gateway, a network-server bridge or a service account (no last will). */
export function connectGateway(url: string, username: string, password: string, options: ConnectOptions = {}): Promise<MqttClient> {
  const clientId = username.startsWith(GATEWAY_USERNAME_PREFIX) ? gatewayClientId(username, options.clientId) : (options.clientId ?? username);
  return connectMqtt(url, { clientId, username, password }, options);
}

/**
 * Connects with these client options (credentials, will…) and the simulators' defaults:
 * MQTT 3.1.1, clean session, no reconnection unless asked. Resolves on CONNACK, rejects
 * on a refusal, a closed socket or a timeout.
 */
export function connectMqtt(url: string, base: IClientOptions, options: ConnectOptions = {}): Promise<MqttClient> {
  const reconnectPeriod = options.reconnectPeriodMs ?? 0;
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = mqtt.connect(url, {
    ...base,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod,
    connectTimeout: timeoutMs,
    keepalive: options.keepaliveS ?? DEFAULT_KEEPALIVE_S,
  });
  return new Promise<MqttClient>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no CONNACK from ${url} within ${timeoutMs} ms`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', fail);
      client.off('close', onClose);
    };
    const onConnect = () => {
      done();
      // Later errors (a reset socket) also surface as 'close' and as failed publishes;
      // without a listener an 'error' event would throw and end the process.
      client.on('error', () => undefined);
      resolve(client);
    };
    function fail(error: Error) {
      done();
      client.end(true);
      reject(error);
    }
    const onClose = () => {
      if (reconnectPeriod === 0) fail(new Error(`connection to ${url} closed before CONNACK`));
    };
    client.on('connect', onConnect);
    client.on('error', fail);
    client.on('close', onClose);
  });
}
