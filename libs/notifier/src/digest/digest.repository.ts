import { Injectable } from '@nestjs/common';
import { Database } from '@hv/state';
import type { DigestPeriod } from './digest-period';

/** A digest subscription whose digest of the period is not stored yet. */
export interface DigestSubscription {
  id: number;
  tenant: string;
  tenantName: string;
  minSeverity: string;
  domains: string[] | null;
}

/** A finding that ended in the period, with the energy it wasted while it lasted (what fixing it saved). */
export interface DigestFinding {
  alarm: number;
  tenant: string;
  tenantName: string;
  device: string;
  domain: string;
  type: string;
  since: string;
  clearedAt: string;
  kwh: number;
  eur: number;
  kgco2: number;
}

export interface SavingsTotals {
  findings: number;
  kwh: number;
  eur: number;
  kgco2: number;
}

/**
 * The findings a subscription may see: of its tenant or a tenant below it (an EPCI its
 * communes', the département everyone's, as for alerts), not explained by another alarm,
 * at or above its severity, in its domains. $1 is the subscription.
 */
const SCOPE = `FROM alarms a
  JOIN tenants t ON t.id = a.tenant_id
  LEFT JOIN tenants p ON p.id = t.parent_id
  JOIN subscriptions s ON s.id = $1 AND s.tenant_id IN (a.tenant_id, t.parent_id, p.parent_id)
  WHERE a.kind = 'finding' AND a.parent_id IS NULL
    AND array_position(ARRAY['info', 'minor', 'major', 'critical'], a.severity) >= array_position(ARRAY['info', 'minor', 'major', 'critical'], s.min_severity)
    AND (s.domains IS NULL OR a.domain = ANY (s.domains))`;

/** Ended in [$2, $3) (device time, ms): its savings are known from then on. */
const ENDED_IN = `a.cleared_at >= to_timestamp($2::float8 / 1000) AND a.cleared_at < to_timestamp($3::float8 / 1000)`;

/** Digests in PostgreSQL: which subscriptions still owe one, the findings of a period, and the digest stored as a delivery. */
@Injectable()
export class DigestRepository {
  constructor(private readonly db: Database) {}

  /**
   * Active `period` subscriptions made before the digest of the period beginning on `start`
   * was due, and which do not have it yet (its key spelled as digestKey spells it).
   */
  async owing(period: DigestPeriod, start: string, sendAtMs: number): Promise<DigestSubscription[]> {
    const { rows } = await this.db.query<DigestSubscription>(
      `SELECT s.id::int, s.tenant_id AS tenant, t.name AS "tenantName", s.min_severity AS "minSeverity", s.domains
       FROM subscriptions s JOIN tenants t ON t.id = s.tenant_id
       WHERE s.digest = $1 AND s.disabled_at IS NULL AND s.created_at <= to_timestamp($3::float8 / 1000)
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.idempotency_key = 'hv-' || s.id || '-digest-' || $1 || '-' || $2)
       ORDER BY s.id`,
      [period, start, sendAtMs],
    );
    return rows;
  }

  /** The findings that ended in [fromMs, toMs), largest savings first. */
  async findings(subscription: number, fromMs: number, toMs: number): Promise<DigestFinding[]> {
    const { rows } = await this.db.query<DigestFinding>(
      `SELECT a.id::int AS alarm, a.tenant_id AS tenant, t.name AS "tenantName", a.device_id AS device, a.domain, a.type,
         to_char(a.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since,
         to_char(a.cleared_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "clearedAt",
         COALESCE(a.savings_kwh, 0) AS kwh, COALESCE(a.savings_eur, 0) AS eur, COALESCE(a.savings_kgco2, 0) AS kgco2
       ${SCOPE} AND ${ENDED_IN}
       ORDER BY kwh DESC, a.id`,
      [subscription, fromMs, toMs],
    );
    return rows;
  }

  /** The totals of the findings that ended in [fromMs, toMs) (the previous period's, for the trend). */
  async totals(subscription: number, fromMs: number, toMs: number): Promise<SavingsTotals> {
    const { rows } = await this.db.query<SavingsTotals>(
      `SELECT count(*)::int AS findings, COALESCE(sum(a.savings_kwh), 0)::float8 AS kwh, COALESCE(sum(a.savings_eur), 0)::float8 AS eur,
         COALESCE(sum(a.savings_kgco2), 0)::float8 AS kgco2
       ${SCOPE} AND ${ENDED_IN}`,
      [subscription, fromMs, toMs],
    );
    return rows[0]!;
  }

  /** Findings begun before `toMs` and still going on then (no savings yet: they are still wasting). */
  async stillOpen(subscription: number, toMs: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n ${SCOPE} AND a.since < to_timestamp($2::float8 / 1000) AND (a.cleared_at IS NULL OR a.cleared_at >= to_timestamp($2::float8 / 1000))`,
      [subscription, toMs],
    );
    return rows[0]!.n;
  }

  /** Stores the digest as a pending delivery; false when it exists already (another notifier, an earlier round). */
  async enqueue(subscription: number, periodStart: string, key: string, payload: unknown): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO deliveries (subscription_id, alarm_id, event, period_start, idempotency_key, payload)
       VALUES ($1, NULL, 'digest', $2, $3, $4) ON CONFLICT DO NOTHING`,
      [subscription, periodStart, key, JSON.stringify(payload)],
    );
    return (rowCount ?? 0) > 0;
  }
}
