import { Injectable } from '@nestjs/common';
import { DEVICE_TYPES, isDeviceId, type DeviceInfo, type DeviceModelCodec, type DeviceSource, type DeviceType, type Domain } from '@hv/contracts';
import { Database, type Queryable } from './database';
import { parseDeviceInput, parseDeviceInputs, type DeviceAttributes, type DeviceInput, type ValidDeviceInput } from './device.schema';
import { hashSecrets, rejectUnknownTenants, toRegistryError, verifyOrBurn } from './registry.helpers';

/** A registered device as the API and telegestion see it (never its secret hash). */
export interface Device {
  id: string;
  tenant: string;
  domain: Domain;
  type: DeviceType;
  devEui: string | null;
  /** The device model (its codec profile's), null when none is declared. */
  model: string | null;
  attributes: DeviceAttributes;
  /** Whether it logs in itself (devices behind a gateway or network server do not). */
  hasSecret: boolean;
  createdAt: Date;
  retiredAt: Date | null;
}

export type { DeviceInfo, DeviceSource } from '@hv/contracts';

/** Rows per INSERT statement of a batch (arrays of this size stay well under a MB). */
const INSERT_CHUNK_ROWS = 5_000;

/** A `Device` row's columns (shared with DeviceAdminRepository). */
export const DEVICE_COLUMNS = `id, tenant_id AS tenant, domain, type, dev_eui AS "devEui", model, attributes,
  secret_hash IS NOT NULL AS "hasSecret", created_at AS "createdAt", retired_at AS "retiredAt"`;

const DEVICE_INFO_SELECT = `SELECT d.id, d.tenant_id AS tenant, d.type, d.dev_eui AS "devEui", d.model,
    d.attributes->>'cabinet' AS cabinet, d.attributes,
    CASE WHEN t.kind = 'commune' AND p.kind = 'epci' THEN p.id END AS epci
  FROM devices d
  JOIN tenants t ON t.id = d.tenant_id
  LEFT JOIN tenants p ON p.id = t.parent_id
  WHERE d.retired_at IS NULL`;

interface DeviceRow {
  id: string;
  tenantId: string;
  domain: Domain;
  type: DeviceType;
  secretHash: string | null;
  devEui: string | null;
  model: string | null;
  attributes: string;
}

/** The device registry: provisioning, lookups for ingest, credentials for the broker. */
@Injectable()
export class DeviceRepository implements DeviceSource {
  constructor(private readonly db: Database) {}

  /** Register one device; throws InvalidInputError, UnknownTenantError or DuplicateError. */
  async create(input: DeviceInput): Promise<Device> {
    const rows = await toRows([parseDeviceInput(input)]);
    return this.db.tx(async (tx) => {
      await rejectUnknownTenants(tx, rows.map((r) => r.tenantId));
      const { rows: created } = await insert(tx, rows, `RETURNING ${DEVICE_COLUMNS}`);
      return created[0];
    });
  }

  /**
   * Register a batch in one transaction (all or nothing), a few statements of unnest()ed
   * arrays rather than one round trip per device. Returns the number registered.
   */
  async createMany(inputs: readonly DeviceInput[]): Promise<number> {
    const rows = await toRows(parseDeviceInputs(inputs));
    if (rows.length === 0) return 0;
    return this.db.tx(async (tx) => {
      await rejectUnknownTenants(tx, rows.map((r) => r.tenantId));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK_ROWS) {
        await insert(tx, rows.slice(i, i + INSERT_CHUNK_ROWS));
      }
      return rows.length;
    });
  }

  /** A device by id, retired or not. */
  async findById(id: string): Promise<Device | undefined> {
    if (!isDeviceId(id)) return undefined;
    const { rows } = await this.db.query<Device>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The device holding a DevEUI (any case): the active one, else the last one retired. */
  async findByDevEui(devEui: string): Promise<Device | undefined> {
    const { rows } = await this.db.query<Device>(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE dev_eui = lower($1)
        ORDER BY retired_at IS NULL DESC, retired_at DESC LIMIT 1`,
      [devEui],
    );
    return rows[0];
  }

  /** A tenant's devices by id; retired ones only when asked. */
  async listByTenant(tenant: string, options: { includeRetired?: boolean } = {}): Promise<Device[]> {
    const { rows } = await this.db.query<Device>(
      `SELECT ${DEVICE_COLUMNS} FROM devices
        WHERE tenant_id = $1 AND ($2 OR retired_at IS NULL) ORDER BY id`,
      [tenant, options.includeRetired ?? false],
    );
    return rows;
  }

  /**
   * The active device these credentials belong to, or null. Unknown, retired and secretless
   * devices cost one scrypt run like a wrong secret does, so timing does not reveal which
   * device ids exist.
   */
  async verifyCredentials(id: string, secret: string): Promise<Device | null> {
    let stored: string | null = null;
    let device: Device | undefined;
    if (isDeviceId(id)) {
      const { rows } = await this.db.query<Device & { secretHash: string | null }>(
        `SELECT ${DEVICE_COLUMNS}, secret_hash AS "secretHash" FROM devices WHERE id = $1 AND retired_at IS NULL`,
        [id],
      );
      if (rows[0]) ({ secretHash: stored, ...device } = rows[0]);
    }
    return (await verifyOrBurn(secret, stored)) && device ? device : null;
  }

  /** Retire a device: it can no longer log in nor publish; its row stays for history. */
  async retire(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE devices SET retired_at = now() WHERE id = $1 AND retired_at IS NULL',
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Give an active device a new secret (it then logs in itself, if it did not): the old one
   * stops working at once, open connections included (migration 009's credential events).
   * Returns the device, or undefined when there is no active device of that id.
   */
  async rotateSecret(id: string, secret: string): Promise<Device | undefined> {
    const [secretHash] = await hashSecrets([{ secret }]);
    const { rows } = await this.db.query<Device>(
      `UPDATE devices SET secret_hash = $2 WHERE id = $1 AND retired_at IS NULL RETURNING ${DEVICE_COLUMNS}`,
      [id, secretHash],
    );
    return rows[0];
  }

  /** Every active device in one query: ingest's in-memory directory (≈ 100k in the Aisne). */
  async listActiveDevices(): Promise<DeviceInfo[]> {
    const { rows } = await this.db.query<DeviceInfo>(DEVICE_INFO_SELECT);
    return rows;
  }

  async findActiveDevice(by: { id: string } | { devEui: string }): Promise<DeviceInfo | undefined> {
    const [column, value] = 'id' in by ? ['d.id', by.id] : ['d.dev_eui', by.devEui.toLowerCase()];
    const { rows } = await this.db.query<DeviceInfo>(`${DEVICE_INFO_SELECT} AND ${column} = $1`, [value]);
    return rows[0];
  }

  /** Every device model's codec profile: ingest attaches them to the devices of each model. */
  async listModelCodecs(): Promise<DeviceModelCodec[]> {
    const { rows } = await this.db.query<DeviceModelCodec>('SELECT id, codec FROM device_models');
    return rows;
  }

  async findActiveDevices(by: { ids: readonly string[]; devEuis: readonly string[] }): Promise<DeviceInfo[]> {
    if (by.ids.length === 0 && by.devEuis.length === 0) return [];
    const { rows } = await this.db.query<DeviceInfo>(`${DEVICE_INFO_SELECT} AND (d.id = ANY($1::text[]) OR d.dev_eui = ANY($2::text[]))`, [
      by.ids,
      by.devEuis.map((e) => e.toLowerCase()),
    ]);
    return rows;
  }
}

/** Validated inputs → rows, hashing secrets off the event loop. */
async function toRows(inputs: ValidDeviceInput[]): Promise<DeviceRow[]> {
  const hashes = await hashSecrets(inputs.map((d) => (d.secret === undefined ? undefined : { secret: d.secret, cost: d.secretCost })));
  return inputs.map((d, i) => ({
    id: d.id,
    tenantId: d.tenant,
    type: d.type,
    domain: DEVICE_TYPES[d.type].domain,
    secretHash: hashes[i],
    devEui: d.devEui ?? null,
    model: d.model ?? null,
    attributes: JSON.stringify(d.attributes ?? {}),
  }));
}

async function insert(tx: Queryable, rows: DeviceRow[], returning = ''): Promise<{ rows: Device[] }> {
  try {
    return await tx.query<Device>(
      `INSERT INTO devices (id, tenant_id, domain, type, secret_hash, dev_eui, attributes, model)
       SELECT id, tenant_id, domain, type, secret_hash, dev_eui, attributes::jsonb, model
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           AS d (id, tenant_id, domain, type, secret_hash, dev_eui, attributes, model)
       ${returning}`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.tenantId),
        rows.map((r) => r.domain),
        rows.map((r) => r.type),
        rows.map((r) => r.secretHash),
        rows.map((r) => r.devEui),
        rows.map((r) => r.attributes),
        rows.map((r) => r.model),
      ],
    );
  } catch (error) {
    throw toRegistryError(error, 'device');
  }
}
