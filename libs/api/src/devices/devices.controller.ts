import { Controller } from '@nestjs/common';
import { DEVICE_TYPE_NAMES, DOMAINS, devEuiSchema, deviceIdSchema, tenantIdSchema, type DeviceType } from '@hv/contracts';
import { DeviceAdminRepository, deviceAttributesSchema, DeviceRepository, TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { requirePathTenant } from '../auth/path-tenant';
import { NotFoundError, RequestValidationError } from '../http/api.errors';
import { deviceParams, instant, pageQuery, queryBoolean, tenantParams } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { DeviceProvisioningService } from './device-provisioning.service';
import { BUCKETS, DeviceSeriesService, MAX_RAW_POINTS } from './device-series.service';

/** Longest history range, ms (one year and a day: a leap year's night-by-night comparison). */
const MAX_HISTORY_MS = 366 * 86_400_000;

export const listDevices = defineRoute({
  method: 'GET',
  path: 'devices',
  summary: 'Devices of the tenants the key sees, filtered',
  tag: 'devices',
  access: 'tenant',
  query: z.object({
    tenant: tenantIdSchema.optional(),
    domain: z.enum(DOMAINS).optional(),
    type: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]).optional(),
    /** Text found, case aside, in the id, name, cabinet or building. */
    q: z.string().trim().min(1).max(100).optional(),
    includeRetired: queryBoolean,
    ...pageQuery,
  }),
});

export const provisionDevice = defineRoute({
  method: 'POST',
  path: 'tenants/:tenant/devices',
  summary: 'Provisions a device; its MQTT password (when it logs in itself) is in this answer only',
  tag: 'devices',
  access: 'tenant',
  status: 201,
  params: tenantParams,
  body: z.strictObject({
    id: deviceIdSchema,
    type: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]),
    devEui: devEuiSchema.optional(),
    /** Its device model (GET /device-models): the codec profile ingest applies to its LoRaWAN uplinks. */
    model: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'model id must match [a-z0-9][a-z0-9._-]{0,63}').optional(),
    /** Issue an MQTT password (default: yes without a DevEUI, no with one: LoRaWAN devices never log in). */
    credential: z.boolean().optional(),
    attributes: deviceAttributesSchema.optional(),
  }),
});

export const importDevices = defineRoute({
  method: 'POST',
  path: 'tenants/:tenant/devices/import',
  summary: 'Imports devices from a CSV file (header: id,type,devEui,credential,name,cabinet,building,rated_power_w,lat,lon), all or nothing, naming every bad line',
  tag: 'devices',
  access: 'tenant',
  status: 201,
  params: tenantParams,
  body: z.string({ error: 'the body must be a CSV file (Content-Type: text/csv)' }).min(1, 'the file is empty'),
  bodyType: 'csv',
});

export const getDevice = defineRoute({ method: 'GET', path: 'devices/:device', summary: 'A device (retired ones too)', tag: 'devices', access: 'tenant', params: deviceParams });

export const updateDevice = defineRoute({
  method: 'PATCH',
  path: 'devices/:device',
  summary: 'Changes an active device\'s attributes (merged; null removes one)',
  tag: 'devices',
  access: 'tenant',
  params: deviceParams,
  body: z.strictObject({ attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'attribute names are lower-case snake_case'), z.unknown()) }),
});

export const retireDevice = defineRoute({
  method: 'POST',
  path: 'devices/:device/retire',
  summary: 'Retires a device: it can no longer log in nor publish; its history stays',
  tag: 'devices',
  access: 'tenant',
  params: deviceParams,
});

export const rotateDeviceSecret = defineRoute({
  method: 'POST',
  path: 'devices/:device/rotate-secret',
  summary: 'Gives an active device a new MQTT password, in this answer only: the old one stops working at once and its open connections are closed',
  tag: 'devices',
  access: 'tenant',
  params: deviceParams,
});

export const deviceState = defineRoute({
  method: 'GET',
  path: 'devices/:device/state',
  summary: 'The device\'s latest reading and status (InfluxDB)',
  tag: 'devices',
  access: 'tenant',
  params: deviceParams,
});

export const deviceHistory = defineRoute({
  method: 'GET',
  path: 'devices/:device/history',
  summary: 'The device\'s readings over a range (24 h by default); averaged per bucket when raw points would exceed 1,000 (each mean to 0.001 of its unit)',
  tag: 'devices',
  access: 'tenant',
  params: deviceParams,
  query: z.object({
    from: instant.optional(),
    to: instant.optional(),
    every: z.enum(['1m', '5m', '15m', '1h', '6h', '1d', '7d']).optional(),
  }),
});

@Controller()
export class DevicesController {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly admin: DeviceAdminRepository,
    private readonly tenants: TenantRepository,
    private readonly provisioning: DeviceProvisioningService,
    private readonly series: DeviceSeriesService,
  ) {}

  @ApiRoute(listDevices)
  async list(@Input() input: RouteInput<typeof listDevices>, @CurrentCaller() caller: Caller) {
    const { tenant, domain, type, q, includeRetired, limit, offset } = input.query;
    const page = await this.admin.list({ tenants: caller.scope.narrow(tenant), domain, type, q, includeRetired, limit, offset });
    return { ...page, limit, offset };
  }

  @ApiRoute(provisionDevice)
  async provision(@Input() input: RouteInput<typeof provisionDevice>, @CurrentCaller() caller: Caller) {
    await requirePathTenant(this.tenants, caller, input.params.tenant);
    return this.provisioning.provision(input.params.tenant, input.body);
  }

  @ApiRoute(importDevices)
  async import(@Input() input: RouteInput<typeof importDevices>, @CurrentCaller() caller: Caller) {
    await requirePathTenant(this.tenants, caller, input.params.tenant);
    return this.provisioning.importCsv(input.params.tenant, input.body);
  }

  @ApiRoute(getDevice)
  async get(@Input() input: RouteInput<typeof getDevice>, @CurrentCaller() caller: Caller) {
    return caller.scope.requireVisible(await this.devices.findById(input.params.device), `device ${input.params.device}`);
  }

  @ApiRoute(updateDevice)
  async update(@Input() input: RouteInput<typeof updateDevice>, @CurrentCaller() caller: Caller) {
    const what = `active device ${input.params.device}`;
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), what);
    const updated = await this.admin.updateAttributes(device.id, input.body.attributes);
    if (!updated) throw new NotFoundError(what);
    return updated;
  }

  @ApiRoute(retireDevice)
  async retire(@Input() input: RouteInput<typeof retireDevice>, @CurrentCaller() caller: Caller) {
    const what = `active device ${input.params.device}`;
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), what);
    if (!(await this.devices.retire(device.id))) throw new NotFoundError(what);
    return this.devices.findById(device.id);
  }

  @ApiRoute(rotateDeviceSecret)
  async rotateSecret(@Input() input: RouteInput<typeof rotateDeviceSecret>, @CurrentCaller() caller: Caller) {
    const what = `active device ${input.params.device}`;
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), what);
    const rotated = await this.provisioning.rotateSecret(device.id);
    if (!rotated) throw new NotFoundError(what);
    return rotated;
  }

  @ApiRoute(deviceState)
  async state(@Input() input: RouteInput<typeof deviceState>, @CurrentCaller() caller: Caller) {
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), `device ${input.params.device}`);
    return { device: device.id, type: device.type, ...(await this.series.latest(device)) };
  }

  @ApiRoute(deviceHistory)
  async history(@Input() input: RouteInput<typeof deviceHistory>, @CurrentCaller() caller: Caller) {
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), `device ${input.params.device}`);
    const { fromMs, toMs } = historyRange(input.query);
    const every = input.query.every;
    const bucketMs = BUCKETS.find(([name]) => name === every)?.[1];
    if (bucketMs !== undefined && (toMs - fromMs) / bucketMs > MAX_RAW_POINTS) {
      throw new RequestValidationError([{ field: 'query.every', message: `${every} buckets over this range would be more than ${MAX_RAW_POINTS} points: take a larger bucket or a shorter range` }]);
    }
    const history = await this.series.history(device, fromMs, toMs, every);
    return { device: device.id, type: device.type, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), ...history };
  }
}

/** The history's range: 24 h up to now by default, `from` before `to`, at most MAX_HISTORY_MS. */
function historyRange(query: { from?: string; to?: string }): { fromMs: number; toMs: number } {
  const toMs = query.to ? Date.parse(query.to) : Date.now();
  const fromMs = query.from ? Date.parse(query.from) : toMs - 86_400_000;
  if (fromMs >= toMs) throw new RequestValidationError([{ field: 'query.from', message: 'must be before to' }]);
  if (toMs - fromMs > MAX_HISTORY_MS) throw new RequestValidationError([{ field: 'query.from', message: 'the range is at most 366 days' }]);
  return { fromMs, toMs };
}
