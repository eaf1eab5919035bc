import { Controller } from '@nestjs/common';
import { deviceIdSchema, tenantIdSchema } from '@hv/contracts';
import { GATEWAY_NETWORKS, GatewayRepository, newMqttSecret, TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { requirePathTenant } from '../auth/path-tenant';
import { NotFoundError } from '../http/api.errors';
import { queryBoolean, tenantParams } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';

/** A gateway's or bridge's MQTT password, generated here and answered once: 192 random bits. */
const gatewayParams = z.object({ gateway: deviceIdSchema });
/** The MQTT username of a gateway or bridge: the broker's GATEWAY_USERNAME_PREFIX (libs/broker) and its id. */
export const gatewayUsername = (id: string): string => `gateway:${id}`;
const NOTICE = 'the secret is shown only in this answer: configure the gateway or the network server integration with it now';

export const registerGateway = defineRoute({
  method: 'POST',
  path: 'tenants/:tenant/gateways',
  summary: 'Registers a native gateway or a LoRaWAN bridge (a ChirpStack or The Things Stack integration\'s MQTT login); its secret is in this answer only',
  tag: 'gateways',
  access: 'tenant',
  status: 201,
  params: tenantParams,
  body: z.strictObject({
    /** Its MQTT username (same alphabet as device ids). */
    id: deviceIdSchema,
    network: z.enum(GATEWAY_NETWORKS),
  }),
});

export const listGateways = defineRoute({
  method: 'GET',
  path: 'gateways',
  summary: 'Gateways and LoRaWAN bridges of the tenants the key sees',
  tag: 'gateways',
  access: 'tenant',
  query: z.object({ tenant: tenantIdSchema.optional(), includeRetired: queryBoolean }),
});

export const getGateway = defineRoute({ method: 'GET', path: 'gateways/:gateway', summary: 'A gateway or bridge (retired ones too)', tag: 'gateways', access: 'tenant', params: gatewayParams });

export const retireGateway = defineRoute({
  method: 'POST',
  path: 'gateways/:gateway/retire',
  summary: 'Retires a gateway or bridge: its login stops working and its open connection is closed',
  tag: 'gateways',
  access: 'tenant',
  params: gatewayParams,
});

export const rotateGatewaySecret = defineRoute({
  method: 'POST',
  path: 'gateways/:gateway/rotate-secret',
  summary: 'Gives an active gateway or bridge a new secret (in this answer only); the old one stops working at once',
  tag: 'gateways',
  access: 'tenant',
  params: gatewayParams,
});

@Controller()
export class GatewaysController {
  constructor(
    private readonly gateways: GatewayRepository,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(registerGateway)
  async register(@Input() input: RouteInput<typeof registerGateway>, @CurrentCaller() caller: Caller) {
    const tenant = await requirePathTenant(this.tenants, caller, input.params.tenant);
    const secret = newMqttSecret();
    const gateway = await this.gateways.create({ ...input.body, tenant, secret });
    return { gateway, username: gatewayUsername(gateway.id), secret, notice: NOTICE };
  }

  @ApiRoute(listGateways)
  async list(@Input() input: RouteInput<typeof listGateways>, @CurrentCaller() caller: Caller) {
    return { gateways: await this.gateways.list({ tenants: caller.scope.narrow(input.query.tenant), includeRetired: input.query.includeRetired }) };
  }

  @ApiRoute(getGateway)
  async get(@Input() input: RouteInput<typeof getGateway>, @CurrentCaller() caller: Caller) {
    return caller.scope.requireVisible(await this.gateways.findById(input.params.gateway), `gateway ${input.params.gateway}`);
  }

  @ApiRoute(retireGateway)
  async retire(@Input() input: RouteInput<typeof retireGateway>, @CurrentCaller() caller: Caller) {
    const what = `active gateway ${input.params.gateway}`;
    const gateway = caller.scope.requireVisible(await this.gateways.findById(input.params.gateway), what);
    if (!(await this.gateways.retire(gateway.id))) throw new NotFoundError(what);
    return this.gateways.findById(gateway.id);
  }

  @ApiRoute(rotateGatewaySecret)
  async rotate(@Input() input: RouteInput<typeof rotateGatewaySecret>, @CurrentCaller() caller: Caller) {
    const what = `active gateway ${input.params.gateway}`;
    const gateway = caller.scope.requireVisible(await this.gateways.findById(input.params.gateway), what);
    const secret = newMqttSecret();
    if (!(await this.gateways.rotateSecret(gateway.id, secret))) throw new NotFoundError(what);
    return { gateway, username: gatewayUsername(gateway.id), secret, notice: NOTICE };
  }
}
