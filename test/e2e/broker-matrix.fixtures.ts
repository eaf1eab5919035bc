/**
 * The broker security matrix's world: two communes, each with luminaires (they log in
 * themselves), LoRaWAN parking spots (no secret, behind a bridge), a native gateway, a
 * ChirpStack bridge and a The Things Stack bridge; and the five identity kinds that log in.
 */
import type { MqttClient } from 'mqtt';
import type { Domain } from '@hv/contracts';
import { deviceSecret, lightingFleet } from '@hv/simulators';
import { Database, DeviceRepository, GatewayRepository, TEST_SCRYPT_COST } from '@hv/state';
import { connectRaw, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { metricSum, scrape } from '../support/wait';

export const LAON = '02408';
export const SOISSONS = '02722';
export type Kind = 'device' | 'native gateway' | 'ChirpStack bridge' | 'TTS bridge' | 'service';

export interface Login {
  kind: Kind;
  username: string;
  password: string;
  /** A client id of its own (what a well-behaved client sends). */
  clientId: string;
  /** Which client ids are its own, stated here independently of the broker's code. */
  owns(clientId: string): boolean;
}

export interface Commune {
  tenant: string;
  lamps: string[];
  /** LoRaWAN parking spots: id → devEui. */
  spots: Array<{ id: string; devEui: string }>;
  logins: Record<Exclude<Kind, 'service'>, Login>;
}

const BRIDGES = { 'native gateway': ['gw', 'native'], 'ChirpStack bridge': ['cs', 'chirpstack'], 'TTS bridge': ['tts', 'tts'] } as const;

export function lampsOf(seed: string, tenant: string) {
  return lightingFleet({ seed: `${seed}-${tenant}`, tenant, controllers: 3 }).devices.filter((d) => d.type === 'lighting-controller');
}

/** Registers the spots and bridges (the lamps and native gateways come from preparePlatform). */
export async function provisionCommune(tp: TestPlatform, seed: string, tenant: string, index: number): Promise<Commune> {
  const db = new Database(tp.pgUrl, { max: 1 });
  try {
    const devices = new DeviceRepository(db);
    const gateways = new GatewayRepository(db);
    const spots = [1, 2].map((n) => ({ id: `spot-${tenant}-${n}`, devEui: `a1b2c3d4e5f6${index}${n}`.padEnd(16, '0').slice(0, 16) }));
    for (const s of spots) await devices.create({ id: s.id, tenant, type: 'parking-spot', devEui: s.devEui });
    const logins = {} as Commune['logins'];
    for (const [kind, [prefix, network]] of Object.entries(BRIDGES) as Array<[keyof typeof BRIDGES, (typeof BRIDGES)[keyof typeof BRIDGES]]>) {
      const id = `${prefix}-${tenant}`;
      const password = deviceSecret(seed, id);
      if (network !== 'native') await gateways.create({ id, tenant, network, secret: password, secretCost: TEST_SCRYPT_COST });
      const username = `gateway:${id}`;
      logins[kind] = { kind, username, password, clientId: `${username}:e2e`, owns: (c) => c === username || c.startsWith(`${username}:`) };
    }
    const lamps = lampsOf(seed, tenant).map((d) => d.id);
    const lamp = lamps[0]!;
    logins.device = { kind: 'device', username: lamp, password: deviceSecret(seed, lamp), clientId: lamp, owns: (c) => c === lamp };
    return { tenant, lamps, spots, logins };
  } finally {
    await db.close();
  }
}

export const serviceLogin: Login = { kind: 'service', ...SERVICE_ACCOUNT, clientId: 'hv:e2e-matrix', owns: (c) => c.startsWith('hv:') };

export const reading = (seq: number) => JSON.stringify({ ts: Date.now() - 2_000 + seq, seq, on: true, level_pct: 80, power_w: 40.5, energy_wh: 1000 + seq });
export const lampTopic = (tenant: string, lamp: string, domain: Domain | string = 'lighting', channel = 'telemetry') => `hv/v1/${tenant}/${domain}/${lamp}/${channel}`;
export const chirpstackTopic = (devEui: string) => `application/7/device/${devEui}/event/up`;
export const ttsTopic = (device: string) => `v3/parking@useda/devices/${device}/up`;
export const ttsBody = (devEui: string) => JSON.stringify({ end_device_ids: { device_id: 'spot', dev_eui: devEui }, received_at: new Date().toISOString(), uplink_message: { f_cnt: 1, f_port: 2, decoded_payload: { occupied: true } } });
export const chirpstackBody = (devEui: string) => JSON.stringify({ deviceInfo: { devEui }, time: new Date().toISOString(), fCnt: 1, fPort: 2, object: { occupied: true } });

/** The broker's refusals of one kind, from its /metrics. */
export async function refusedCount(tp: TestPlatform, kind: string, httpUrl = tp.platform!.httpUrl): Promise<number> {
  return metricSum(await scrape(httpUrl), 'hv_broker_refused_total', { kind });
}

export const loginOptions = (login: Login, clientId = login.clientId) => ({ username: login.username, password: login.password, clientId, clean: true });

/** The CONNACK return code of a CONNECT (0: accepted, then closed again). */
export async function connackCode(url: string, login: Login, clientId: string): Promise<number> {
  try {
    const client = await connectRaw(url, loginOptions(login, clientId));
    await client.endAsync();
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

/** Resolves true once the broker closed the connection, false if it is still open after `ms`. */
export function closedWithin(client: MqttClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => (clearTimeout(timer), resolve(true)));
  });
}

/** Publishes at QoS 1: true on PUBACK, false when the connection closed first (MQTT 3.1.1 has no negative PUBACK). */
export function acknowledged(client: MqttClient, topic: string, payload: string, ms = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => (clearTimeout(timer), resolve(false)));
    client.publish(topic, payload, { qos: 1 }, (error) => (clearTimeout(timer), resolve(!error)));
  });
}

/** The QoS the broker granted one filter (0x80: refused, MQTT 3.1.1 §3.9.3). */
export function grantedQos(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve) => {
    client.subscribe(filter, { qos: 1 }, (_error, _requested, suback) => {
      const code = (suback as { granted?: Array<number | { qos: number }> } | undefined)?.granted?.[0];
      resolve(typeof code === 'number' ? code : (code?.qos ?? -1));
    });
  });
}
