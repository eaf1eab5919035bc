import { Injectable } from '@nestjs/common';
import type { DeviceRuleState } from '@hv/rules';
import { packJson, packText, unpacked, Database, type Queryable } from '@hv/state';

/** States per upsert statement (each ≈ 0.3–2 kB of JSON). */
const CHUNK = 2_000;

/** The rules' per-device state (windows, debouncers, last reading), persisted for restarts. */
@Injectable()
export class RuleStateRepository {
  constructor(private readonly db: Database) {}

  /** Every stored state, in pages (the Aisne's 95k devices at start-up). */
  async *all(pageSize = 10_000): AsyncGenerator<Array<{ device: string; state: DeviceRuleState }>> {
    let after = '';
    for (;;) {
      const { rows } = await this.db.query<{ device: string; state: string }>(
        'SELECT device_id AS device, state FROM rule_states WHERE device_id > $1 ORDER BY device_id LIMIT $2',
        [after, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => ({ device: r.device, state: JSON.parse(r.state) as DeviceRuleState }));
      after = rows.at(-1)!.device;
    }
  }

  /**
   * Upserts the states, in `tx` when given (with the alarm changes they led to). Rows are
   * locked in device order, whoever writes: the alarm transaction and the group commit run
   * concurrently and, in arrival order, deadlocked each other (seen in CI, then retried).
   */
  async save(unsorted: ReadonlyArray<{ device: string; state: DeviceRuleState }>, tx: Queryable = this.db): Promise<void> {
    const states = [...unsorted].sort(byDevice);
    for (let i = 0; i < states.length; i += CHUNK) {
      const params: unknown[] = [];
      await tx.query(upsertStatement(states.slice(i, i + CHUNK), params), params);
    }
  }

  /**
   * The upsert of a few states (at most CHUNK) as a statement to run with others (the alarm
   * changes they led to: AlarmRepository.applyInOneStatement), its values appended to `params`.
   */
  upsertStatement(unsorted: ReadonlyArray<{ device: string; state: DeviceRuleState }>, params: unknown[]): string {
    if (unsorted.length > CHUNK) throw new Error(`upsertStatement: ${unsorted.length} states, at most ${CHUNK} in one statement`);
    return upsertStatement([...unsorted].sort(byDevice), params);
  }
}

/** States per statement: the most `upsertStatement` takes. */
export const RULE_STATES_PER_STATEMENT = CHUNK;

const byDevice = (a: { device: string }, b: { device: string }) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0);

/**
 * Packed text, not a jsonb document nor pg text arrays (packed-rows.ts): a luminaire's
 * state is written at each of its readings, 5,000 rows/s under the bench's background.
 */
function upsertStatement(states: ReadonlyArray<{ device: string; state: DeviceRuleState }>, params: unknown[]): string {
  const devices = `$${params.push(packText(states.map((s) => s.device)))}`;
  const json = `$${params.push(packJson(states.map((s) => s.state)))}`;
  return `INSERT INTO rule_states (device_id, state, updated_at)
    SELECT x.d, x.s, now() FROM unnest(${unpacked(`${devices}::text`)}, ${unpacked(`${json}::text`)}) AS x(d, s)
    ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`;
}
