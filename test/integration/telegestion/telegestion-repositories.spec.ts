/**
 * Commands and rule states round-trip through the real PostgreSQL in the packed form their
 * repositories write (libs/state/src/packed-rows.ts): every column as it was in memory,
 * nulls as nulls, bodies shared by a group or one per command, strings a device or a rule
 * could hold (quotes, backslashes, accents, escaped control characters).
 */
import { Database, DeviceRepository, migrate, NotificationListener, seedTerritory } from '@hv/state';
import { ALARM_CLEARS_CHANNEL, AlarmRepository, CommandRepository, RuleStateRepository, type AlarmTransition, type CommandRecord } from '@hv/telegestion';
import type { AlarmChange, Correlated, DeviceRuleState } from '@hv/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/services';

const LAON = '02408';
const DEVICES = ['tg-repo-a', 'tg-repo-b', 'tg-repo-c'];
/** Two identical little installations, one per way of storing alarm changes. */
const SITES = { tx: ['tg-tx-cab', 'tg-tx-lamp1', 'tg-tx-lamp2'], one: ['tg-one-cab', 'tg-one-lamp1', 'tg-one-lamp2'] } as const;

/** A batch of alarm changes of one site: [device index, kind, type, severity, parent device index]. */
type Step = Array<[number, AlarmChange['kind'], AlarmChange['type'], AlarmChange['severity'], number?]>;

function batch(site: readonly string[], steps: Step, at: number): Correlated[] {
  return steps.map(([d, kind, type, severity, parent]) => ({
    change: { kind, type, device: site[d]!, tenant: LAON, domain: 'lighting', severity, since: at, at, source: 'detected', ...(kind === 'clear' ? { savings: { kwh: 1.5, eur: 0.3, kgco2: 0.1 } } : { value: 42 }) },
    ...(parent !== undefined ? { parent: `${site[parent]}/supply_loss` } : {}),
    adopt: [],
    release: [],
  }));
}

/** A transition with what depends on the site or the database's clock taken out. */
function comparable(site: readonly string[], t: AlarmTransition): unknown {
  const { id: _id, raisedAt: _r, parentId, device, ...rest } = t.alarm;
  return { event: t.event, device: site.indexOf(device), linked: parentId !== null, ...rest };
}

function record(i: number, body: Record<string, unknown>, over: Partial<CommandRecord> = {}): CommandRecord {
  return {
    cmdId: `c-repo-${i}`,
    batchId: null,
    tenant: LAON,
    device: DEVICES[i % DEVICES.length]!,
    domain: 'lighting',
    body,
    reason: 'override',
    status: 'queued',
    attempts: 0,
    nextAttemptAt: 1_790_000_000_123 + i,
    expiresAt: null,
    createdAt: 1_790_000_000_001 + i,
    sentAt: null,
    ackedAt: null,
    ackStatus: null,
    reported: null,
    error: null,
    ...over,
  };
}

describe('telegestion repositories on PostgreSQL', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let commands: CommandRepository;
  let states: RuleStateRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase('tg_repositories');
    db = new Database(testDb.url, { max: 4 });
    await migrate(db);
    await seedTerritory(db, '02');
    const devices = new DeviceRepository(db);
    for (const id of DEVICES) await devices.create({ id, tenant: LAON, type: 'lighting-controller' });
    for (const site of Object.values(SITES)) {
      await devices.create({ id: site[0], tenant: LAON, type: 'lighting-cabinet' });
      for (const lamp of site.slice(1)) await devices.create({ id: lamp, tenant: LAON, type: 'lighting-controller', attributes: { cabinet: site[0] } });
    }
    commands = new CommandRepository(db);
    states = new RuleStateRepository(db);
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('stores a group sharing one body with its batch, each command as it was in memory', async () => {
    const body = { level_pct: 30, reason: 'override', expires_at: 1_790_000_360_000 };
    const group = Array.from({ length: 7 }, (_, i) => record(i, body, { batchId: 'b-repo-1', expiresAt: 1_790_000_360_000 }));
    await commands.insert({ id: 'b-repo-1', tenant: LAON, target: { group: 'g', tenant: LAON }, body, reason: 'override', createdBy: 'test' }, group);
    const stored = await commands.byBatch('b-repo-1');
    expect(stored).toHaveLength(7);
    for (const c of group) expect(stored.find((s) => s.cmdId === c.cmdId)).toEqual(c);
  });

  it('stores commands with bodies of their own, and no batch', async () => {
    const mixed = [record(10, { level_pct: 0, reason: 'manual' }), record(11, { action: 'set_interval', interval_s: 600 }), record(12, { level_pct: 100, reason: 'schedule' }, { reason: 'schedule' })];
    await commands.insert(null, mixed);
    for (const c of mixed) expect(await commands.get(c.cmdId)).toEqual(c);
  });

  it('writes back every mutable column, nulls and hostile strings included', async () => {
    const [a, b, c] = [record(20, { level_pct: 50, reason: 'override' }), record(21, { level_pct: 50, reason: 'override' }), record(22, { level_pct: 50, reason: 'override' })];
    await commands.insert(null, [a!, b!, c!]);
    Object.assign(a!, { status: 'acknowledged', attempts: 1, sentAt: 1_790_000_001_000, ackedAt: 1_790_000_001_300, ackStatus: 'ok', reported: { level_pct: 50, on: true, note: 'quote " backslash \\ é \u001e end' } });
    Object.assign(b!, { status: 'failed', attempts: 3, sentAt: 1_790_000_002_000, ackStatus: null, error: 'no ack after 3 attempts, "quoted" \\ {braces}' });
    Object.assign(c!, { status: 'sent', attempts: 2, sentAt: 1_790_000_003_000, nextAttemptAt: 1_790_000_033_000 });
    await commands.update([a!, b!, c!]);
    expect(await commands.get(a!.cmdId)).toEqual(a);
    expect(await commands.get(b!.cmdId)).toEqual(b);
    expect(await commands.get(c!.cmdId)).toEqual(c);
    // A single record whose nullable columns are all null still updates (one empty field is NULL).
    Object.assign(c!, { status: 'expired', error: null });
    await commands.update([c!]);
    expect(await commands.get(c!.cmdId)).toEqual(c);
  });

  it('resumes exactly the queued and sent commands', async () => {
    const pending = await commands.pending();
    const ids = pending.map((p) => p.cmdId);
    expect(ids).toContain('c-repo-0');
    expect(ids).not.toContain('c-repo-20'); // acknowledged
    expect(ids).not.toContain('c-repo-22'); // expired
    expect(pending.every((p) => p.status === 'queued' || p.status === 'sent')).toBe(true);
  });

  it('stores independent alarm changes in one statement exactly as the transaction does', async () => {
    const alarms = new AlarmRepository(db);
    const rs = new RuleStateRepository(db);
    const steps: Step[] = [
      [[0, 'raise', 'supply_loss', 'critical'], [1, 'raise', 'over_temperature', 'minor']],
      // the lamp's failure under the cabinet's committed loss is suppressed; a second raise of an open alarm does nothing
      [[1, 'raise', 'lamp_failure', 'major', 0], [1, 'escalate', 'over_temperature', 'major']],
      [[1, 'clear', 'over_temperature', 'major'], [2, 'clear', 'lamp_failure', 'major'], [1, 'escalate', 'lamp_failure', 'major'], [0, 'raise', 'supply_loss', 'critical']],
    ];
    const state = (n: number): DeviceRuleState => ({ lastSeen: 1_790_000_100_000 + n, lastSeq: n, types: {}, memory: {} });
    for (const [i, step] of steps.entries()) {
      const at = 1_790_000_100_000 + i * 60_000;
      const viaTx = batch(SITES.tx, step, at);
      const viaOne = batch(SITES.one, step, at);
      expect(AlarmRepository.oneStatementFits(viaOne)).toBe(true);
      const fromTx = await db.tx((tx) => alarms.apply(tx, viaTx));
      const params: unknown[] = [];
      const states = rs.upsertStatement(SITES.one.map((device) => ({ device, state: state(i) })), params);
      const fromOne = await alarms.applyInOneStatement(db, viaOne, { sql: states, params });
      expect(fromOne.map((t) => comparable(SITES.one, t))).toEqual(fromTx.map((t) => comparable(SITES.tx, t)));
      expect(fromOne.length).toBeGreaterThan(0);
    }
    const { rows } = await db.query<{ device_id: string; state: string }>('SELECT device_id, state FROM rule_states WHERE device_id = ANY($1) ORDER BY device_id', [[...SITES.one]]);
    expect(rows.map((r) => JSON.parse(r.state))).toEqual([state(2), state(2), state(2)]);
  });

  it('keeps a batch whose changes depend on each other for the transaction', () => {
    const raiseThenChild = batch(SITES.one, [[0, 'raise', 'supply_loss', 'critical'], [1, 'raise', 'lamp_failure', 'major', 0]], 0);
    const twice = batch(SITES.one, [[1, 'raise', 'cycling', 'minor'], [1, 'clear', 'cycling', 'minor']], 0);
    const adopting = batch(SITES.one, [[0, 'raise', 'supply_loss', 'critical']], 0).map((c) => ({ ...c, adopt: ['tg-one-lamp2/lamp_failure'] }));
    expect([raiseThenChild, twice, adopting].map((b) => AlarmRepository.oneStatementFits(b))).toEqual([false, false, false]);
  });

  it("clears by hand with the rules' clear statement, announces it on commit, and tells a clear by hand from a rule's", async () => {
    const alarms = new AlarmRepository(db);
    const [raised] = await db.tx((tx) => alarms.apply(tx, batch(DEVICES, [[2, 'raise', 'flame_fault', 'critical'], [2, 'raise', 'day_burner', 'minor']], 1_790_000_200_000)));
    const [byRules] = await db.tx((tx) => alarms.apply(tx, batch(DEVICES, [[2, 'clear', 'day_burner', 'minor']], 1_790_000_260_000)));
    expect(byRules!.alarm.clearedBy).toBe('rules');
    const heard: string[] = [];
    const listener = new NotificationListener(testDb.url, ALARM_CLEARS_CHANNEL);
    await listener.start({ notify: (p) => void heard.push(p), reset: () => undefined });
    try {
      const cleared = await alarms.clearByHand(raised!.alarm.id, 'Laon (key k1)');
      expect(cleared).toMatchObject({ id: raised!.alarm.id, state: 'cleared', clearedBy: 'Laon (key k1)', value: 42, savings: null });
      expect(Math.abs(cleared!.clearedAt!.getTime() - Date.now())).toBeLessThan(60_000);
      // Already cleared: nothing changes, nothing is announced.
      expect(await alarms.clearByHand(raised!.alarm.id, 'someone else')).toBeUndefined();
      const deadline = Date.now() + 5_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([String(raised!.alarm.id)]);
    } finally {
      await listener.stop();
    }
    expect(await alarms.byId(raised!.alarm.id)).toMatchObject({ state: 'cleared', clearedBy: 'Laon (key k1)' });
    const keys = [`${DEVICES[2]}/flame_fault`, `${DEVICES[2]}/day_burner`, `${DEVICES[1]}/flame_fault`];
    expect((await alarms.closedByHandAmong(keys)).map((a) => a.id)).toEqual([raised!.alarm.id]);
  });

  it('saves and reloads rule states, replacing the older one', async () => {
    const first: DeviceRuleState = { lastSeen: 1_790_000_000_000, lastSeq: 4, types: {}, memory: { sw_t: [1, 2, 3] } };
    const odd: DeviceRuleState = { lastSeen: 1_790_000_000_500, types: { lamp_failure: { detected: { active: true, since: 1_790_000_000_400 } } } as DeviceRuleState['types'], memory: { flags: [0, -1.5, 1e-9], on: true } };
    await states.save([{ device: 'tg-repo-a', state: first }, { device: 'tg-repo-b', state: odd }]);
    const second: DeviceRuleState = { ...first, lastSeq: 5, memory: { sw_t: [2, 3, 4] } };
    await states.save([{ device: 'tg-repo-a', state: second }]);
    const loaded = new Map<string, DeviceRuleState>();
    for await (const page of states.all(1)) for (const s of page) if (s.device.startsWith('tg-repo-')) loaded.set(s.device, s.state);
    expect(loaded).toEqual(new Map([['tg-repo-a', second], ['tg-repo-b', odd]]));
  });
});
