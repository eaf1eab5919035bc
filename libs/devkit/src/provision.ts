import { deviceSecret, type SimDevice } from '@hv/simulators';
import { Database, DeviceRepository, GatewayRepository, migrate, seedTerritory, TEST_SCRYPT_COST } from '@hv/state';

export interface ProvisionOptions {
  /** The simulated fleet's seed: device secrets derive from it (simulators/secrets.ts). */
  seed: string | number;
  /** One native gateway per tenant (`gateway:gw-{tenant}`), for load generators. */
  gateways?: boolean;
}

export interface GatewayCredentials {
  tenant: string;
  username: string;
  password: string;
}

/**
 * Registers a simulated fleet for the demo, the benchmarks and the end-to-end tests:
 * migrations, the Aisne's tenants, then every device not yet registered, each with its
 * deterministic secret at the cheap test scrypt cost (never for real devices). Idempotent,
 * so a second `npm start` reuses what the first registered.
 */
export async function provisionFleet(db: Database, devices: readonly SimDevice[], options: ProvisionOptions): Promise<{ created: number; gateways: GatewayCredentials[] }> {
  await migrate(db);
  await seedTerritory(db, '02');
  const deviceRepo = new DeviceRepository(db);
  const gatewayRepo = new GatewayRepository(db);
  const tenants = [...new Set(devices.map((d) => d.tenant))];
  const existing = new Set<string>();
  for (const tenant of tenants) for (const d of await deviceRepo.listByTenant(tenant, { includeRetired: true })) existing.add(d.id);
  const fresh = devices.filter((d) => !existing.has(d.id));
  const created = fresh.length
    ? await deviceRepo.createMany(
        fresh.map((d) => ({
          id: d.id,
          tenant: d.tenant,
          type: d.type,
          secret: deviceSecret(options.seed, d.id),
          secretCost: TEST_SCRYPT_COST,
          ...(d.devEui ? { devEui: d.devEui } : {}),
          attributes: { ...d.attributes, ...(d.cabinet ? { cabinet: d.cabinet } : {}) },
        })),
      )
    : 0;
  const gateways: GatewayCredentials[] = [];
  if (options.gateways) {
    for (const tenant of tenants) {
      const id = `gw-${tenant}`;
      const password = deviceSecret(options.seed, id);
      if (!(await gatewayRepo.verifyCredentials(id, password))) {
        await gatewayRepo.create({ id, tenant, network: 'native', secret: password, secretCost: TEST_SCRYPT_COST });
      }
      gateways.push({ tenant, username: `gateway:${id}`, password });
    }
  }
  return { created, gateways };
}
