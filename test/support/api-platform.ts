/**
 * An all-in-one platform (so the API runs beside telegestion, as deployed) with three
 * communes' luminaires and one key per role, for the API's end-to-end suites.
 * Tenants: A = Laon (02408), A2 = another commune of A's EPCI, B = Saint-Quentin (02691,
 * another EPCI); keys: operator, A's EPCI, commune A, commune B, the CDN, open data; and a
 * person of each of these roles and tenants, signed in (a console session).
 */
import { lightingFleet } from '@hv/simulators';
import { ApiKeyRepository, Database, DeviceRepository, TenantRepository, TEST_SCRYPT_COST, UserRepository, type ApiRole } from '@hv/state';
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
  /** A signed-in person per role and tenant, as `keys` (password: PASSWORD). */
  sessions: Record<KeyName, Session>;
  /** E-mail of the person of each session. */
  emails: Record<KeyName, string>;
  /** Signs in through the API; throws unless it succeeds. */
  login(email: string, password?: string): Promise<Session>;
  /** The role of each key and the tenants of A, A2, B it must see. */
  sees: Record<KeyName, { role: ApiRole; tenants: ReadonlyArray<'A' | 'A2' | 'B'> }>;
  call(method: string, path: string, options?: CallOptions): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** A console session as a browser holds it: the cookie's value and the CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** The password of the platform's people. */
export const PASSWORD = 'correct horse battery staple';

export interface CallOptions {
  key?: string;
  /** Sent as the hv_session cookie, with X-CSRF-Token on state-changing requests unless `csrf` is false. */
  session?: Session;
  csrf?: boolean;
  /** Extra request headers (Origin, Sec-Fetch-Site). */
  headers?: Record<string, string>;
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
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.session) {
      headers.cookie = `hv_session=${options.session.cookie}`;
      if (method !== 'GET' && options.csrf !== false) headers['x-csrf-token'] = options.session.csrf;
    }
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
    return { status: res.status, body: parsed, headers: res.headers };
  };

  const login: ApiPlatform['login'] = async (email, password = PASSWORD) => {
    const res = await call('POST', '/api/v1/session', { body: { email, password } });
    if (res.status !== 200) throw new Error(`login of ${email}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = /(?:^|;\s*)hv_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error(`login of ${email}: no hv_session cookie in ${res.headers.get('set-cookie')}`);
    return { cookie, csrf: res.body.csrfToken };
  };

  const usersRepo = new UserRepository(db);
  const emails = {} as Record<KeyName, string>;
  const sessions = {} as Record<KeyName, Session>;
  const people: Record<KeyName, [ApiRole, string | null]> = {
    operator: ['operator', null],
    epciA: ['epci', epciA],
    communeA: ['commune', A],
    communeB: ['commune', B],
    cdn: ['cdn', null],
    public: ['public', null],
  };
  for (const [name, [role, tenant]] of Object.entries(people) as Array<[KeyName, [ApiRole, string | null]]>) {
    emails[name] = `${name.toLowerCase()}-${seed}@example.org`;
    const user = await usersRepo.create({ email: emails[name], name: `E2E ${name}`, role, tenant, createdBy: 'e2e' });
    await usersRepo.setPassword(user.id, PASSWORD, TEST_SCRYPT_COST);
    sessions[name] = await login(emails[name]);
  }

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
    sessions,
    emails,
    login,
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
