import { Injectable } from '@nestjs/common';
import { Database } from '@hv/state';
import type { DigestPayload } from './digest/digest-message';
import type { QuietHours } from './quiet-hours';
import type { Channel } from './subscription.repository';

/** One alert to one subscriber, as the sender takes it. */
export interface DueDelivery {
  id: number;
  idempotencyKey: string;
  channel: Channel;
  target: string;
  secret: string | null;
  payload: AlertPayload | DigestPayload;
  attempts: number;
  quietHours: QuietHours | null;
}

/** What a subscriber receives about an alarm (JSON body of a webhook; the e-mail is rendered from it). */
export interface AlertPayload {
  id: string;
  event: 'alarm.raised';
  alarm: {
    id: number;
    tenant: string;
    tenantName: string;
    device: string;
    domain: string;
    type: string;
    kind: string;
    severity: string;
    since: string;
    raisedAt: string;
    value: number | null;
  };
}

/** How long a taken delivery is reserved for the instance that took it, s (a crashed sender's deliveries come back after it). */
const LEASE_S = 60;
/** Alarms older than this are not notified any more (a notifier that was away a week does not flood), ms. */
export const CATCH_UP_MS = 24 * 3_600_000;
/**
 * After the first round, alarms raised since the previous round minus this margin are
 * looked at, ms: an alarm's raised_at is its transaction's start, and it becomes visible at
 * its commit, which may come later (a long batch); 5 min is far beyond any such batch.
 */
export const LOOKBACK_MARGIN_MS = 5 * 60_000;

/**
 * Deliveries in PostgreSQL: created from the alarms themselves (idempotent: one per
 * subscription, alarm and event), taken with SKIP LOCKED so that several notifiers share
 * the work, and ended delivered or dead.
 */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly db: Database) {}

  /**
   * Creates the deliveries of alarms raised in the last `lookbackMs` by the database's clock
   * (and not explained by another) since each
   * subscription began, for subscriptions of the alarm's tenant or of a tenant above it,
   * at or above their severity, in their domains (digest subscriptions get their digest
   * instead: DigestService). Returns how many were new.
   */
  async enqueueRaised(lookbackMs: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `INSERT INTO deliveries (subscription_id, alarm_id, event, idempotency_key, payload)
       SELECT s.id, a.id, 'raised', 'hv-' || s.id || '-' || a.id || '-raised',
         json_build_object('id', 'hv-' || s.id || '-' || a.id || '-raised', 'event', 'alarm.raised', 'alarm', json_build_object(
           'id', a.id, 'tenant', a.tenant_id, 'tenantName', t.name, 'device', a.device_id, 'domain', a.domain, 'type', a.type,
           'kind', a.kind, 'severity', a.severity, 'since', to_json(a.since), 'raisedAt', to_json(a.raised_at), 'value', a.value))
       FROM alarms a
       JOIN tenants t ON t.id = a.tenant_id
       LEFT JOIN tenants p ON p.id = t.parent_id
       JOIN subscriptions s ON s.tenant_id IN (a.tenant_id, t.parent_id, p.parent_id) AND s.disabled_at IS NULL AND s.digest IS NULL
       WHERE a.raised_at >= now() - make_interval(secs => $1::float8 / 1000) AND a.raised_at >= s.created_at AND a.parent_id IS NULL
         AND array_position(ARRAY['info', 'minor', 'major', 'critical'], a.severity) >= array_position(ARRAY['info', 'minor', 'major', 'critical'], s.min_severity)
         AND (s.domains IS NULL OR a.domain = ANY (s.domains))
       ON CONFLICT DO NOTHING`,
      [lookbackMs],
    );
    return rowCount ?? 0;
  }

  /** Up to `limit` pending deliveries whose time has come, reserved for LEASE_S. */
  async takeDue(limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.db.query<DueDelivery>(
      `UPDATE deliveries d SET next_attempt_at = now() + make_interval(secs => $2)
       FROM subscriptions s
       WHERE s.id = d.subscription_id AND d.id IN (
         SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING d.id::int, d.idempotency_key AS "idempotencyKey", s.channel, s.target, s.secret, d.payload, d.attempts,
         CASE WHEN s.quiet_from IS NULL THEN NULL ELSE json_build_object('from', s.quiet_from, 'to', s.quiet_to) END AS "quietHours"`,
      [limit, LEASE_S],
    );
    return rows;
  }

  /** Not sent yet (quiet hours): due again at `untilMs`, no attempt counted. */
  async postpone(id: number, untilMs: number): Promise<void> {
    await this.db.query(`UPDATE deliveries SET next_attempt_at = to_timestamp($2::float8 / 1000) WHERE id = $1`, [id, untilMs]);
  }

  async delivered(id: number): Promise<void> {
    await this.db.query(`UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), last_error = NULL WHERE id = $1`, [id]);
  }

  /** A failed attempt: tried again after `retryInMs`, or dead when `dead`. */
  async failed(id: number, error: string, retryInMs: number | null): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET attempts = attempts + 1, last_error = $2,
         status = CASE WHEN $3::float8 IS NULL THEN 'dead' ELSE 'pending' END,
         next_attempt_at = CASE WHEN $3::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $3::float8 / 1000) END
       WHERE id = $1`,
      [id, error.slice(0, 1_000), retryInMs],
    );
  }
}
