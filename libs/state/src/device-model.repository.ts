import { Injectable } from '@nestjs/common';
import { codecProfileSchemaFor, validDeviceModelSchema, type CodecProfileInput, type DeviceModel, type DeviceType } from '@hv/contracts';
import { z } from 'zod';
import { Database } from './database';
import { DuplicateError, InvalidInputError } from './state.errors';
import { parseOrThrow } from './validation';

/** A registered model as the API shows it. */
export interface StoredDeviceModel extends DeviceModel {
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, type, name, codec, created_at AS "createdAt", updated_at AS "updatedAt"`;
const MODEL_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const deviceModelUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'name has a control character').optional(),
  codec: z.unknown().optional(),
});
export type DeviceModelUpdate = { name?: string; codec?: CodecProfileInput };

/**
 * The catalogue of device models and their codec profiles. Every write validates the
 * profile against the model's device type (the errors name the field); ingest reads the
 * profiles with the registry (DeviceRepository.listModelCodecs).
 */
@Injectable()
export class DeviceModelRepository {
  constructor(private readonly db: Database) {}

  /** Register a model; throws InvalidInputError or DuplicateError. */
  async create(input: unknown): Promise<StoredDeviceModel> {
    const m = parseOrThrow(validDeviceModelSchema, input, 'device model');
    try {
      const { rows } = await this.db.query<StoredDeviceModel>(
        `INSERT INTO device_models (id, type, name, codec) VALUES ($1, $2, $3, $4::jsonb) RETURNING ${COLUMNS}`,
        [m.id, m.type, m.name, JSON.stringify(m.codec)],
      );
      return rows[0]!;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new DuplicateError('device model', 'id', m.id);
      throw error;
    }
  }

  /** Change a model's name or profile (its type is fixed: devices of that type name it); undefined when unknown. */
  async update(id: string, input: DeviceModelUpdate): Promise<StoredDeviceModel | undefined> {
    const existing = await this.findById(id);
    if (!existing) return undefined;
    const patch = parseOrThrow(deviceModelUpdateSchema, input, 'device model');
    const codec = patch.codec === undefined ? existing.codec : parseOrThrow(codecProfileSchemaFor(existing.type), patch.codec, 'codec profile', 'codec');
    const { rows } = await this.db.query<StoredDeviceModel>(
      `UPDATE device_models SET name = $2, codec = $3::jsonb, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, patch.name ?? existing.name, JSON.stringify(codec)],
    );
    return rows[0];
  }

  async findById(id: string): Promise<StoredDeviceModel | undefined> {
    if (!MODEL_ID.test(id)) return undefined;
    const { rows } = await this.db.query<StoredDeviceModel>(`SELECT ${COLUMNS} FROM device_models WHERE id = $1`, [id]);
    return rows[0];
  }

  async list(options: { type?: DeviceType } = {}): Promise<StoredDeviceModel[]> {
    const { rows } = await this.db.query<StoredDeviceModel>(
      `SELECT ${COLUMNS} FROM device_models WHERE ($1::text IS NULL OR type = $1) ORDER BY id`,
      [options.type ?? null],
    );
    return rows;
  }

  /** Register the models that are missing; never overwrites one (an operator may have edited it). Returns the ids added. */
  async ensure(models: readonly DeviceModel[]): Promise<string[]> {
    const valid = models.map((m) => parseOrThrow(validDeviceModelSchema, m, `device model ${m.id}`));
    if (valid.length === 0) return [];
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO device_models (id, type, name, codec)
       SELECT id, type, name, codec::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS m (id, type, name, codec)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [valid.map((m) => m.id), valid.map((m) => m.type), valid.map((m) => m.name), valid.map((m) => JSON.stringify(m.codec))],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Declare (or clear, with null) an active device's model. A model of another device
   * type is refused naming the field; false when there is no such active device.
   */
  async setDeviceModel(deviceId: string, model: string | null): Promise<boolean> {
    try {
      const { rowCount } = await this.db.query('UPDATE devices SET model = $2 WHERE id = $1 AND retired_at IS NULL', [deviceId, model]);
      return (rowCount ?? 0) > 0;
    } catch (error) {
      if ((error as { code?: string }).code === '23503') {
        throw new InvalidInputError('device model', [`model: ${model} is not a registered model of this device's type`]);
      }
      throw error;
    }
  }
}
