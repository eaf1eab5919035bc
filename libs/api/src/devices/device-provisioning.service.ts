import { Injectable } from '@nestjs/common';
import { deviceInputSchema, DeviceRepository, DuplicateError, newMqttSecret, type Device, type DeviceInput } from '@hv/state';
import { ConflictError, RequestValidationError, type FieldIssue } from '../http/api.errors';
import { readDeviceCsv } from './device-csv';

/** A device's MQTT password, generated here and shown once: 192 random bits. */
export interface ProvisionedDevice {
  device: Device;
  /** The device's MQTT password, when it logs in itself: shown in this answer only. */
  secret?: string;
}

/** Provisioning through the API: one device, or a CSV file validated line by line. */
@Injectable()
export class DeviceProvisioningService {
  constructor(private readonly devices: DeviceRepository) {}

  async provision(tenant: string, body: { id: string; type: DeviceInput['type']; devEui?: string; model?: string; credential?: boolean; attributes?: Record<string, unknown> }): Promise<ProvisionedDevice> {
    const credential = body.credential ?? body.devEui === undefined;
    const secret = credential ? newMqttSecret() : undefined;
    const device = await this.devices.create({
      id: body.id,
      tenant,
      type: body.type,
      ...(body.devEui !== undefined ? { devEui: body.devEui } : {}),
      ...(body.model !== undefined ? { model: body.model } : {}),
      ...(body.attributes ? { attributes: body.attributes } : {}),
      ...(secret ? { secret } : {}),
    });
    return { device, ...(secret ? { secret } : {}) };
  }

  /** A new MQTT password for an active device, shown in this answer only; undefined when there is none. */
  async rotateSecret(id: string): Promise<ProvisionedDevice | undefined> {
    const secret = newMqttSecret();
    const device = await this.devices.rotateSecret(id, secret);
    return device && { device, secret };
  }

  /**
   * Imports a CSV file for one tenant, all or nothing: every bad line is named (its line
   * number and field) and nothing is stored until the whole file is right, so that the
   * corrected file can simply be sent again.
   */
  async importCsv(tenant: string, text: string): Promise<{ imported: number; credentials: Array<{ id: string; secret: string }> }> {
    const { devices, issues } = readDeviceCsv(text);
    const inputs: DeviceInput[] = [];
    const lineOf = new Map<string, number>();
    const seen = new Map<string, number>();
    for (const d of devices) {
      // Repeats within the file are named even on lines that have other problems.
      for (const [field, value] of [['id', d.input.id], ['devEui', d.input.devEui?.toLowerCase()]] as const) {
        if (value === undefined) continue;
        const first = seen.get(`${field}/${value}`);
        if (first !== undefined) issues.push({ field: `line ${d.line}: ${field}`, message: `${value} repeats line ${first}` });
        else seen.set(`${field}/${value}`, d.line);
      }
      const candidate = { ...d.input, tenant, ...(Object.keys(d.input.attributes).length ? {} : { attributes: undefined }) };
      const parsed = deviceInputSchema.safeParse(candidate);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          // attributes are columns of their own in the file: `line 4: lat`, not `attributes.lat`
          const path = issue.path[0] === 'attributes' ? issue.path.slice(1) : issue.path;
          issues.push({ field: `line ${d.line}: ${path.join('.') || '(line)'}`, message: issue.message });
        }
        continue;
      }
      lineOf.set(parsed.data.id, d.line);
      if (parsed.data.devEui) lineOf.set(parsed.data.devEui, d.line);
      inputs.push({ ...candidate, ...(d.credential ? { secret: newMqttSecret() } : {}) } as DeviceInput);
    }
    if (issues.length) throw new RequestValidationError(sortByLine(issues));
    if (inputs.length === 0) throw new RequestValidationError([{ field: 'body', message: 'the file has a header and no device' }]);
    try {
      const imported = await this.devices.createMany(inputs);
      return { imported, credentials: inputs.filter((i) => i.secret !== undefined).map((i) => ({ id: i.id, secret: i.secret! })) };
    } catch (error) {
      if (error instanceof DuplicateError) {
        const line = lineOf.get(error.value);
        throw new ConflictError(`nothing imported: ${error.message}`, [{ field: line ? `line ${line}: ${error.field}` : error.field, message: `${error.value} is already registered` }]);
      }
      throw error;
    }
  }
}

function sortByLine(issues: FieldIssue[]): FieldIssue[] {
  const lineNo = (i: FieldIssue) => Number(/^line (\d+)/.exec(i.field)?.[1] ?? 0);
  return [...issues].sort((a, b) => lineNo(a) - lineNo(b));
}
