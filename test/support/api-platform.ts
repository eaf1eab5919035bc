/**
 * An all-in-one platform (so the API runs beside telegestion, as deployed) with three
 * communes' luminaires and one key per role, for the API's end-to-end suites.
 * Tenants: A = Laon (02408), A2 = another commune of A's EPCI, B = Saint-Quentin (02691,
 * another EPCI); keys: operator, A's EPCI, commune A, commune B, the CDN, open data.
 */
import { lightingFleet } from '@hv/simulators';
import { ApiKeyRepository, Database, DeviceRepository, TenantRepository, type ApiRole } from '@hv/state';
import { ProgramRepository } from '@hv/telegestion';
import { preparePlatform, type TestPlatform } from './platform';

export interface TenantFixture {
  name: 'A' | 'A2' | 'B';
  tenant: string;
  /** A luminaire of the tenant. */
  device: string;
  /** A stored program, a group, a command and its batch of the tenant. */
  program: string;
  group: string;
  command: string;
  batch: string;
}

export type KeyName = 'operator' | 'epciA' | 'communeA' | 'communeB' | 'cdn' | 'public';

export interface ApiPlatform {
  tp: TestPlatform;
  url: string;
  db: Database;
  epciA: string;
  tenants: Record<'A' | 'A2' | 'B', TenantFixture>;
  keys: Record<KeyName, string>;
  /** The role of each key and the tenants of A, A2, B it must see. */
  sees: Record<KeyName, { role: ApiRole; tenants: ReadonlyArray<'A' | 'A2' | 'B'> }>;
  call(method: string, path: string, options?: CallOptions): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  /** Sent as is, with this content type (default: JSON of `body`). */
  raw?: { contentType: string; text: string };
}

const A = '02408';
const B = '02691';

export async function startApiPlatform(name: string, overrides: Record<string, string> = {}): Promise<ApiPlatform> {
  const seed = `api-${name}`;
  const devices = [...lightingFleet({ seed, tenant: A, controllers: 2 }).devices, ...lightingFleet({ seed, tenant: B, controllers: 2 }).devices];
  const tp = await preparePlatform(name, devices, seed, overrides);
  const db = new Database(tp.pgUrl, { max: 2 });
  const tenantsRepo = new TenantRepository(db);
  const epciA = (await tenantsRepo.findById(A))!.parentId!;
  const a2 = (await tenantsRepo.members(epciA)).find((id) => id !== A)!;
  await new DeviceRepository(db).create({ id: `lamp-${a2}-1`, tenant: a2, type: 'lighting-controller', attributes: { rated_power_w: 40 } });
  const { httpUrl } = await tp.start();

  const keysRepo = new ApiKeyRepository(db);
  const issue = async (role: ApiRole, tenant: string | null = null) => (await keysRepo.create({ name: `e2e ${role} ${tenant ?? ''}`.trim(), role, tenant, createdBy: 'e2e' })).key;
  const keys: Record<KeyName, string> = {
    operator: await issue('operator'),
    epciA: await issue('epci', epciA),
    communeA: await issue('commune', A),
    communeB: await issue('commune', B),
    cdn: await issue('cdn'),
    public: await issue('public'),
  };

  const call: ApiPlatform['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.text;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetch(`${httpUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed };
  };

  const programs = new ProgramRepository(db);
  const fixture = async (label: 'A' | 'A2' | 'B', tenant: string): Promise<TenantFixture> => {
    const device = (await new DeviceRepository(db).listByTenant(tenant)).find((d) => d.type === 'lighting-controller')!.id;
    const program = `nuit-${label.toLowerCase()}`;
    await programs.saveProgram(tenant, { id: program, name: `Nuit ${label}`, steps: [{ at: '23:00', level_pct: 50 }] });
    const group = `rue-${label.toLowerCase()}`;
    await programs.saveGroup(tenant, group, `Rue ${label}`, [device]);
    const sent = await call('POST', '/api/v1/commands', { key: keys.operator, body: { target: { device }, command: { level_pct: 40 }, expires_at: new Date(Date.now() + 3_600_000).toISOString() } });
    if (sent.status !== 202) throw new Error(`fixture command for ${tenant}: HTTP ${sent.status} ${JSON.stringify(sent.body)}`);
    return { name: label, tenant, device, program, group, command: sent.body.commands[0].cmdId, batch: sent.body.batchId };
  };
  const tenants = { A: await fixture('A', A), A2: await fixture('A2', a2), B: await fixture('B', B) };

  return {
    tp,
    url: httpUrl,
    db,
    epciA,
    tenants,
    keys,
    sees: {
      operator: { role: 'operator', tenants: ['A', 'A2', 'B'] },
      epciA: { role: 'epci', tenants: ['A', 'A2'] },
      communeA: { role: 'commune', tenants: ['A'] },
      communeB: { role: 'commune', tenants: ['B'] },
      cdn: { role: 'cdn', tenants: [] },
      public: { role: 'public', tenants: [] },
    },
    call,
    async stop() {
      await db.close().catch(() => undefined);
      await tp.stop();
    },
  };
}

let alarmTypeSeq = 0;

/** A fresh open alarm of the tenant's luminaire (a type of its own, so that it never collides with an open one). */
export async function insertAlarm(db: Database, fixture: TenantFixture): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since)
     VALUES ($1, $2, 'lighting', $3, 'fault', 'major', 'detected', now()) RETURNING id::int`,
    [fixture.tenant, fixture.device, `e2e_fault_${process.pid}_${++alarmTypeSeq}`],
  );
  return rows[0]!.id;
}
