import { CLIENT_NAME_PATTERN, GATEWAY_USERNAME_PREFIX, SERVICE_CLIENT_ID_PREFIX } from '@hv/contracts';
import type { Identity } from './identity';

/**
 * Does this client id belong to this identity (namespaces in @hv/contracts' ids.ts)?
 * Checked at CONNECT, before aedes hands the id's session over: MQTT 3.1.1 §3.1.4-2 has
 * the server disconnect an existing client with the same id, so an id that is not the
 * caller's would knock its owner off and take its persistent session (ingest's queue).
 */
export function clientIdBelongsTo(who: Identity, clientId: string): boolean {
  if (who.kind === 'device') return clientId === who.id;
  if (who.kind === 'service') return clientId.startsWith(SERVICE_CLIENT_ID_PREFIX) && CLIENT_NAME_PATTERN.test(clientId.slice(SERVICE_CLIENT_ID_PREFIX.length));
  const own = `${GATEWAY_USERNAME_PREFIX}${who.id}`;
  if (clientId === own) return true;
  return clientId.startsWith(`${own}:`) && CLIENT_NAME_PATTERN.test(clientId.slice(own.length + 1));
}

/** The client ids an identity may use, for the refusal's message. */
export function ownClientIds(who: Identity): string {
  if (who.kind === 'device') return who.id;
  if (who.kind === 'service') return `${SERVICE_CLIENT_ID_PREFIX}{name}`;
  return `${GATEWAY_USERNAME_PREFIX}${who.id}[:{name}]`;
}
