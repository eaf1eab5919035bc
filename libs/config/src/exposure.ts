import { BlockList, isIP } from 'node:net';

/**
 * Secrets the schema ships a default for, with that default. Anyone can read them in the
 * repository, so they are good for loopback only.
 */
export const SHIPPED_SECRETS = { HV_SERVICE_PASSWORD: 'hv-service-local-only' } as const;
/** Variables naming an address a server binds; their default is loopback. */
export const LISTENER_HOSTS = ['HV_BROKER_HOST', 'HV_HTTP_HOST'] as const;
export const LOOPBACK_HOST = '127.0.0.1';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4'); // RFC 1122 §3.2.1.3: all of 127/8 is loopback
loopback.addAddress('::1', 'ipv6'); // an IPv4-mapped ::ffff:127.x.y.z matches the IPv4 rule

/**
 * Whether a bind address reaches this machine only. `localhost` (with or without its root
 * dot) counts; any other name, '' and the unspecified 0.0.0.0 / :: (every interface) do not.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.') return true;
  const family = isIP(h);
  return family !== 0 && loopback.check(h, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A server bound beyond loopback while a secret still has its shipped default would let
 * anyone on the network in with the documented password (the service account reads `#`
 * and publishes anything): one problem per such secret, naming it and the listeners.
 */
export function exposedDefaultSecrets(values: Readonly<Record<string, string | undefined>>): string[] {
  const exposed = LISTENER_HOSTS.filter((key) => !isLoopbackHost(values[key] ?? LOOPBACK_HOST));
  if (exposed.length === 0) return [];
  return Object.entries(SHIPPED_SECRETS)
    .filter(([key, shipped]) => (values[key] ?? shipped) === shipped)
    .map(([key]) => `${key}: still the shipped default while ${exposed.map((k) => `${k}=${values[k] ?? ''}`).join(', ')} listens beyond loopback; set a secret of your own`);
}
