/**
 * `npm run registry`: gateways, LoRaWAN bridges and device models registered from the
 * command line (dist/, built first), against a real PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_DEVICE_MODELS } from '@hv/contracts';
import { Database, DeviceModelRepository, DeviceRepository, GatewayRepository, migrate, seedTerritory } from '@hv/state';
import { createTestDatabase } from '../support/services';

const run = promisify(execFile);
const CLI = 'dist/apps/api/src/registry-cli.js';
const LAON = '02408';

describe('npm run registry', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let dir: string;
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, HV_PG_URL: testDb.url } });
      return { code: 0, out: stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: `${e.stdout}${e.stderr}` };
    }
  };

  beforeAll(async () => {
    testDb = await createTestDatabase('e2e_registry_cli');
    db = new Database(testDb.url, { max: 2 });
    await migrate(db);
    await seedTerritory(db, '02');
    dir = await mkdtemp(join(tmpdir(), 'hv-registry-cli-'));
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers a ChirpStack bridge and prints its MQTT login once; rotate gives a new one, retire ends it', async () => {
    const added = await cli('gateways', 'add', '--tenant', LAON, '--id', 'cs-cli', '--network', 'chirpstack');
    expect(added.code, added.out).toBe(0);
    const secret = /shown once:\n(\S+)/.exec(added.out)?.[1];
    expect(added.out).toContain('MQTT username gateway:cs-cli');
    const gateways = new GatewayRepository(db);
    expect(await gateways.verifyCredentials('cs-cli', secret!)).toEqual({ id: 'cs-cli', tenant: LAON, network: 'chirpstack' });
    const rotated = await cli('gateways', 'rotate', '--id', 'cs-cli');
    const newSecret = /shown once:\n(\S+)/.exec(rotated.out)?.[1];
    expect(await gateways.verifyCredentials('cs-cli', secret!)).toBeNull();
    expect(await gateways.verifyCredentials('cs-cli', newSecret!)).not.toBeNull();
    expect(JSON.parse((await cli('gateways', 'list', '--tenant', LAON)).out.trim())).toMatchObject({ id: 'cs-cli', network: 'chirpstack', retiredAt: null });
    expect((await cli('gateways', 'retire', '--id', 'cs-cli')).code).toBe(0);
    expect(await gateways.verifyCredentials('cs-cli', newSecret!)).toBeNull();
    expect((await cli('gateways', 'list', '--tenant', LAON)).out.trim()).toBe('');
  });

  it('refuses bad input naming the option or the field, and exits non-zero', async () => {
    const network = await cli('gateways', 'add', '--tenant', LAON, '--id', 'x-1', '--network', 'lora');
    expect([network.code, network.out]).toEqual([1, expect.stringContaining('--network: one of native, chirpstack, tts')]);
    const tenant = await cli('gateways', 'add', '--tenant', '99999', '--id', 'x-2', '--network', 'tts');
    expect([tenant.code, tenant.out]).toEqual([1, expect.stringContaining('unknown tenant 99999')]);
    const bad = join(dir, 'bad-model.json');
    await writeFile(bad, JSON.stringify({ id: 'bad', type: 'co2-sensor', name: 'Bad', codec: { fields: { co2: { to: 'co2_ppm', convert: 'nonzero_is_true' } } } }));
    const model = await cli('models', 'add', '--file', bad);
    expect([model.code, model.out]).toEqual([1, expect.stringContaining('codec.fields.co2: co2_ppm is a number, the mapping writes a boolean')]);
    expect((await cli('nonsense')).code).toBe(2);
  });

  it('installs the shipped models once, adds one from a file, and sets a device\'s model', async () => {
    const installed = await cli('models', 'install');
    expect(installed.out).toContain('milesight-am103');
    expect((await cli('models', 'install')).out).toContain('every shipped model is already registered');
    const file = join(dir, 'lab.json');
    await writeFile(file, JSON.stringify({ id: 'lab-kelvin', type: 'co2-sensor', name: 'Lab sensor', codec: { fields: { co2: { to: 'co2_ppm' }, tK: { to: 'temp_c', convert: 'kelvin_to_celsius' } } } }));
    expect((await cli('models', 'add', '--file', file)).code).toBe(0);
    const listed = (await cli('models', 'list')).out.trim().split('\n').map((l) => JSON.parse(l).id);
    expect(listed.sort()).toEqual([...SHIPPED_DEVICE_MODELS.map((m) => m.id), 'lab-kelvin'].sort());
    await new DeviceRepository(db).create({ id: 'laon-co2-cli', tenant: LAON, type: 'co2-sensor', devEui: 'a81758fffe00c001' });
    expect((await cli('models', 'set', '--device', 'laon-co2-cli', '--model', 'lab-kelvin')).code).toBe(0);
    expect((await new DeviceRepository(db).findById('laon-co2-cli'))?.model).toBe('lab-kelvin');
    const wrongType = await cli('models', 'set', '--device', 'laon-co2-cli', '--model', 'hv-sim-parking-spot');
    expect([wrongType.code, wrongType.out]).toEqual([1, expect.stringContaining('model: hv-sim-parking-spot is not a registered model')]);
    expect((await new DeviceModelRepository(db).findById('lab-kelvin'))?.codec.fields.tK).toEqual({ to: 'temp_c', convert: 'kelvin_to_celsius' });
  });
});
