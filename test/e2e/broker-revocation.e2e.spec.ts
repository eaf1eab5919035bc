/**
 * Retiring a device or rotating its secret takes effect at once in the all-in-one platform:
 * through the real HTTP API (devices) and by a plain SQL UPDATE (gateways and bridges of
 * every network: migration 009's trigger), the identity's open connection is closed within
 * seconds and never gets another PUBACK, and a new login with the old secret is refused
 * even though the broker had it cached. A change that touches no credential (attributes)
 * closes nothing. The separate broker app: broker-app.e2e.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, deviceSecret } from '@hv/simulators';
import { ApiKeyRepository, Database, hashSecret, TEST_SCRYPT_COST } from '@hv/state';
import { connect, preparePlatform, type TestPlatform } from '../support/platform';
import * as m from './broker-matrix.fixtures';

const SEED = 'e2e-broker-revocation';
/** How long a retirement may take to close an open connection, ms. */
const CLOSE_WITHIN_MS = 2_000;
const BAD_USERNAME_OR_PASSWORD = 4;

describe('retired and rotated credentials, all-in-one', () => {
  let tp: TestPlatform;
  let url: string;
  let db: Database;
  let key: string;
  let communes: m.Commune[];
  const lamps = [...m.lampsOf(SEED, m.LAON), ...m.lampsOf(SEED, m.SOISSONS)];
  const api = async (method: string, path: string) => {
    const res = await fetch(`${tp.platform!.httpUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Connects a lamp with its seeded secret: the broker now has this login cached (5 min). */
  const openLamp = (id: string, secret = deviceSecret(SEED, id)) => connectDevice(url, lamps.find((d) => d.id === id)!, secret);
  const lampLogin = (id: string, password = deviceSecret(SEED, id)): m.Login => ({ kind: 'device', username: id, password, clientId: id, owns: (c) => c === id });

  beforeAll(async () => {
    tp = await preparePlatform('e2e_broker_revocation', lamps, SEED);
    communes = [await m.provisionCommune(tp, SEED, m.LAON, 0), await m.provisionCommune(tp, SEED, m.SOISSONS, 1)];
    db = new Database(tp.pgUrl, { max: 2 });
    key = (await new ApiKeyRepository(db).create({ name: 'e2e revocation', role: 'operator', createdBy: 'e2e' })).key;
    url = (await tp.start()).brokerUrl;
  });
  afterAll(async () => {
    await db?.close();
    await tp?.stop();
  });

  it.each([m.LAON, m.SOISSONS])('closes the open connection of a device retired through the API, refuses its cached login and its gateway publishing for it (%s)', async (tenant) => {
    const id = m.lampsOf(SEED, tenant)[0]!.id;
    const client = await openLamp(id);
    expect(await m.acknowledged(client, m.lampTopic(tenant, id), m.reading(1))).toBe(true);
    // Its commune's gateway publishes for it too: the broker has the lamp's tenant and domain cached.
    const gatewayLogin = communes.find((c) => c.tenant === tenant)!.logins['native gateway'];
    const gateway = await connect(url, m.loginOptions(gatewayLogin));
    expect(await m.acknowledged(gateway, m.lampTopic(tenant, id), m.reading(2))).toBe(true);
    const [revoked, auth, publish] = [await m.refusedCount(tp, 'revoked'), await m.refusedCount(tp, 'auth'), await m.refusedCount(tp, 'publish')];

    expect((await api('POST', `/devices/${id}/retire`)).status).toBe(200);
    expect(await m.closedWithin(client, CLOSE_WITHIN_MS)).toBe(true);
    expect(await m.acknowledged(client, m.lampTopic(tenant, id), m.reading(3), 500)).toBe(false);
    expect(await m.connackCode(url, lampLogin(id), id)).toBe(BAD_USERNAME_OR_PASSWORD);
    expect(await m.acknowledged(gateway, m.lampTopic(tenant, id), m.reading(4))).toBe(false);
    gateway.end(true);
    expect(await m.refusedCount(tp, 'revoked')).toBe(revoked + 1);
    expect(await m.refusedCount(tp, 'auth')).toBe(auth + 1);
    expect(await m.refusedCount(tp, 'publish')).toBe(publish + 1);
  });

  it.each([m.LAON, m.SOISSONS])('closes the open connection of a device whose secret the API rotated; the old secret is refused, the new one works (%s)', async (tenant) => {
    const id = m.lampsOf(SEED, tenant)[1]!.id;
    const client = await openLamp(id);
    const rotated = await api('POST', `/devices/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const secret = rotated.body.secret as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await m.closedWithin(client, CLOSE_WITHIN_MS)).toBe(true);
    expect(await m.connackCode(url, lampLogin(id), id)).toBe(BAD_USERNAME_OR_PASSWORD);
    const renewed = await connectDevice(url, lamps.find((d) => d.id === id)!, secret);
    expect(await m.acknowledged(renewed, m.lampTopic(tenant, id), m.reading(3))).toBe(true);
    await renewed.endAsync();
  });

  it('keeps a device connected when a change touches no credential (its attributes)', async () => {
    const id = m.lampsOf(SEED, m.LAON)[2]!.id;
    const client = await openLamp(id);
    await db.query(`UPDATE devices SET attributes = attributes || '{"name": "Rue des Chenizelles"}' WHERE id = $1`, [id]);
    expect(await m.closedWithin(client, CLOSE_WITHIN_MS)).toBe(false);
    expect(await m.acknowledged(client, m.lampTopic(m.LAON, id), m.reading(4))).toBe(true);
    await client.endAsync();
  });

  const gatewayCases = (['native gateway', 'ChirpStack bridge', 'TTS bridge'] as const).flatMap((kind) =>
    (['retired', 'rotated'] as const).map((change, i) => ({ kind, change, commune: i })),
  );

  it.each(gatewayCases)('closes a $kind $change by SQL UPDATE and refuses its old secret on a new connection', async ({ kind, change, commune }) => {
    const login = communes[commune]!.logins[kind];
    const id = login.username.slice('gateway:'.length);
    const client = await connect(url, m.loginOptions(login)); // the broker has this login cached now
    const newSecret = `${id}-rotated-secret-000000`;
    if (change === 'retired') await db.query('UPDATE gateways SET retired_at = now() WHERE id = $1', [id]);
    else await db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1', [id, await hashSecret(newSecret, TEST_SCRYPT_COST)]);
    expect(await m.closedWithin(client, CLOSE_WITHIN_MS)).toBe(true);
    expect(await m.connackCode(url, login, login.clientId)).toBe(BAD_USERNAME_OR_PASSWORD);
    if (change === 'rotated') expect(await m.connackCode(url, { ...login, password: newSecret }, login.clientId)).toBe(0);
  });
});
