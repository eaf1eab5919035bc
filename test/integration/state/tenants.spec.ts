import { Database, migrate, seedTerritory, TenantRepository } from '@hv/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

const LAON = '02408';
const CA_PAYS_DE_LAON = '200043495';
const SOISSONS = '02722';

describe('territory seed and tenant hierarchy', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let tenants: TenantRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase('state_tenants');
    db = new Database(testDb.url, { max: 4 });
    await migrate(db);
    tenants = new TenantRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('seeds the Aisne, and a second seed writes nothing and counts the same', async () => {
    const first = await seedTerritory(db, '02');
    expect(first).toEqual({ departements: 1, epcis: 20, communes: 797, written: 818 });
    const second = await seedTerritory(db, '02');
    expect(second).toEqual({ ...first, written: 0 });
    const { rows } = await db.query<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM tenants GROUP BY kind ORDER BY kind',
    );
    expect(rows).toEqual([
      { kind: 'commune', n: 797 },
      { kind: 'departement', n: 1 },
      { kind: 'epci', n: 20 },
    ]);
  });

  it('repairs a tenant changed by hand on the next seed', async () => {
    await db.query(`UPDATE tenants SET name = 'Typo', parent_id = '02' WHERE id = $1`, [LAON]);
    expect((await seedTerritory(db)).written).toBe(1);
    expect(await tenants.findById(LAON)).toMatchObject({ name: 'Laon', parentId: CA_PAYS_DE_LAON });
  });

  it('finds tenants with their place in the hierarchy', async () => {
    expect(await tenants.findById(LAON)).toEqual({
      id: LAON,
      kind: 'commune',
      name: 'Laon',
      parentId: CA_PAYS_DE_LAON,
      departement: '02',
      population: expect.any(Number),
    });
    expect(await tenants.findById(CA_PAYS_DE_LAON)).toMatchObject({ kind: 'epci', parentId: '02', population: null });
    expect(await tenants.findById('02')).toMatchObject({ kind: 'departement', name: 'Aisne', parentId: null });
    expect(await tenants.findById('99999')).toBeUndefined();
    expect(await tenants.findById("'; DROP TABLE tenants; --")).toBeUndefined();
  });

  it('lists tenants by kind', async () => {
    expect(await tenants.list('epci')).toHaveLength(20);
    expect(await tenants.list('departement')).toEqual([expect.objectContaining({ id: '02' })]);
    expect(await tenants.list()).toHaveLength(818);
  });

  it('lists an EPCI’s member communes', async () => {
    const members = await tenants.members(CA_PAYS_DE_LAON);
    expect(members).toHaveLength(38);
    expect(members).toContain(LAON);
    expect(members).not.toContain(SOISSONS);
    expect(await tenants.members(LAON)).toEqual([]);
  });

  it('lets a commune see itself, an EPCI its communes, the département everyone', async () => {
    expect(await tenants.visibleTenants(LAON)).toEqual([LAON]);
    const epci = await tenants.visibleTenants(CA_PAYS_DE_LAON);
    expect(epci).toHaveLength(39);
    expect(epci).toContain(CA_PAYS_DE_LAON);
    expect(epci).toContain(LAON);
    expect(epci).not.toContain(SOISSONS);
    expect(await tenants.visibleTenants('02')).toHaveLength(818);
    expect(await tenants.visibleTenants('99999')).toEqual([]);
  });
});
