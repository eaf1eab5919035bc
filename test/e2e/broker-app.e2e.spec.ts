/**
 * The separate broker app (dist/apps/broker, its own process, as deployed apart from the
 * services): a retirement or a rotation written by another process (here SQL, as the API
 * or a CLI would) reaches it through migration 009's notifications: the open connection is
 * closed within seconds, the cached login refused, a client id of another identity too.
 * And no app starts bound beyond loopback with a shipped default secret.
 * Requires `npm run build` (npm test runs it first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeApp, stopAllNodeApps, type AppProcess } from '@hv/devkit';
import { connectDevice, deviceSecret } from '@hv/simulators';
import { Database, hashSecret, TEST_SCRYPT_COST } from '@hv/state';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { freePort } from '../support/wait';
import * as m from './broker-matrix.fixtures';

const SEED = 'e2e-broker-app';
const CLOSE_WITHIN_MS = 2_000;
const BAD_USERNAME_OR_PASSWORD = 4;
const IDENTIFIER_REJECTED = 2;

describe('separate broker app', () => {
  let tp: TestPlatform;
  let db: Database;
  let broker: AppProcess;
  let url: string;
  let httpUrl: string;
  let laon: m.Commune;
  const lamps = m.lampsOf(SEED, m.LAON);
  const login = (id: string, password = deviceSecret(SEED, id)): m.Login => ({ kind: 'device', username: id, password, clientId: id, owns: (c) => c === id });

  beforeAll(async () => {
    tp = await preparePlatform('e2e_broker_app', lamps, SEED);
    laon = await m.provisionCommune(tp, SEED, m.LAON, 0);
    db = new Database(tp.pgUrl, { max: 1 });
    const [brokerPort, httpPort] = [await freePort(), await freePort()];
    broker = startNodeApp('apps/broker/src/main.js', {
      HV_PG_URL: tp.pgUrl,
      HV_BROKER_PORT: String(brokerPort),
      HV_HTTP_PORT: String(httpPort),
      HV_SERVICE_USERNAME: SERVICE_ACCOUNT.username,
      HV_SERVICE_PASSWORD: SERVICE_ACCOUNT.password,
    }, 'broker');
    await broker.waitFor(/broker up/);
    url = `mqtt://127.0.0.1:${brokerPort}`;
    httpUrl = `http://127.0.0.1:${httpPort}`;
  });
  afterAll(async () => {
    await stopAllNodeApps();
    await db?.close();
    await tp?.stop();
  });

  it('closes a device retired by another process and refuses its cached login', async () => {
    const id = lamps[0]!.id;
    const client = await connectDevice(url, lamps[0]!, deviceSecret(SEED, id));
    expect(await m.acknowledged(client, m.lampTopic(m.LAON, id), m.reading(1))).toBe(true);
    const revoked = await m.refusedCount(tp, 'revoked', httpUrl);
    await db.query('UPDATE devices SET retired_at = now() WHERE id = $1', [id]);
    expect(await m.closedWithin(client, CLOSE_WITHIN_MS)).toBe(true);
    expect(await m.connackCode(url, login(id), id)).toBe(BAD_USERNAME_OR_PASSWORD);
    expect(await m.refusedCount(tp, 'revoked', httpUrl)).toBe(revoked + 1);
  });

  it('closes a device and a bridge whose secrets were rotated by another process; only the new secrets work', async () => {
    const id = lamps[1]!.id;
    const bridge = laon.logins['ChirpStack bridge'];
    const device = await connectDevice(url, lamps[1]!, deviceSecret(SEED, id));
    const gateway = await connect(url, m.loginOptions(bridge));
    const [deviceSecretNew, bridgeSecretNew] = ['rotated-device-secret-0001', 'rotated-bridge-secret-0001'];
    await db.query('UPDATE devices SET secret_hash = $2 WHERE id = $1', [id, await hashSecret(deviceSecretNew, TEST_SCRYPT_COST)]);
    await db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1', [bridge.username.slice('gateway:'.length), await hashSecret(bridgeSecretNew, TEST_SCRYPT_COST)]);
    expect(await m.closedWithin(device, CLOSE_WITHIN_MS)).toBe(true);
    expect(await m.closedWithin(gateway, CLOSE_WITHIN_MS)).toBe(true);
    expect(await m.connackCode(url, login(id), id)).toBe(BAD_USERNAME_OR_PASSWORD);
    expect(await m.connackCode(url, bridge, bridge.clientId)).toBe(BAD_USERNAME_OR_PASSWORD);
    expect(await m.connackCode(url, login(id, deviceSecretNew), id)).toBe(0);
    expect(await m.connackCode(url, { ...bridge, password: bridgeSecretNew }, bridge.clientId)).toBe(0);
  });

  it("refuses a client id of another identity (ingest's, a device's)", async () => {
    const id = lamps[2]!.id;
    const before = await m.refusedCount(tp, 'client_id', httpUrl);
    for (const clientId of ['hv:ingest-vm', lamps[0]!.id, 'gateway:gw-02408']) expect(await m.connackCode(url, login(id), clientId), clientId).toBe(IDENTIFIER_REJECTED);
    expect(await m.refusedCount(tp, 'client_id', httpUrl)).toBe(before + 3);
  });

  it.each<Record<string, string>>([
    { HV_BROKER_HOST: '0.0.0.0' },
    { HV_HTTP_HOST: '::' },
    { HV_BROKER_HOST: '192.0.2.10', HV_SERVICE_PASSWORD: 'hv-service-local-only' },
  ])('refuses to start bound beyond loopback with the shipped service password: %o', async (env) => {
    const app = startNodeApp('apps/broker/src/main.js', { HV_PG_URL: tp.pgUrl, HV_BROKER_PORT: String(await freePort()), HV_HTTP_PORT: String(await freePort()), HV_SERVICE_PASSWORD: '', ...env }, 'exposed-broker');
    const line = await app.waitFor(/HV_SERVICE_PASSWORD/, 30_000);
    expect(line).toMatch(/shipped default/);
    await new Promise<void>((resolve) => (app.child.exitCode !== null ? resolve() : app.child.once('exit', () => resolve())));
    expect(app.child.exitCode).toBe(1);
    expect(app.output()).not.toMatch(/broker up/);
  });
});
