import { z } from 'zod';

/**
 * Identifiers are constrained at the boundary so that no id can inject a topic level,
 * a line-protocol tag, field or line, or a SQL/PromQL label: the characters they admit
 * need no escaping anywhere (escaping is still applied downstream, as defence in depth).
 */

/** INSEE code of a commune (02408, 2A004), SIREN of an EPCI (200071884), or a département (02). */
export const TENANT_ID_PATTERN = /^[0-9][0-9AB][0-9]{0,7}$/;
/** Device ids: lower-case ASCII, digits, dot, dash, underscore; 1..64 characters. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** LoRaWAN DevEUI: 64 bits as 16 lower-case hex digits (upper case is normalised first). */
export const DEV_EUI_PATTERN = /^[0-9a-f]{16}$/;
/** Command ids, chosen by the sender (telegestion uses UUIDs). */
export const COMMAND_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const tenantIdSchema = z.string().regex(TENANT_ID_PATTERN, 'tenant id must be an INSEE, SIREN or département code');
export const deviceIdSchema = z.string().regex(DEVICE_ID_PATTERN, 'device id must match [a-z0-9][a-z0-9._-]{0,63}');
export const devEuiSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(DEV_EUI_PATTERN, 'devEui must be 16 hex digits'));
export const commandIdSchema = z.string().regex(COMMAND_ID_PATTERN, 'command id must match [A-Za-z0-9_-]{1,64}');

export type TenantId = z.infer<typeof tenantIdSchema>;
export type DeviceId = z.infer<typeof deviceIdSchema>;

export const isTenantId = (s: string): boolean => TENANT_ID_PATTERN.test(s);
export const isDeviceId = (s: string): boolean => DEVICE_ID_PATTERN.test(s);

/**
 * MQTT client ids, in three namespaces disjoint by construction (the broker refuses any
 * client id outside its identity's):
 * - a device: exactly its id (DEVICE_ID_PATTERN: no ':');
 * - a gateway or network-server bridge: `gateway:{id}`, or `gateway:{id}:{name}` for
 *   several connections (its id has no ':', so the name cannot reach another gateway's);
 * - Hyperviseur's services: `hv:{name}` (no device id has a ':', no gateway's starts `hv:`).
 */
export const GATEWAY_USERNAME_PREFIX = 'gateway:';
export const SERVICE_CLIENT_ID_PREFIX = 'hv:';
/** The `{name}` of a gateway's or a service's client id. */
export const CLIENT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** `name` made a valid client name: other characters become '-', at most 64 kept. */
const clientName = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64) || '-';

/** A gateway's client id: `gateway:{id}` or `gateway:{id}:{name}` (`username` is `gateway:{id}`). */
export function gatewayClientId(username: string, name?: string): string {
  if (name === undefined || name === username) return username;
  const own = `${username}:`;
  return `${own}${clientName(name.startsWith(own) ? name.slice(own.length) : name)}`;
}

/** A service's client id: `hv:{name}` (a name that already has the prefix is kept). */
export function serviceClientId(name: string): string {
  return `${SERVICE_CLIENT_ID_PREFIX}${clientName(name.startsWith(SERVICE_CLIENT_ID_PREFIX) ? name.slice(SERVICE_CLIENT_ID_PREFIX.length) : name)}`;
}
