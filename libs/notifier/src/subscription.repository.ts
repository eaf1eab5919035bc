import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Domain } from '@hv/contracts';
import type { Severity } from '@hv/rules';
import { Database } from '@hv/state';
import type { DigestPeriod } from './digest/digest-period';
import type { QuietHours } from './quiet-hours';

export type Channel = 'webhook' | 'email';

/** A subscription as listed (never its webhook secret). */
export interface Subscription {
  id: number;
  tenant: string;
  channel: Channel;
  target: string;
  minSeverity: Severity;
  domains: Domain[] | null;
  /** Alerts below critical wait for the end of this Paris wall-clock window. */
  quietHours: QuietHours | null;
  /** E-mail only: the energy-savings digest of this period instead of each alert (null: each alert as it is raised). */
  digest: DigestPeriod | null;
  createdBy: string;
  createdAt: Date;
  disabledAt: Date | null;
}

const COLUMNS = `id::int, tenant_id AS tenant, channel, target, min_severity AS "minSeverity", domains,
  CASE WHEN quiet_from IS NULL THEN NULL ELSE json_build_object('from', quiet_from, 'to', quiet_to) END AS "quietHours", digest,
  created_by AS "createdBy", created_at AS "createdAt", disabled_at AS "disabledAt"`;

/** Who receives which alerts. */
@Injectable()
export class SubscriptionRepository {
  constructor(private readonly db: Database) {}

  /** A webhook subscription gets a signing secret, returned here only. */
  async create(input: { tenant: string; channel: Channel; target: string; minSeverity: Severity; domains: Domain[] | null; quietHours?: QuietHours | null; digest?: DigestPeriod | null; createdBy: string }): Promise<Subscription & { secret?: string }> {
    const secret = input.channel === 'webhook' ? `whsec_${randomBytes(32).toString('base64url')}` : null;
    const { rows } = await this.db.query<Subscription>(
      `INSERT INTO subscriptions (tenant_id, channel, target, secret, min_severity, domains, quiet_from, quiet_to, digest, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [input.tenant, input.channel, input.target, secret, input.minSeverity, input.domains, input.quietHours?.from ?? null, input.quietHours?.to ?? null, input.digest ?? null, input.createdBy],
    );
    return { ...rows[0]!, ...(secret ? { secret } : {}) };
  }

  async list(tenant: string): Promise<Subscription[]> {
    const { rows } = await this.db.query<Subscription>(`SELECT ${COLUMNS} FROM subscriptions WHERE tenant_id = $1 AND disabled_at IS NULL ORDER BY id`, [tenant]);
    return rows;
  }

  async get(id: number): Promise<Subscription | undefined> {
    const { rows } = await this.db.query<Subscription>(`SELECT ${COLUMNS} FROM subscriptions WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Stops a subscription: pending deliveries of it are dropped (dead, 'subscription disabled'). */
  async disable(id: number): Promise<Subscription | undefined> {
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<Subscription>(`UPDATE subscriptions SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL RETURNING ${COLUMNS}`, [id]);
      if (rows[0]) await tx.query(`UPDATE deliveries SET status = 'dead', last_error = 'subscription disabled' WHERE subscription_id = $1 AND status = 'pending'`, [id]);
      return rows[0];
    });
  }
}
