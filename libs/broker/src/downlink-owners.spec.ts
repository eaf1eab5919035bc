import { describe, expect, it } from 'vitest';
import { DownlinkOwners, downlinkOf, ttsDownlinkTopic } from './downlink-owners';

const EUI = 'a1b2c3d4e5f60001';

describe('downlinkOf', () => {
  it.each([
    [`application/7/device/${EUI}/command/down`, { network: 'chirpstack', devEui: EUI }],
    [`application/7/device/${EUI.toUpperCase()}/command/down`, { network: 'chirpstack', devEui: EUI }],
    ['v3/parking@useda/devices/spot-1/down/push', { network: 'tts' }],
  ])('reads %s as a downlink', (topic, expected) => {
    expect(downlinkOf(topic)).toEqual(expected);
  });

  it.each([
    `application/7/device/${EUI}/event/up`,
    'application/7/device/not-an-eui/command/down',
    `application/7/device/${EUI}/command/down/extra`,
    'v3/parking@useda/devices/spot-1/up',
    'v3/parking@useda/devices/spot-1/down/replace',
    'hv/v1/02408/lighting/lc-1/cmd',
  ])('%s is no downlink a bridge reads', (topic) => {
    expect(downlinkOf(topic)).toBeUndefined();
  });

  it('maps a TTS uplink topic onto its device downlink topic', () => {
    expect(ttsDownlinkTopic('v3/parking@useda/devices/spot-1/up')).toBe('v3/parking@useda/devices/spot-1/down/push');
    expect(ttsDownlinkTopic('v3/parking@useda/devices/spot-1/down/push')).toBeUndefined();
  });
});

describe('DownlinkOwners', () => {
  it('knows the tenant of each topic it was told, and no other', () => {
    const owners = new DownlinkOwners();
    owners.set('v3/a/devices/d1/down/push', '02408', EUI);
    expect(owners.ownerOf('v3/a/devices/d1/down/push')).toBe('02408');
    expect(owners.ownerOf('v3/a/devices/d2/down/push')).toBeUndefined();
  });

  it('forgets every topic of a devEui named by a credential event, whatever its case', () => {
    const owners = new DownlinkOwners();
    owners.set('v3/a/devices/d1/down/push', '02408', EUI);
    owners.set(`application/7/device/${EUI}/command/down`, '02408', EUI);
    owners.set('v3/a/devices/d2/down/push', '02722', 'a1b2c3d4e5f60002');
    owners.forgetDevEuis([EUI.toUpperCase()]);
    expect(owners.ownerOf('v3/a/devices/d1/down/push')).toBeUndefined();
    expect(owners.ownerOf(`application/7/device/${EUI}/command/down`)).toBeUndefined();
    expect(owners.ownerOf('v3/a/devices/d2/down/push')).toBe('02722');
  });

  it('keeps at most its bound, dropping the oldest', () => {
    const owners = new DownlinkOwners(2);
    owners.set('t1', '02408', 'a1b2c3d4e5f60001');
    owners.set('t2', '02408', 'a1b2c3d4e5f60002');
    owners.set('t3', '02408', 'a1b2c3d4e5f60003');
    expect([owners.ownerOf('t1'), owners.ownerOf('t2'), owners.ownerOf('t3')]).toEqual([undefined, '02408', '02408']);
    owners.forgetDevEuis(['a1b2c3d4e5f60001']); // its topic already went: nothing breaks
    expect(owners.ownerOf('t2')).toBe('02408');
  });
});
