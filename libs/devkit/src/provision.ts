import { deviceSecret, policyOf, programOfPolicy, type SimDevice } from '@hv/simulators';
import { Database, DeviceRepository, GatewayRepository, migrate, TEST_SCRYPT_COST } from '@hv/state';
import { ProvisioningRepository } from './provisioning.repository';

export interface ProvisionOptions {
  /** The simulated fleet's seed: device secrets derive from it (simulators/secrets.ts). */
  seed: string | number;
  /** One native gateway per tenant (`gateway:gw-{tenant}`), for load generators. */
  gateways?: boolean;
  /**
   * Give each device its MQTT password (default true). False registers the devices
   * without one, as LoRaWAN devices behind a network server are: for runs where no device
   * logs in itself (the API bench), since even the test cost is an scrypt run per device
   * (51,000 devices: 66 s on 2 cores; without: seconds).
   */
  credentials?: boolean;
}

export interface GatewayCredentials {
  tenant: string;
  username: string;
  password: string;
  /** False when the registered gateway predates this run and no longer holds the seed's secret (rotated or retired since). */
  seedSecret: boolean;
}

export interface ProvisionedFleet {
  /** Devices registered by this run. */
  created: number;
  /** Fleet devices found retired in the registry (retired through the API): provisioning leaves them retired. */
  retired: string[];
  gateways: GatewayCredentials[];
}

/**
 * Registers a simulated fleet for the demo, the benchmarks and the end-to-end tests:
 * migrations, the Aisne's tenants, then every device not yet registered, each with its
 * deterministic secret at the cheap test scrypt cost (never for real devices), or without
 * one (`credentials: false`). Creates what is missing and never overwrites: a second
 * `npm start` keeps the attributes, secrets and retirements a user changed in between.
 */
export async function provisionFleet(db: Database, devices: readonly SimDevice[], options: ProvisionOptions): Promise<ProvisionedFleet> {
  await migrate(db);
  await new ProvisioningRepository(db).insertMissingTenants('02');
  const deviceRepo = new DeviceRepository(db);
  const tenants = [...new Set(devices.map((d) => d.tenant))];
  const existing = new Set<string>();
  const retiredIds = new Set<string>();
  for (const tenant of tenants) {
    for (const d of await deviceRepo.listByTenant(tenant, { includeRetired: true })) {
      existing.add(d.id);
      if (d.retiredAt) retiredIds.add(d.id);
    }
  }
  const fresh = devices.filter((d) => !existing.has(d.id));
  const withSecret = options.credentials ?? true;
  const created = fresh.length
    ? await deviceRepo.createMany(
        fresh.map((d) => ({
          id: d.id,
          tenant: d.tenant,
          type: d.type,
          ...(withSecret ? { secret: deviceSecret(options.seed, d.id), secretCost: TEST_SCRYPT_COST } : {}),
          ...(d.devEui ? { devEui: d.devEui } : {}),
          attributes: { ...d.attributes, ...(d.cabinet ? { cabinet: d.cabinet } : {}) },
        })),
      )
    : 0;
  const gateways = options.gateways ? await provisionGateways(db, tenants, options.seed) : [];
  return { created, retired: devices.filter((d) => retiredIds.has(d.id)).map((d) => d.id), gateways };
}

/** One native gateway per tenant, registered when missing; an existing one keeps its secret. */
async function provisionGateways(db: Database, tenants: readonly string[], seed: string | number): Promise<GatewayCredentials[]> {
  const repo = new GatewayRepository(db);
  const gateways: GatewayCredentials[] = [];
  for (const tenant of tenants) {
    const id = `gw-${tenant}`;
    const password = deviceSecret(seed, id);
    let seedSecret = true;
    if (!(await repo.findById(id))) await repo.create({ id, tenant, network: 'native', secret: password, secretCost: TEST_SCRYPT_COST });
    else seedSecret = (await repo.verifyCredentials(id, password)) !== null;
    gateways.push({ tenant, username: `gateway:${id}`, password, seedSecret });
  }
  return gateways;
}

/**
 * Gives telegestion the programs the simulated luminaires hold: each commune's night
 * policy (the devices' attributes) becomes a lighting program assigned to the tenant, and
 * to a device whose policy differs from its tenant's. Without this, telegestion would
 * expect the default (full night) and command the dimmed communes back up. Programs and
 * assignments are inserted only when missing: one a user edited or reassigned through the
 * API stays as the user left it. Returns the assignments inserted.
 */
export async function provisionPrograms(db: Database, devices: readonly SimDevice[]): Promise<number> {
  const repo = new ProvisioningRepository(db);
  const lighting = devices.filter((d) => d.type === 'lighting-controller');
  const byTenant = new Map<string, SimDevice[]>();
  for (const d of lighting) (byTenant.get(d.tenant) ?? byTenant.set(d.tenant, []).get(d.tenant)!).push(d);
  let assigned = 0;
  for (const [tenant, list] of byTenant) {
    const programs = list.map((d) => programOfPolicy(policyOf(d.attributes)));
    const counts = new Map<string, number>();
    for (const p of programs) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
    const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    for (const p of new Map(programs.map((x) => [x.id, x])).values()) await repo.insertProgramIfMissing(tenant, p);
    if (await repo.insertAssignmentIfMissing({ tenant, scope: 'tenant', scopeId: tenant, programId: main })) assigned++;
    for (let i = 0; i < list.length; i++) {
      if (programs[i]!.id === main) continue;
      if (await repo.insertAssignmentIfMissing({ tenant, scope: 'device', scopeId: list[i]!.id, programId: programs[i]!.id })) assigned++;
    }
  }
  return assigned;
}
