import { Controller, type OnApplicationBootstrap, Injectable, Logger } from '@nestjs/common';
import { DEVICE_TYPE_NAMES, deviceIdSchema, SHIPPED_DEVICE_MODELS, validDeviceModelSchema, type DeviceType } from '@hv/contracts';
import { DeviceModelRepository, DeviceRepository, deviceModelUpdateSchema } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { NotFoundError } from '../http/api.errors';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';

const modelParams = z.object({ model: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'model id must match [a-z0-9][a-z0-9._-]{0,63}') });

/**
 * Device models are a catalogue of hardware shared by every collectivité (no tenant's
 * data): any tenant key reads it, operators write it.
 */
export const listDeviceModels = defineRoute({
  method: 'GET',
  path: 'device-models',
  summary: 'Device models and their codec profiles (decoder field → contract field)',
  tag: 'device-models',
  access: 'tenant',
  query: z.object({ type: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]).optional() }),
});

export const getDeviceModel = defineRoute({ method: 'GET', path: 'device-models/:model', summary: 'A device model and its codec profile', tag: 'device-models', access: 'tenant', params: modelParams });

export const createDeviceModel = defineRoute({
  method: 'POST',
  path: 'device-models',
  summary: 'Registers a device model with its codec profile, checked against the device type\'s contract',
  tag: 'device-models',
  access: 'operator',
  status: 201,
  body: validDeviceModelSchema,
});

export const updateDeviceModel = defineRoute({
  method: 'PATCH',
  path: 'device-models/:model',
  summary: 'Changes a model\'s name or codec profile (checked against its type); ingest applies it at its next registry reload',
  tag: 'device-models',
  access: 'operator',
  params: modelParams,
  body: deviceModelUpdateSchema,
});

export const setDeviceModel = defineRoute({
  method: 'PUT',
  path: 'devices/:device/model',
  summary: 'Declares the model of an active device (a model of its type; null clears it): ingest maps its LoRaWAN uplinks through the model\'s codec profile',
  tag: 'device-models',
  access: 'tenant',
  params: z.object({ device: deviceIdSchema }),
  body: z.strictObject({ model: modelParams.shape.model.nullable() }),
});

@Controller()
export class DeviceModelsController {
  constructor(
    private readonly models: DeviceModelRepository,
    private readonly devices: DeviceRepository,
  ) {}

  @ApiRoute(listDeviceModels)
  async list(@Input() input: RouteInput<typeof listDeviceModels>) {
    return { models: await this.models.list({ type: input.query.type }) };
  }

  @ApiRoute(getDeviceModel)
  async get(@Input() input: RouteInput<typeof getDeviceModel>) {
    const model = await this.models.findById(input.params.model);
    if (!model) throw new NotFoundError(`device model ${input.params.model}`);
    return model;
  }

  @ApiRoute(createDeviceModel)
  async create(@Input() input: RouteInput<typeof createDeviceModel>) {
    return this.models.create(input.body);
  }

  @ApiRoute(updateDeviceModel)
  async update(@Input() input: RouteInput<typeof updateDeviceModel>) {
    const model = await this.models.update(input.params.model, input.body as never);
    if (!model) throw new NotFoundError(`device model ${input.params.model}`);
    return model;
  }

  @ApiRoute(setDeviceModel)
  async setModel(@Input() input: RouteInput<typeof setDeviceModel>, @CurrentCaller() caller: Caller) {
    const what = `active device ${input.params.device}`;
    const device = caller.scope.requireVisible(await this.devices.findById(input.params.device), what);
    if (!(await this.models.setDeviceModel(device.id, input.body.model))) throw new NotFoundError(what);
    return this.devices.findById(device.id);
  }
}

/** Installs the shipped models that are missing when the API starts; an operator's edits stay. */
@Injectable()
export class ShippedDeviceModels implements OnApplicationBootstrap {
  constructor(private readonly models: DeviceModelRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    const added = await this.models.ensure(SHIPPED_DEVICE_MODELS);
    if (added.length) new Logger('DeviceModels').log(`installed ${added.length} shipped device models`);
  }
}
