import { Injectable } from '@nestjs/common';
import { ALARM_TYPES, type ActiveAlarm, type AlarmType, type Correlated, type Severity } from '@hv/rules';
import { Database, type Queryable } from '@hv/state';

export type AlarmState = 'active' | 'acknowledged' | 'cleared';

/** An alarm as stored (and as the API and events show it). */
export interface Alarm {
  id: number;
  tenant: string;
  device: string;
  domain: string;
  type: AlarmType;
  kind: string;
  severity: Severity;
  source: 'detected' | 'reported';
  state: AlarmState;
  since: Date;
  raisedAt: Date;
  value: number | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  clearedAt: Date | null;
  clearedBy: string | null;
  /** The alarm that explains this one (suppressed), if any. */
  parentId: number | null;
  savings: { kwh: number; eur: number; kgco2: number } | null;
}

/** What one applied change did to the store, for the events that follow the commit. */
export type AlarmTransition =
  | { event: 'raised' | 'suppressed' | 'escalated' | 'cleared'; alarm: Alarm }
  | { event: 'adopted' | 'released'; alarm: Alarm };

/** The columns of an Alarm, shared with the API's alarm queries so both show an alarm alike. */
export const ALARM_COLUMNS = `id::int, tenant_id AS tenant, device_id AS device, domain, type, kind, severity, source, state,
  since, raised_at AS "raisedAt", value, acknowledged_at AS "acknowledgedAt", acknowledged_by AS "acknowledgedBy",
  assignee, cleared_at AS "clearedAt", cleared_by AS "clearedBy", parent_id::int AS "parentId",
  CASE WHEN savings_kwh IS NULL THEN NULL ELSE json_build_object('kwh', savings_kwh, 'eur', savings_eur, 'kgco2', savings_kgco2) END AS savings`;

const OPEN = `state <> 'cleared'`;

/**
 * PostgreSQL channel on which a clear by hand (the API) is announced, with the alarm id as
 * payload: telegestion, in this process or another, takes it into its rules and correlation
 * and publishes the alarm's `cleared` event, as for a clear of its own rules.
 */
export const ALARM_CLEARS_CHANNEL = 'hv_alarm_clears';

/** `cleared_by` of a clear decided by telegestion's rules; any other value is a person's (an API key's label). */
export const CLEARED_BY_RULES = 'rules';

/**
 * The alarm store. Raising inserts against the partial unique index "one open alarm per
 * device and type": a second raise of the same alarm (another instance, a redelivered
 * message after a restart) conflicts and changes nothing, so nothing is raised twice.
 */
@Injectable()
export class AlarmRepository {
  constructor(private readonly db: Database) {}

  /**
   * Applies the correlated changes in order, in the caller's transaction, and returns what
   * each did. A raise that finds the alarm already open, or a clear that finds none, does
   * nothing and returns nothing.
   */
  async apply(tx: Queryable, changes: readonly Correlated[]): Promise<AlarmTransition[]> {
    const out: AlarmTransition[] = [];
    for (const c of changes) {
      const params: unknown[] = [];
      const { rows } = await tx.query<Alarm>(changeStatement(c, params), params);
      const alarm = rows[0];
      if (alarm) {
        out.push({ event: eventOf(c, alarm), alarm });
        for (const key of c.adopt) {
          const adopted = await this.link(tx, key, alarm.id);
          if (adopted) out.push({ event: 'adopted', alarm: adopted });
        }
      }
      for (const key of c.release) {
        const released = await this.link(tx, key, null);
        if (released) out.push({ event: 'released', alarm: released });
      }
    }
    return out;
  }

  /**
   * The same changes as `apply`, and `alongside` (another data-modifying statement built on
   * the same `params`, such as the devices' rule states), in ONE statement: atomic without
   * BEGIN and COMMIT, one round trip instead of three or more. Each round trip waits for
   * the event loop, busy with thousands of readings a second, to read its answer: under
   * the telegestion bench's background that was most of a fault's way to its alarm.
   * Only for changes that are independent of each other (see `oneStatementFits`): every
   * part of a statement sees the database as it was before it.
   */
  async applyInOneStatement(db: Queryable, changes: readonly Correlated[], alongside: { sql: string; params: unknown[] }): Promise<AlarmTransition[]> {
    const params = alongside.params;
    const parts = [`side AS (${alongside.sql})`];
    const selects: string[] = [];
    changes.forEach((c, i) => {
      parts.push(`c${i} AS (${changeStatement(c, params)})`);
      selects.push(`SELECT ${i} AS step, c${i}.* FROM c${i}`);
    });
    const sql = `WITH ${parts.join(',\n')}\n${selects.length ? `${selects.join(' UNION ALL ')} ORDER BY step` : 'SELECT NULL::int AS step WHERE false'}`;
    const { rows } = await db.query<Alarm & { step: number }>(sql, params);
    return rows.map(({ step, ...alarm }) => ({ event: eventOf(changes[step]!, alarm), alarm }));
  }

  /**
   * Whether `applyInOneStatement` decides the same as `apply`: no adoption or release (they
   * update other alarms, possibly raised in the same batch), no alarm changed twice, no
   * parent raised in the same batch, and few enough changes for one statement.
   */
  static oneStatementFits(changes: readonly Correlated[]): boolean {
    if (changes.length > ONE_STATEMENT_MAX_CHANGES) return false;
    const keys = new Set<string>();
    for (const c of changes) {
      if (c.adopt.length || c.release.length) return false;
      const key = `${c.change.device}/${c.change.type}`;
      if (keys.has(key)) return false;
      keys.add(key);
    }
    return changes.every((c) => c.parent === undefined || !keys.has(c.parent));
  }

  /** Children whose parent went away long enough ago: they stand on their own. */
  async release(tx: Queryable, keys: readonly string[]): Promise<AlarmTransition[]> {
    const out: AlarmTransition[] = [];
    for (const key of keys) {
      const alarm = await this.link(tx, key, null);
      if (alarm) out.push({ event: 'released', alarm });
    }
    return out;
  }

  /** Open alarms, as the correlator holds them (parents as `device/type` keys). */
  async openForCorrelation(): Promise<ActiveAlarm[]> {
    const { rows } = await this.db.query<{ device: string; type: AlarmType; since: Date; parent: string | null; parentClearedAt: Date | null }>(
      `SELECT a.device_id AS device, a.type, a.since, p.device_id || '/' || p.type AS parent, p.cleared_at AS "parentClearedAt"
       FROM alarms a LEFT JOIN alarms p ON p.id = a.parent_id
       WHERE a.${OPEN}`,
    );
    return rows.map((r) => ({
      key: `${r.device}/${r.type}`,
      type: r.type,
      device: r.device,
      since: r.since.getTime(),
      ...(r.parent ? { parent: r.parent } : {}),
      ...(r.parentClearedAt ? { parentClearedAt: r.parentClearedAt.getTime() } : {}),
    }));
  }

  async list(filter: { tenant?: string; device?: string; state?: AlarmState | 'open'; type?: AlarmType; limit?: number } = {}): Promise<Alarm[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.tenant) add('tenant_id = ?', filter.tenant);
    if (filter.device) add('device_id = ?', filter.device);
    if (filter.type) add('type = ?', filter.type);
    if (filter.state === 'open') where.push(OPEN);
    else if (filter.state) add('state = ?', filter.state);
    params.push(filter.limit ?? 1_000);
    const { rows } = await this.db.query<Alarm>(
      `SELECT ${ALARM_COLUMNS} FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows;
  }

  /**
   * A person acknowledges an open alarm (active → acknowledged), with an optional comment
   * kept in its history (migration 012). Returns it, or undefined if it was not active.
   */
  async acknowledge(id: number, by: string, comment?: string): Promise<Alarm | undefined> {
    return this.db.tx(async (tx) => {
      await actingAs(tx, by, comment);
      const { rows } = await tx.query<Alarm>(
        `UPDATE alarms SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2, updated_at = now()
         WHERE id = $1 AND state = 'active' RETURNING ${ALARM_COLUMNS}`,
        [id, by],
      );
      return rows[0];
    });
  }

  /**
   * A person closes an open alarm (the repair is done): the same clear as a rule's, by id,
   * announced on ALARM_CLEARS_CHANNEL in the same transaction (delivered on commit).
   * Returns the cleared alarm, or undefined when it was not open.
   */
  async clearByHand(id: number, by: string, comment?: string): Promise<Alarm | undefined> {
    return this.db.tx(async (tx) => {
      await actingAs(tx, by, comment);
      const params: unknown[] = [];
      const { rows } = await tx.query<Alarm>(clearStatement(`id = $${params.push(id)}`, { at: null, by, value: null, savings: null }, params), params);
      const alarm = rows[0];
      if (alarm) await tx.query('SELECT pg_notify($1, $2)', [ALARM_CLEARS_CHANNEL, String(alarm.id)]);
      return alarm;
    });
  }

  async byId(id: number): Promise<Alarm | undefined> {
    const { rows } = await this.db.query<Alarm>(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [id]);
    return rows[0];
  }

  /**
   * Of these `device/type` keys, the alarms no longer open whose last alarm a person
   * cleared: clears by hand that telegestion did not hear of (it was not listening).
   */
  async closedByHandAmong(keys: readonly string[]): Promise<Alarm[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.db.query<Alarm>(
      `SELECT * FROM (
         SELECT DISTINCT ON (device_id, type) ${ALARM_COLUMNS}
         FROM alarms JOIN unnest($1::text[]) AS k(key) ON device_id = split_part(k.key, '/', 1) AND type = split_part(k.key, '/', 2)
         ORDER BY device_id, type, id DESC
       ) last WHERE state = 'cleared' AND "clearedBy" IS DISTINCT FROM $2`,
      [keys, CLEARED_BY_RULES],
    );
    return rows;
  }

  /** Sets or removes who handles the alarm; `by` and the comment go to its history. */
  async assign(id: number, assignee: string | null, by: string, comment?: string): Promise<Alarm | undefined> {
    return this.db.tx(async (tx) => {
      await actingAs(tx, by, comment);
      const { rows } = await tx.query<Alarm>(`UPDATE alarms SET assignee = $2, updated_at = now() WHERE id = $1 RETURNING ${ALARM_COLUMNS}`, [id, assignee]);
      return rows[0];
    });
  }

  /** A comment in the alarm's history, whatever its state; false when the alarm does not exist. */
  async comment(id: number, by: string, comment: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO alarm_events (alarm_id, event, actor, comment) SELECT id, 'commented', $2, $3 FROM alarms WHERE id = $1`,
      [id, by, comment],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Sets (or removes) the parent link of the open alarm `device/type`. */
  private async link(tx: Queryable, key: string, parentId: number | null): Promise<Alarm | undefined> {
    const [device, type] = key.split('/') as [string, string];
    const { rows } = await tx.query<Alarm>(
      `UPDATE alarms SET parent_id = $3, updated_at = now()
       WHERE device_id = $1 AND type = $2 AND ${OPEN} AND parent_id IS DISTINCT FROM $3
       RETURNING ${ALARM_COLUMNS}`,
      [device, type, parentId],
    );
    return rows[0];
  }
}

/** Who acts and why, for the history trigger (migration 012), for the rest of the transaction. */
async function actingAs(tx: Queryable, by: string, comment: string | undefined): Promise<void> {
  await tx.query(`SELECT set_config('hv.alarm_actor', $1, true), set_config('hv.alarm_comment', $2, true)`, [by, comment ?? '']);
}

/** Changes in one statement at most: a whole fleet's communication loss goes the transaction's way. */
const ONE_STATEMENT_MAX_CHANGES = 32;

/** A raise linked to a parent is a suppression. */
function eventOf(c: Correlated, alarm: Alarm): 'raised' | 'suppressed' | 'escalated' | 'cleared' {
  if (c.change.kind === 'raise') return alarm.parentId === null ? 'raised' : 'suppressed';
  return c.change.kind === 'clear' ? 'cleared' : 'escalated';
}

/** The statement of one change, its values appended to `params` (shared by the parts of one statement). */
function changeStatement(c: Correlated, params: unknown[]): string {
  const $ = (value: unknown) => `$${params.push(value)}`;
  const ch = c.change;
  if (ch.kind === 'raise') {
    return `INSERT INTO alarms (tenant_id, device_id, domain, type, kind, severity, source, since, value, parent_id)
      VALUES (${$(ch.tenant)}, ${$(ch.device)}, ${$(ch.domain)}, ${$(ch.type)}, ${$(ALARM_TYPES[ch.type].kind)}, ${$(ch.severity)}, ${$(ch.source)}, ${$(new Date(ch.since))}::timestamptz, ${$(ch.value ?? null)}::float8,
        (SELECT id FROM alarms WHERE device_id = split_part(${$(c.parent ?? null)}::text, '/', 1) AND type = split_part(${$(c.parent ?? null)}::text, '/', 2) AND ${OPEN}))
      ON CONFLICT (device_id, type) WHERE ${OPEN} DO NOTHING
      RETURNING ${ALARM_COLUMNS}`;
  }
  if (ch.kind === 'clear') {
    return clearStatement(`device_id = ${$(ch.device)} AND type = ${$(ch.type)}`, { at: ch.at, by: CLEARED_BY_RULES, value: ch.value ?? null, savings: ch.savings ?? null }, params);
  }
  return `UPDATE alarms SET severity = ${$(ch.severity)}::text, value = COALESCE(${$(ch.value ?? null)}::float8, value), updated_at = now()
    WHERE device_id = ${$(ch.device)} AND type = ${$(ch.type)} AND ${OPEN} AND severity <> ${$(ch.severity)}::text
    RETURNING ${ALARM_COLUMNS}`;
}

/**
 * The clear of the open alarm `where` selects, by the rules (`at`: the reading that ended it)
 * or by hand (`at` null: now), its values appended to `params`.
 */
function clearStatement(where: string, c: { at: number | null; by: string; value: number | null; savings: { kwh: number; eur: number; kgco2: number } | null }, params: unknown[]): string {
  const $ = (value: unknown) => `$${params.push(value)}`;
  return `UPDATE alarms SET state = 'cleared', cleared_at = COALESCE(${$(c.at === null ? null : new Date(c.at))}::timestamptz, now()), cleared_by = ${$(c.by)}::text,
      value = COALESCE(${$(c.value)}::float8, value),
      savings_kwh = ${$(c.savings?.kwh ?? null)}::float8, savings_eur = ${$(c.savings?.eur ?? null)}::float8, savings_kgco2 = ${$(c.savings?.kgco2 ?? null)}::float8, updated_at = now()
    WHERE ${where} AND ${OPEN}
    RETURNING ${ALARM_COLUMNS}`;
}
