/**
 * Provisioning runs on every `npm start` (and in the tests and benchmarks): against a real
 * PostgreSQL, what a user changed between two runs (through the API's repositories, or by
 * hand where no route exists yet) must survive the second run. Seen: an edited lighting
 * program came back as the demo's default after a restart.
 */
import { provisionFleet, provisionPrograms } from '@hv/devkit';
import { demoFleet, deviceSecret } from '@hv/simulators';
import { Database, DeviceAdminRepository, DeviceRepository, GatewayRepository, hashSecret, TEST_SCRYPT_COST } from '@hv/state';
import { ProgramRepository } from '@hv/telegestion';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

const SEED = 'provision-restart';
const LAON = '02408';

describe('provisioning on start creates what is missing and never overwrites', () => {
  const fleet = demoFleet({ controllers: 12, cabinets: 2 });
  const lamps = fleet.devices.filter((d) => d.type === 'lighting-controller').map((d) => d.id);
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop().catch(() => undefined);
  });
  afterAll(async () => {
    for (const drop of drops.splice(0)) await drop().catch(() => undefined);
  });

  async function provisioned(gateways = false): Promise<Database> {
    const testDb = await createTestDatabase('devkit_provision');
    const db = new Database(testDb.url, { max: 2 });
    drops.push(async () => {
      await db.close();
      await testDb.drop();
    });
    const first = await provisionFleet(db, fleet.devices, { seed: SEED, gateways });
    await provisionPrograms(db, fleet.devices);
    expect(first.created).toBe(fleet.devices.length);
    return db;
  }

  it('a second run keeps an edited program, changed assignments, edited device attributes and a renamed tenant', async () => {
    const db = await provisioned();
    const programs = new ProgramRepository(db);
    const provided = (await programs.loadAll()).programs.find((p) => p.tenant === LAON)!.program;
    await programs.saveProgram(LAON, { ...provided, name: 'Programme modifié par la commune' });
    await programs.saveProgram(LAON, { id: 'user-festival', name: 'Fête de la ville' });
    await programs.assign({ tenant: LAON, scope: 'tenant', scopeId: LAON, programId: 'user-festival' });
    await programs.assign({ tenant: LAON, scope: 'device', scopeId: lamps[0]!, programId: provided.id });
    await programs.assign({ tenant: LAON, scope: 'device', scopeId: lamps[1]!, programId: 'user-festival' });
    await new DeviceAdminRepository(db).updateAttributes(lamps[0]!, { rated_power_w: 999, note: 'changed by the user' });
    // No route renames a tenant: by hand, as an operator would.
    await db.query(`UPDATE tenants SET name = 'Laon (renommée)' WHERE id = $1`, [LAON]);
    const edited = await programs.loadAll();

    const second = await provisionFleet(db, fleet.devices, { seed: SEED });
    const assignedAgain = await provisionPrograms(db, fleet.devices);

    expect(await programs.loadAll()).toEqual(edited);
    expect(assignedAgain).toBe(0);
    expect(second.created).toBe(0);
    expect((await new DeviceRepository(db).findById(lamps[0]!))?.attributes).toMatchObject({ rated_power_w: 999, note: 'changed by the user' });
    const { rows } = await db.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [LAON]);
    expect(rows[0]?.name).toBe('Laon (renommée)');
  });

  it('a second run keeps retirements and rotated secrets of devices and gateways, and says which fleet devices are retired', async () => {
    const db = await provisioned(true);
    const devices = new DeviceRepository(db);
    const [retired, rotated] = lamps;
    await devices.retire(retired!);
    // No route rotates a secret yet: what a rotation leaves in the registry.
    const rotatedHash = await hashSecret('a secret the user chose', TEST_SCRYPT_COST);
    await db.query('UPDATE devices SET secret_hash = $2 WHERE id = $1', [rotated, rotatedHash]);
    await db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1', [`gw-${LAON}`, rotatedHash]);

    const second = await provisionFleet(db, fleet.devices, { seed: SEED, gateways: true });

    expect((await devices.findById(retired!))?.retiredAt).toBeInstanceOf(Date);
    expect(await devices.verifyCredentials(rotated!, deviceSecret(SEED, rotated!))).toBeNull();
    expect(await devices.verifyCredentials(rotated!, 'a secret the user chose')).not.toBeNull();
    expect(await new GatewayRepository(db).verifyCredentials(`gw-${LAON}`, 'a secret the user chose')).not.toBeNull();
    expect(second.retired).toEqual([retired]);
    expect(second.gateways.find((g) => g.tenant === LAON)).toMatchObject({ username: `gateway:gw-${LAON}`, seedSecret: false });
  });

  it('creates what is missing: new fleet devices and a missing assignment are added on the next run', async () => {
    const db = await provisioned();
    const bigger = demoFleet({ controllers: 14, cabinets: 2 }).devices;
    const { created } = await provisionFleet(db, bigger, { seed: SEED });
    expect(created).toBe(bigger.length - fleet.devices.length);
    await db.query('DELETE FROM program_assignments WHERE tenant_id = $1', [LAON]);
    expect(await provisionPrograms(db, bigger)).toBeGreaterThan(0);
    const { rows } = await db.query(`SELECT 1 FROM program_assignments WHERE tenant_id = $1 AND scope = 'tenant'`, [LAON]);
    expect(rows).toHaveLength(1);
  });
});
