import { Injectable } from '@nestjs/common';
import { Database } from './database';

/** How many failures a subject may have within `windowMs` before it is locked for `lockMs`. */
export interface ThrottleLimit {
  failures: number;
  windowMs: number;
  lockMs: number;
}

/** How often rows whose window and lock are long over are deleted, ms. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Counts failures per subject (`account:<e-mail>`, `address:<ip>`, `reset:<e-mail>`) in
 * PostgreSQL, so that every API process behind a load balancer shares the same count.
 */
@Injectable()
export class LoginThrottleRepository {
  private lastSweep = 0;

  constructor(private readonly db: Database) {}

  /** Ms until the subject is unlocked, or 0 when it is not locked. */
  async lockedForMs(subjects: readonly string[]): Promise<number> {
    const { rows } = await this.db.query<{ ms: number | null }>(
      `SELECT ceil(max(extract(epoch FROM locked_until - now())) * 1000)::float8 AS ms FROM login_throttle WHERE subject = ANY($1::text[]) AND locked_until > now()`,
      [subjects],
    );
    return Math.max(0, rows[0]?.ms ?? 0);
  }

  /**
   * Counts one failure of the subject; locks it when the count within the window reaches the
   * limit. Returns the lock's length in ms (0 while under the limit).
   */
  async fail(subject: string, limit: ThrottleLimit): Promise<number> {
    await this.sweep();
    const { rows } = await this.db.query<{ ms: number | null }>(
      `INSERT INTO login_throttle AS t (subject, failures, window_start, locked_until)
       VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $4::double precision / 1000) END)
       ON CONFLICT (subject) DO UPDATE SET
         failures = CASE WHEN t.window_start < now() - make_interval(secs => $3::double precision / 1000) THEN 1 ELSE t.failures + 1 END,
         window_start = CASE WHEN t.window_start < now() - make_interval(secs => $3::double precision / 1000) THEN now() ELSE t.window_start END,
         locked_until = CASE
           WHEN (CASE WHEN t.window_start < now() - make_interval(secs => $3::double precision / 1000) THEN 1 ELSE t.failures + 1 END) >= $2
           THEN now() + make_interval(secs => $4::double precision / 1000)
           ELSE t.locked_until END
       RETURNING CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()) * 1000)::float8 END AS ms`,
      [subject, limit.failures, limit.windowMs, limit.lockMs],
    );
    return Math.max(0, rows[0]?.ms ?? 0);
  }

  /** Forgets the subject's failures (a successful login of the account). */
  async reset(subject: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE subject = $1', [subject]);
  }

  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    await this.db.query(`DELETE FROM login_throttle WHERE window_start < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`);
  }
}
