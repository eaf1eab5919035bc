/**
 * The broker security matrix, against the all-in-one platform with real MQTT clients: each
 * identity kind (device, native gateway, ChirpStack bridge, TTS bridge, service) × each
 * attack (another identity's client id, another device's or tenant's topic, a wrong domain,
 * subscribing beyond its own) is refused, counted exactly in hv_broker_refused_total, and
 * costs the victims nothing: while the client-id attacks run, a victim luminaire publishes
 * N readings and all N reach InfluxDB (ingest's session was not taken), and the victims'
 * own connections stay up. Cases are generated from tables over every identity and id.
 * Retired and rotated credentials: broker-revocation.e2e.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxCount } from '@hv/devkit';
import { connectDevice, deviceSecret } from '@hv/simulators';
import { connect, preparePlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';
import * as m from './broker-matrix.fixtures';

const SEED = 'e2e-broker-matrix';
const N = 40;
const IDENTIFIER_REJECTED = 2; // CONNACK 0x02 (MQTT 3.1.1 §3.2.2.3)
const SUBACK_FAILURE = 0x80;

describe('broker security matrix', () => {
  let tp: TestPlatform;
  let url: string;
  let laon: m.Commune;
  let soissons: m.Commune;
  let logins: m.Login[];
  const stored = (device: string) => influxCount(tp.influx.url, tp.influx.db, 'lighting_controller', `"device" = '${device}'`);

  beforeAll(async () => {
    const devices = [...m.lampsOf(SEED, m.LAON), ...m.lampsOf(SEED, m.SOISSONS)];
    tp = await preparePlatform('e2e_broker_matrix', devices, SEED);
    laon = await m.provisionCommune(tp, SEED, m.LAON, 0);
    soissons = await m.provisionCommune(tp, SEED, m.SOISSONS, 1);
    url = (await tp.start()).brokerUrl;
    logins = [...Object.values(laon.logins), m.serviceLogin];
  });
  afterAll(async () => {
    await tp?.stop();
  });

  it('refuses every identity a client id that is not its own, and the victims lose nothing', async () => {
    const { HV_INGEST_CLIENT_ID: ingest, HV_TELEGESTION_CLIENT_ID: telegestion } = tp.config;
    const victim = laon.lamps[1]!;
    const victimLamp = m.lampsOf(SEED, m.LAON).find((d) => d.id === victim)!;
    const foreignIds = [
      ...laon.lamps, ...soissons.lamps, laon.spots[0]!.id,
      ...Object.values(laon.logins).map((l) => l.clientId), ...Object.values(soissons.logins).map((l) => l.username), `${soissons.logins['native gateway'].username}:load-1`,
      ingest, `${ingest}-dlq`, telegestion, `${telegestion.slice(0, 60)}-out`, 'hv-ingest', '',
    ];
    const cases = logins.flatMap((login) => [...new Set(foreignIds)].filter((id) => !login.owns(id)).map((clientId) => ({ login, clientId })));
    expect(cases.length).toBeGreaterThan(60);

    // The victims hold their sessions: a luminaire (its own id) and Soissons' gateway.
    const device = await connectDevice(url, victimLamp, deviceSecret(SEED, victim));
    const gateway = await connect(url, m.loginOptions(soissons.logins['native gateway']));
    const dropped: string[] = [];
    device.on('close', () => dropped.push('device'));
    gateway.on('close', () => dropped.push('gateway'));
    const before = await m.refusedCount(tp, 'client_id');
    const storedBefore = await stored(victim);

    // The victim publishes all along the attacks (at least N readings), each waiting for its PUBACK.
    let attacking = true;
    let sent = 0;
    let acked = 0;
    const publishing = (async () => {
      while (attacking || sent < N) {
        if (await m.acknowledged(device, m.lampTopic(m.LAON, victim), m.reading(++sent))) acked++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const codes: Array<{ who: string; clientId: string; code: number }> = [];
    for (const c of cases) codes.push({ who: c.login.kind, clientId: c.clientId, code: await m.connackCode(url, c.login, c.clientId) });
    attacking = false;
    await publishing;

    expect(codes.filter((c) => c.code !== IDENTIFIER_REJECTED)).toEqual([]);
    expect(await m.refusedCount(tp, 'client_id')).toBe(before + cases.length);
    expect(acked).toBe(sent);
    expect(await waitFor(() => stored(victim), (n) => n === storedBefore + sent, 20_000)).toBe(storedBefore + sent);
    expect(dropped).toEqual([]);
    // Each identity still gets in with an id of its own.
    for (const login of logins) expect(await m.connackCode(url, login, login.clientId), login.kind).toBe(0);
    await device.endAsync();
    await gateway.endAsync();
  });

  /** Topics each kind must not publish on (a PUBACK would be a hole): payloads per topic shape. */
  function forbiddenPublishes(kind: m.Kind): Array<{ topic: string; payload: string }> {
    const [lamp, other] = [laon.lamps[0]!, laon.lamps[1]!];
    const foreignLamp = soissons.lamps[0]!;
    const [spot, foreignSpot] = [laon.spots[0]!, soissons.spots[0]!];
    const everywhere = [
      m.lampTopic(m.SOISSONS, foreignLamp), m.lampTopic(m.LAON, foreignLamp), m.lampTopic(m.SOISSONS, lamp), m.lampTopic(m.LAON, lamp, 'lighting', 'cmd'),
      'hv/dlq/v1/schema', `hv/events/v1/${m.LAON}/alarm`, '$SYS/broker/uptime', 'hv/v1', `hv/v1/${m.LAON}/lighting/${lamp}`,
    ].map((topic) => ({ topic, payload: m.reading(1) }));
    const lorawan = [
      { topic: m.chirpstackTopic(foreignSpot.devEui), payload: m.chirpstackBody(foreignSpot.devEui) },
      { topic: m.ttsTopic('spot'), payload: m.ttsBody(foreignSpot.devEui) },
    ];
    const native = [
      m.lampTopic(m.LAON, lamp, 'air'), m.lampTopic(m.LAON, lamp, 'heating'), m.lampTopic(m.LAON, lamp, 'not-a-domain'), m.lampTopic(m.LAON, lamp, 'cmd'),
      m.lampTopic(m.LAON, spot.id, 'lighting'), m.lampTopic(m.LAON, 'unknown-lamp-1'), m.lampTopic(m.LAON, lamp, 'lighting', 'telemetry/extra'),
    ].map((topic) => ({ topic, payload: m.reading(1) }));
    const ownLorawan = [{ topic: m.chirpstackTopic(spot.devEui), payload: m.chirpstackBody(spot.devEui) }, { topic: m.ttsTopic('spot'), payload: m.ttsBody(spot.devEui) }];
    switch (kind) {
      case 'device':
        return [...everywhere, ...native.filter((t) => !t.topic.endsWith(`/lighting/${lamp}/telemetry`)), { topic: m.lampTopic(m.LAON, other), payload: m.reading(1) }, ...lorawan, ...ownLorawan];
      case 'native gateway':
        return [...everywhere, ...native, ...lorawan, ...ownLorawan];
      case 'ChirpStack bridge':
        return [...everywhere, ...lorawan, ownLorawan[1]!, { topic: m.lampTopic(m.LAON, lamp), payload: m.reading(1) }, { topic: `application/7/device/${spot.devEui}/event/join`, payload: m.chirpstackBody(spot.devEui) }];
      case 'TTS bridge':
        return [...everywhere, ...lorawan, ownLorawan[0]!, { topic: m.lampTopic(m.LAON, lamp), payload: m.reading(1) }, { topic: m.ttsTopic('spot'), payload: 'not json' }];
      case 'service':
        return [];
    }
  }

  /** What each kind may publish (the positive control: a PUBACK, connection kept). */
  function allowedPublish(kind: m.Kind): { topic: string; payload: string } | undefined {
    const spot = laon.spots[0]!;
    if (kind === 'device' || kind === 'native gateway') return { topic: m.lampTopic(m.LAON, laon.lamps[0]!), payload: m.reading(900) };
    if (kind === 'ChirpStack bridge') return { topic: m.chirpstackTopic(spot.devEui), payload: m.chirpstackBody(spot.devEui) };
    if (kind === 'TTS bridge') return { topic: m.ttsTopic('spot'), payload: m.ttsBody(spot.devEui) };
    return undefined;
  }

  it('refuses every identity the topics outside its own, a wrong domain included, and counts each', async () => {
    const lampBefore = await stored(laon.lamps[1]!);
    const foreignBefore = await stored(soissons.lamps[0]!);
    const before = await m.refusedCount(tp, 'publish');
    const acked: string[] = [];
    let expected = 0;
    for (const login of logins) {
      const allowed = allowedPublish(login.kind);
      if (allowed) {
        const client = await connect(url, m.loginOptions(login));
        expect(await m.acknowledged(client, allowed.topic, allowed.payload), `${login.kind} on ${allowed.topic}`).toBe(true);
        await client.endAsync();
      }
      for (const { topic, payload } of forbiddenPublishes(login.kind)) {
        const client = await connect(url, m.loginOptions(login));
        if (await m.acknowledged(client, topic, payload)) acked.push(`${login.kind} → ${topic}`);
        client.end(true);
        expected++;
      }
    }
    expect(acked).toEqual([]);
    expect(await m.refusedCount(tp, 'publish')).toBe(before + expected);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await stored(laon.lamps[1]!)).toBe(lampBefore);
    expect(await stored(soissons.lamps[0]!)).toBe(foreignBefore);
  });

  it('refuses every identity a subscription beyond its own, and grants its own', async () => {
    const foreignLamp = soissons.lamps[0]!;
    const beyond = [
      '#', '+/#', '$SYS/#', 'hv/#', 'hv/v1/+/+/+/telemetry', 'hv/v1/+/+/+/cmd', `hv/v1/${m.SOISSONS}/+/+/cmd`, m.lampTopic(m.SOISSONS, foreignLamp, 'lighting', 'cmd'),
      `hv/v1/${m.LAON}/+/+/telemetry`, 'hv/dlq/v1/#', `hv/events/v1/${m.LAON}/alarm`, 'hv/events/v1/#', 'application/+/device/+/event/up', 'v3/+/devices/+/up',
    ];
    const own: Record<Exclude<m.Kind, 'service'>, string> = {
      device: m.lampTopic(m.LAON, laon.lamps[0]!, 'lighting', 'cmd'),
      'native gateway': `hv/v1/${m.LAON}/+/+/cmd`,
      'ChirpStack bridge': 'application/+/device/+/command/down',
      'TTS bridge': 'v3/parking@useda/devices/+/down/push',
    };
    const before = await m.refusedCount(tp, 'subscribe');
    const granted: Record<string, number> = {};
    let expected = 0;
    for (const login of logins.filter((l) => l.kind !== 'service')) {
      const client = await connect(url, m.loginOptions(login));
      expect(await m.grantedQos(client, own[login.kind as Exclude<m.Kind, 'service'>]), `${login.kind} own`).toBe(1);
      for (const filter of beyond) {
        const qos = await m.grantedQos(client, filter);
        if (qos !== SUBACK_FAILURE) granted[`${login.kind} ${filter}`] = qos;
        expected++;
      }
      await client.endAsync();
    }
    expect(granted).toEqual({});
    expect(await m.refusedCount(tp, 'subscribe')).toBe(before + expected);
  });
});

