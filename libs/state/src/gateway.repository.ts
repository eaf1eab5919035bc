import { Injectable } from '@nestjs/common';
import { deviceIdSchema, isDeviceId, tenantIdSchema } from '@hv/contracts';
import { z } from 'zod';
import { Database } from './database';
import { scryptCostSchema, secretSchema } from './credentials.schema';
import { hashSecrets, rejectUnknownTenants, toRegistryError, verifyOrBurn } from './registry.helpers';
import { parseOrThrow } from './validation';

/** How a gateway's devices reach us: our own MQTT contract, or a LoRaWAN network server. */
export const GATEWAY_NETWORKS = ['native', 'chirpstack', 'tts'] as const;
export type GatewayNetwork = (typeof GATEWAY_NETWORKS)[number];

export const gatewayInputSchema = z.strictObject({
  /** Same alphabet as device ids: it is the MQTT username (after the broker's prefix). */
  id: deviceIdSchema,
  tenant: tenantIdSchema,
  network: z.enum(GATEWAY_NETWORKS),
  secret: secretSchema,
  /** scrypt cost of this secret; TEST_SCRYPT_COST is for tests and demos only. */
  secretCost: scryptCostSchema.optional(),
});
export type GatewayInput = z.input<typeof gatewayInputSchema>;

/** A gateway or network-server bridge: publishes for the devices of one tenant. */
export interface Gateway {
  id: string;
  tenant: string;
  network: GatewayNetwork;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface GatewayIdentity {
  id: string;
  tenant: string;
  network: GatewayNetwork;
}

const COLUMNS = `id, tenant_id AS tenant, network, created_at AS "createdAt", retired_at AS "retiredAt"`;

@Injectable()
export class GatewayRepository {
  constructor(private readonly db: Database) {}

  /** Register a gateway; throws InvalidInputError, UnknownTenantError or DuplicateError. */
  async create(input: GatewayInput): Promise<Gateway> {
    const g = parseOrThrow(gatewayInputSchema, input, 'gateway');
    const [secretHash] = await hashSecrets([{ secret: g.secret, cost: g.secretCost }]);
    return this.db.tx(async (tx) => {
      await rejectUnknownTenants(tx, [g.tenant]);
      try {
        const { rows } = await tx.query<Gateway>(
          `INSERT INTO gateways (id, tenant_id, network, secret_hash) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [g.id, g.tenant, g.network, secretHash],
        );
        return rows[0];
      } catch (error) {
        throw toRegistryError(error, 'gateway');
      }
    });
  }

  async findById(id: string): Promise<Gateway | undefined> {
    if (!isDeviceId(id)) return undefined;
    const { rows } = await this.db.query<Gateway>(`SELECT ${COLUMNS} FROM gateways WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The active gateway these credentials belong to, or null (same timing when unknown). */
  async verifyCredentials(id: string, secret: string): Promise<GatewayIdentity | null> {
    let row: (GatewayIdentity & { secretHash: string }) | undefined;
    if (isDeviceId(id)) {
      ({ rows: [row] } = await this.db.query<GatewayIdentity & { secretHash: string }>(
        `SELECT id, tenant_id AS tenant, network, secret_hash AS "secretHash"
           FROM gateways WHERE id = $1 AND retired_at IS NULL`,
        [id],
      ));
    }
    if (!(await verifyOrBurn(secret, row?.secretHash ?? null)) || !row) return null;
    return { id: row.id, tenant: row.tenant, network: row.network };
  }

  /** Gateways of these tenants (every tenant when null), by id; retired ones only when asked. */
  async list(options: { tenants: readonly string[] | null; includeRetired?: boolean }): Promise<Gateway[]> {
    const { rows } = await this.db.query<Gateway>(
      `SELECT ${COLUMNS} FROM gateways
        WHERE ($1::text[] IS NULL OR tenant_id = ANY($1::text[])) AND ($2 OR retired_at IS NULL) ORDER BY id`,
      [options.tenants, options.includeRetired ?? false],
    );
    return rows;
  }

  /**
   * Replace an active gateway's secret: the old one stops working (the broker hears of
   * the change through the gateways row). False when there is no such active gateway.
   */
  async rotateSecret(id: string, secret: string, cost?: z.input<typeof scryptCostSchema>): Promise<boolean> {
    const s = parseOrThrow(secretSchema, secret, 'gateway secret', 'secret');
    const [hash] = await hashSecrets([{ secret: s, cost: cost && parseOrThrow(scryptCostSchema, cost, 'scrypt cost') }]);
    const { rowCount } = await this.db.query('UPDATE gateways SET secret_hash = $2 WHERE id = $1 AND retired_at IS NULL', [id, hash]);
    return (rowCount ?? 0) > 0;
  }

  /** Retire a gateway: its credentials stop working; the row stays. */
  async retire(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE gateways SET retired_at = now() WHERE id = $1 AND retired_at IS NULL',
      [id],
    );
    return (rowCount ?? 0) > 0;
  }
}
