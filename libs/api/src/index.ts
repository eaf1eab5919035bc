/**
 * The HTTP API: API keys and roles, tenant scope, OpenAPI from the zod schemas that
 * validate the requests, and the routes over the registry, alarms, commands, programs
 * and time series.
 */
export * from './api.module';
export * from './api.options';
export { INVITATION_TTL_MS } from './accounts/accounts.service';
export * from './auth/caller';
export * from './auth/tenant-scope';
export * from './http/api.errors';
export * from './http/api-exception.filter';
export * from './http/framework-errors';
export * from './http/openapi';
export * from './http/route';
export * from './devices/device-csv';
export * from './devices/device-series.service';
export { checkRoleTenant } from './keys/keys.controller';
export { gatewayUsername } from './gateways/gateways.controller';
