import { describe, expect, it } from 'vitest';
import { mayPublish, maySubscribe } from './acl';
import type { BrokerAuthority, DeviceHome, Identity } from './identity';

const homes: Record<string, DeviceHome> = {
  '02408-lc-00001': { tenant: '02408', domain: 'lighting' },
  '02691-lc-00001': { tenant: '02691', domain: 'lighting' },
  '02408-aq-00001': { tenant: '02408', domain: 'air' },
};
const registry: BrokerAuthority = {
  authenticate: async () => null,
  deviceHome: async (id) => homes[id],
  devEuiTenant: async (eui) => ({ a1b2c3d4e5f60708: '02408' })[eui],
};
const lamp: Identity = { kind: 'device', id: '02408-lc-00001', tenant: '02408', domain: 'lighting' };
const laonGateway: Identity = { kind: 'gateway', id: 'gw-laon', tenant: '02408', network: 'native' };
const laonChirpstack: Identity = { kind: 'gateway', id: 'cs-laon', tenant: '02408', network: 'chirpstack' };

describe('publish ACL', () => {
  it('lets a device publish its own uplinks', async () => {
    for (const channel of ['telemetry', 'event', 'status', 'ack']) {
      expect(await mayPublish(lamp, `hv/v1/02408/lighting/02408-lc-00001/${channel}`, registry)).toEqual({ allow: true });
    }
  });

  it('refuses a device publishing as another device, into another tenant, or on cmd', async () => {
    const refused = [
      'hv/v1/02408/lighting/02408-lc-00002/telemetry',
      'hv/v1/02691/lighting/02408-lc-00001/telemetry',
      'hv/v1/02408/heating/02408-lc-00001/telemetry',
      'hv/v1/02408/lighting/02408-lc-00001/cmd',
      'hv/v1/02408/lighting/02408-lc-00001/telemetry/extra',
      'hv/dlq/v1/schema',
    ];
    for (const topic of refused) expect((await mayPublish(lamp, topic, registry)).allow, topic).toBe(false);
  });

  it('lets a gateway publish for its tenant’s devices only', async () => {
    expect((await mayPublish(laonGateway, 'hv/v1/02408/lighting/02408-lc-00001/telemetry', registry)).allow).toBe(true);
    expect((await mayPublish(laonGateway, 'hv/v1/02408/lighting/02691-lc-00001/telemetry', registry)).allow).toBe(false);
    expect((await mayPublish(laonGateway, 'hv/v1/02691/lighting/02691-lc-00001/telemetry', registry)).allow).toBe(false);
  });

  it('refuses a gateway publishing for its device under another domain or a level that is no domain', async () => {
    for (const [device, domain] of [['02408-lc-00001', 'lighting'], ['02408-aq-00001', 'air']] as const) {
      expect((await mayPublish(laonGateway, `hv/v1/02408/${domain}/${device}/telemetry`, registry)).allow, `${domain}/${device}`).toBe(true);
      for (const wrong of ['heating', 'parking', 'waste', 'energy', 'lighting', 'air', 'not-a-domain', '+', '$SYS'].filter((d) => d !== domain)) {
        const decision = await mayPublish(laonGateway, `hv/v1/02408/${wrong}/${device}/telemetry`, registry);
        expect(decision.allow, `${wrong}/${device}`).toBe(false);
      }
    }
  });

  it('lets a The Things Stack bridge publish uplinks whose body names a devEui of its tenant only', async () => {
    const laonTts: Identity = { kind: 'gateway', id: 'tts-laon', tenant: '02408', network: 'tts' };
    const body = (eui: string) => Buffer.from(JSON.stringify({ end_device_ids: { device_id: 'spot-1', dev_eui: eui }, uplink_message: {} }));
    expect((await mayPublish(laonTts, 'v3/parking@useda/devices/spot-1/up', registry, body('A1B2C3D4E5F60708'))).allow).toBe(true);
    expect((await mayPublish(laonTts, 'v3/parking@useda/devices/spot-1/up', registry, body('00000000000000ff'))).allow).toBe(false);
    expect((await mayPublish(laonTts, 'v3/parking@useda/devices/spot-1/up', registry, Buffer.from('not json'))).allow).toBe(false);
    expect((await mayPublish(laonTts, 'hv/v1/02408/lighting/02408-lc-00001/telemetry', registry, body('a1b2c3d4e5f60708'))).allow).toBe(false);
  });

  it('lets a ChirpStack bridge publish uplinks of its tenant’s devEuis only', async () => {
    expect((await mayPublish(laonChirpstack, 'application/7/device/a1b2c3d4e5f60708/event/up', registry)).allow).toBe(true);
    expect((await mayPublish(laonChirpstack, 'application/7/device/ffffffffffffffff/event/up', registry)).allow).toBe(false);
    expect((await mayPublish(laonChirpstack, 'hv/v1/02408/lighting/02408-lc-00001/telemetry', registry)).allow).toBe(false);
  });
});

describe('subscribe ACL', () => {
  it('lets a device read only its own commands', () => {
    expect(maySubscribe(lamp, 'hv/v1/02408/lighting/02408-lc-00001/cmd').allow).toBe(true);
    expect(maySubscribe(lamp, 'hv/v1/02408/lighting/02408-lc-00002/cmd').allow).toBe(false);
    expect(maySubscribe(lamp, 'hv/v1/02408/lighting/+/cmd').allow).toBe(false);
    expect(maySubscribe(lamp, '#').allow).toBe(false);
  });

  it('lets a gateway read its tenant’s commands and nothing else', () => {
    expect(maySubscribe(laonGateway, 'hv/v1/02408/+/+/cmd').allow).toBe(true);
    expect(maySubscribe(laonGateway, 'hv/v1/02691/+/+/cmd').allow).toBe(false);
    expect(maySubscribe(laonGateway, 'hv/v1/+/+/+/cmd').allow).toBe(false);
  });
});
