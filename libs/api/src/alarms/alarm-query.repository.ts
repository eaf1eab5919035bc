import { Injectable } from '@nestjs/common';
import { Database } from '@hv/state';
import { ALARM_COLUMNS, AlarmRepository, type Alarm, type AlarmState } from '@hv/telegestion';

/** One step of an alarm's history. */
export interface AlarmEvent {
  at: Date;
  event: 'raised' | 'suppressed' | 'released' | 'escalated' | 'acknowledged' | 'assigned' | 'unassigned' | 'commented' | 'cleared';
  /** A person's or key's label, `rules` or `device`. */
  actor: string | null;
  /** The severity, the assignee or the parent alarm's id. */
  detail: string | null;
  comment: string | null;
}

export interface AlarmFilter {
  /** null: every tenant. */
  tenants: readonly string[] | null;
  device?: string;
  /** `open`: active or acknowledged. */
  state?: AlarmState | 'open';
  type?: string;
  kind?: string;
  severity?: string;
  domain?: string;
  /** Assigned to; `-`: to nobody. */
  assignee?: string;
  /** Raised at or after / before, epoch ms: the history of a period. */
  fromMs?: number;
  toMs?: number;
  /** Suppressed alarms (explained by a parent) are left out unless asked for. */
  includeSuppressed: boolean;
  limit: number;
  offset: number;
}

/**
 * The API's view of telegestion's alarm tables (migration 002): filtered, scoped listing and
 * the operator's actions, which go through telegestion's AlarmRepository.
 */
@Injectable()
export class AlarmQueryRepository {
  private readonly alarms: AlarmRepository;

  constructor(private readonly db: Database) {
    this.alarms = new AlarmRepository(db);
  }

  async list(filter: AlarmFilter): Promise<{ total: number; alarms: Alarm[] }> {
    const params: unknown[] = [filter.tenants];
    const where = ['($1::text[] IS NULL OR tenant_id = ANY($1::text[]))'];
    const add = (sql: string, value: unknown) => {
      if (value === undefined) return;
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    add('device_id = ?', filter.device);
    if (filter.state === 'open') where.push(`state <> 'cleared'`);
    else add('state = ?', filter.state);
    add('type = ?', filter.type);
    add('kind = ?', filter.kind);
    add('severity = ?', filter.severity);
    add('domain = ?', filter.domain);
    if (filter.assignee === '-') where.push('assignee IS NULL');
    else add('assignee = ?', filter.assignee);
    add('raised_at >= ?', filter.fromMs === undefined ? undefined : new Date(filter.fromMs));
    add('raised_at < ?', filter.toMs === undefined ? undefined : new Date(filter.toMs));
    if (!filter.includeSuppressed) where.push('parent_id IS NULL');
    const clause = where.join(' AND ');
    const [page, count] = await Promise.all([
      this.db.query<Alarm>(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE ${clause} ORDER BY raised_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, filter.limit, filter.offset]),
      this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alarms WHERE ${clause}`, params),
    ]);
    return { total: count.rows[0]?.n ?? 0, alarms: page.rows };
  }

  async get(id: number): Promise<Alarm | undefined> {
    const { rows } = await this.db.query<Alarm>(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Alarms explained by this one (a cabinet's supply loss explains its luminaires' faults). */
  async children(id: number): Promise<number[]> {
    const { rows } = await this.db.query<{ id: number }>('SELECT id::int FROM alarms WHERE parent_id = $1 ORDER BY id', [id]);
    return rows.map((r) => r.id);
  }

  /** What happened to the alarm, oldest first (migration 012). */
  async history(id: number): Promise<AlarmEvent[]> {
    const { rows } = await this.db.query<AlarmEvent>('SELECT at, event, actor, detail, comment FROM alarm_events WHERE alarm_id = $1 ORDER BY id', [id]);
    return rows;
  }

  acknowledge(id: number, by: string, comment?: string): Promise<Alarm | undefined> {
    return this.alarms.acknowledge(id, by, comment);
  }

  assign(id: number, assignee: string | null, by: string, comment?: string): Promise<Alarm | undefined> {
    return this.alarms.assign(id, assignee, by, comment);
  }

  comment(id: number, by: string, comment: string): Promise<boolean> {
    return this.alarms.comment(id, by, comment);
  }

  /**
   * A person closes an open alarm (the repair is done); undefined when it was not open.
   * Telegestion's own clear, announced to it: its rules take the ongoing condition as
   * cleared, and it publishes the `cleared` event as for any other clear.
   */
  clear(id: number, by: string, comment?: string): Promise<Alarm | undefined> {
    return this.alarms.clearByHand(id, by, comment);
  }
}
