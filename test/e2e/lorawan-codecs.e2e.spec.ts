/**
 * Real LoRaWAN decoders, end to end: bridges registered through the API publish ChirpStack
 * v4 and The Things Stack v3 uplinks whose decoded fields are a real decoder's (Milesight
 * AM103, Elsys ERS CO2) into the all-in-one's broker; ingest maps them through the device
 * model's codec profile and InfluxDB holds them under the contract's fields. Refusals of
 * a registered devEui are counted under its tenant and device.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { influxQuery } from '@hv/devkit';
import { shippedDeviceModel, SHIPPED_DEVICE_MODELS, type DeviceModel } from '@hv/contracts';
import { DeviceSim, lorawanUplink, mixedFleet, type SimDevice } from '@hv/simulators';
import { ApiKeyRepository, Database, DeviceModelRepository } from '@hv/state';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

const SEED = 'e2e-lorawan-codecs';
const LAON = '02408';
const SOISSONS = '02722';
const fleet = mixedFleet({ seed: SEED, tenants: [{ tenant: LAON }, { tenant: SOISSONS }], perTenant: { 'co2-sensor': 3 } as never, lorawan: ['co2-sensor'] });
const devices = fleet.devices;
const laon = devices.filter((d) => d.tenant === LAON);
const [am103Sensor, elsysSensor, plainSensor] = laon as [SimDevice, SimDevice, SimDevice];
const am103 = shippedDeviceModel('milesight-am103')!;
const elsys = shippedDeviceModel('elsys-ers-co2')!;

describe('LoRaWAN uplinks of real decoders through registered bridges', () => {
  let tp: TestPlatform;
  let operatorKey: string;
  let soissonsKey: string;
  const clients: MqttClient[] = [];
  const api = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${tp.platform!.httpUrl}/api/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const bridge = async (id: string, network: 'chirpstack' | 'tts') => {
    const res = await api('POST', `tenants/${LAON}/gateways`, operatorKey, { id, network });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { username: string; secret: string };
  };
  const login = async (username: string, password: string, clientId: string) => {
    const c = await connect(tp.platform!.brokerUrl, { username, password, clientId });
    clients.push(c);
    return c;
  };
  const stored = async (device: string, minCount = 1) =>
    waitFor(
      async () => (await influxQuery(tp.influx.url, `SELECT * FROM "co2_sensor" WHERE "device" = '${device}'`, tp.influx.db)).results?.[0]?.series?.[0],
      (s) => (s?.values?.length ?? 0) >= minCount,
      20_000,
    );
  const series0 = (series: { columns: string[] }, column: string) => series.columns.indexOf(column);
  const row = (series: { columns: string[]; values?: unknown[][] }) => Object.fromEntries(series.columns.map((c, j) => [c, series.values!.at(-1)![j]]));
  const readingOf = (device: SimDevice, ts: number) => {
    const m = new DeviceSim(device, { seed: SEED }).telemetry(ts);
    return { m, reading: JSON.parse(m.payload.toString('utf8')) as Record<string, number | boolean> };
  };

  beforeAll(async () => {
    tp = await preparePlatform('e2e_lorawan_codecs', devices, SEED);
    const db = new Database(tp.pgUrl, { max: 1 });
    try {
      const models = new DeviceModelRepository(db);
      await models.ensure(SHIPPED_DEVICE_MODELS);
      // Declared before ingest loads the registry (a later change reaches it at its next reload).
      await models.setDeviceModel(am103Sensor.id, am103.id);
      await models.setDeviceModel(elsysSensor.id, elsys.id);
      const keys = new ApiKeyRepository(db);
      operatorKey = (await keys.create({ name: 'e2e operator', role: 'operator', createdBy: 'e2e' })).key;
      soissonsKey = (await keys.create({ name: 'e2e soissons', role: 'commune', tenant: SOISSONS, createdBy: 'e2e' })).key;
    } finally {
      await db.close();
    }
    await tp.start();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await tp?.stop();
  });

  it.each([
    ['ChirpStack v4', 'chirpstack', () => am103Sensor, () => am103],
    ['The Things Stack v3', 'tts', () => elsysSensor, () => elsys],
  ] as const)('%s: a bridge registered through the API publishes a real decoder\'s uplink, stored under the contract\'s fields', async (_ns, network, sensor, model) => {
    const { username, secret } = await bridge(`${network}-laon`, network);
    const client = await login(username, secret, `e2e-${network}-bridge`);
    const { m, reading } = readingOf(sensor(), Date.now() - 2_000);
    const up = lorawanUplink(m, network, { model: model() });
    const object = network === 'chirpstack' ? JSON.parse(up.payload.toString()).object : JSON.parse(up.payload.toString()).uplink_message.decoded_payload;
    // The uplink speaks the decoder's names, as the real network server would forward them.
    expect(Object.keys(object)).toEqual(expect.arrayContaining(['co2', 'temperature', 'humidity']));
    await client.publishAsync(up.topic, up.payload, { qos: up.qos });
    const series = await stored(sensor().id);
    const point = row(series!);
    expect(point.co2_ppm).toBeCloseTo(reading.co2_ppm as number, 9);
    expect(point.temp_c).toBeCloseTo(reading.temp_c as number, 9);
    expect(point.rh_pct).toBeCloseTo(reading.rh_pct as number, 9);
    expect(point.tenant).toBe(LAON);
    expect(series!.columns.filter((c: string) => ['co2', 'temperature', 'humidity', 'motion', 'vdd', 'battery'].includes(c))).toEqual([]);
  });

  it('a bridge registered with npm run registry (dist/) logs in and its uplink is stored', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/apps/api/src/registry-cli.js', 'gateways', 'add', '--tenant', LAON, '--id', 'cs-laon-cli', '--network', 'chirpstack'], {
      env: { ...process.env, HV_PG_URL: tp.pgUrl },
    });
    const secret = /shown once:\n(\S+)/.exec(stdout)![1]!;
    const client = await login('gateway:cs-laon-cli', secret, 'e2e-cli-bridge');
    const { m, reading } = readingOf(elsysSensor, Date.now() - 500);
    const up = lorawanUplink(m, 'chirpstack', { model: elsys });
    await client.publishAsync(up.topic, up.payload, { qos: 1 });
    const series = await waitFor(() => stored(elsysSensor.id), (s) => s!.values!.some((v) => v[series0(s!, 'co2_ppm')] === reading.co2_ppm && v[series0(s!, 'seq')] === m.seq), 20_000);
    expect(series).toBeDefined();
  });

  it('an uplink refused for a registered devEui is dead-lettered and counted under its tenant and device', async () => {
    const dlq = await login(SERVICE_ACCOUNT.username, SERVICE_ACCOUNT.password, 'e2e-dlq-reader');
    const letters: Array<Record<string, unknown>> = [];
    dlq.on('message', (_t, payload) => letters.push(JSON.parse(payload.toString('utf8'))));
    await dlq.subscribeAsync('hv/dlq/v1/#', { qos: 1 });
    const { username, secret } = await bridge('cs-laon-refused', 'chirpstack');
    const client = await login(username, secret, 'e2e-refused-bridge');
    // A firmware that adds a field the AM103 profile does not declare; a plain device sent a real decoder's names.
    const extra = lorawanUplink(readingOf(am103Sensor, Date.now() - 1_000).m, 'chirpstack', { model: am103 });
    const withPressure = JSON.parse(extra.payload.toString());
    withPressure.object.pressure = 1013.2;
    await client.publishAsync(extra.topic, JSON.stringify(withPressure), { qos: 1 });
    const plain = lorawanUplink(readingOf(plainSensor, Date.now() - 1_000).m, 'chirpstack', { model: am103 });
    await client.publishAsync(plain.topic, plain.payload, { qos: 1 });
    await waitFor(() => letters.length, (n) => n >= 2, 15_000);
    expect(letters.find((l) => l.device === am103Sensor.id)).toMatchObject({ reason: 'schema', tenant: LAON, detail: expect.stringMatching(/codec of model milesight-am103: pressure: not in the model's codec profile/) });
    expect(letters.find((l) => l.device === plainSensor.id)).toMatchObject({ reason: 'schema', tenant: LAON, detail: expect.stringMatching(/co2_ppm/) });
    const metrics = await (await fetch(`${tp.platform!.httpUrl}/metrics`)).text();
    for (const d of [am103Sensor, plainSensor]) {
      expect(metrics).toMatch(new RegExp(`hv_ingest_rejected_total\\{reason="schema",tenant="${LAON}",device="${d.id}"\\} [1-9]`));
    }
  });

  it('a bridge\'s secret rotated through the API works at once and the old one is refused', async () => {
    const { username, secret } = await bridge('tts-laon-rotated', 'tts');
    const rotated = await api('POST', 'gateways/tts-laon-rotated/rotate-secret', operatorKey);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ username, gateway: { id: 'tts-laon-rotated', tenant: LAON } });
    expect(rotated.body.secret).not.toBe(secret);
    await expect(login(username, secret, 'e2e-old-secret')).rejects.toThrow(/Not authorized|Bad username or password/);
    await login(username, rotated.body.secret, 'e2e-new-secret');
  });

  // Takes effect at once only with the broker's registry notifications (the gateways row
  // change NOTIFYs the broker, which drops its cached logins and closes the sessions).
  it('a bridge retired through the API cannot log in again, even right after a successful login', async () => {
    const { username, secret } = await bridge('cs-laon-retired', 'chirpstack');
    const open = await login(username, secret, 'e2e-before-retire');
    expect((await api('POST', 'gateways/cs-laon-retired/retire', operatorKey)).body).toMatchObject({ id: 'cs-laon-retired', retiredAt: expect.any(String) });
    await expect(login(username, secret, 'e2e-after-retire')).rejects.toThrow(/Not authorized|Bad username or password/);
    await waitFor(() => open.connected, (c) => !c, 5_000);
  });

  it('a key of another commune can neither register, see, rotate nor retire Laon\'s bridges, nor write device models', async () => {
    expect((await api('POST', `tenants/${LAON}/gateways`, soissonsKey, { id: 'cs-intruder', network: 'chirpstack' })).status).toBe(403);
    const list = await api('GET', 'gateways', soissonsKey);
    expect(list.status).toBe(200);
    expect(list.body.gateways.filter((g: { tenant: string }) => g.tenant !== SOISSONS)).toEqual([]);
    for (const [method, path] of [['GET', 'gateways/chirpstack-laon'], ['POST', 'gateways/chirpstack-laon/rotate-secret'], ['POST', 'gateways/chirpstack-laon/retire']] as const) {
      expect([403, 404], `${method} ${path}`).toContain((await api(method, path, soissonsKey)).status);
    }
    expect((await api('GET', 'gateways/chirpstack-laon', operatorKey)).body).toMatchObject({ tenant: LAON, retiredAt: null });
    const model: DeviceModel = { ...elsys, id: 'intruder-model' };
    expect((await api('POST', 'device-models', soissonsKey, model)).status).toBe(403);
    expect((await api('PATCH', 'device-models/elsys-ers-co2', soissonsKey, { name: 'mine' })).status).toBe(403);
    expect((await api('PUT', `devices/${elsysSensor.id}/model`, soissonsKey, { model: null })).status).toBe(404);
  });

  it('provisions a LoRaWAN device with its model through the API; a model of another type is refused naming body.model', async () => {
    const ok = await api('POST', `tenants/${LAON}/devices`, operatorKey, { id: 'co2-laon-api', type: 'co2-sensor', devEui: 'a81758fffe00a001', model: 'elsys-ers-co2' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.device).toMatchObject({ model: 'elsys-ers-co2', hasSecret: false });
    const wrong = await api('POST', `tenants/${LAON}/devices`, operatorKey, { id: 'spot-laon-api', type: 'parking-spot', devEui: 'a81758fffe00a002', model: 'elsys-ers-co2' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.issues).toEqual([{ field: 'body.model', message: expect.stringMatching(/elsys-ers-co2 is not a registered model of type parking-spot/) }]);
    const set = await api('PUT', `devices/${plainSensor.id}/model`, operatorKey, { model: 'hv-sim-parking-spot' });
    expect([set.status, set.body.issues?.[0]?.field]).toEqual([400, 'body.model']);
  });

  it('refuses through the API a profile that does not fit its type, naming the field', async () => {
    const res = await api('POST', 'device-models', operatorKey, { id: 'bad-spot', type: 'parking-spot', name: 'Bad', codec: { fields: { temperature: { to: 'temp_c' } } } });
    expect(res.status).toBe(400);
    const fields = (res.body.issues as Array<{ field: string; message: string }>).map((i) => `${i.field}: ${i.message}`);
    expect(fields).toEqual(expect.arrayContaining([expect.stringMatching(/codec\.fields\.temperature\.to: temp_c is not a parking-spot telemetry field/), expect.stringMatching(/required parking-spot field occupied is not mapped/)]));
  });
});
