import { BlockList, isIP } from 'node:net';

/**
 * The addresses the demo may listen on: loopback only. Its fleet's secrets derive from a
 * public seed (`hyperviseur-demo`) and its services' passwords are the shipped defaults, so
 * anyone who can reach a listener can log in as any of its devices.
 */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
// An IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2) of 127.0.0.0/8 is the same loopback.
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** The listeners' host variables, with the default each has in libs/config. */
const LISTENER_HOSTS = { HV_BROKER_HOST: '127.0.0.1', HV_HTTP_HOST: '127.0.0.1' } as const;

/** True for a literal loopback address or the name `localhost`; any other name counts as beyond loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (/^localhost\.?$/i.test(bare)) return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The demo's refusal to listen beyond loopback, checked on the raw environment before
 * anything starts: one line per variable at fault, or none. HV_BROKER_HOST only matters
 * when the embedded broker runs (no HV_MQTT_URL).
 */
export function exposedListeners(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const [name, fallback] of Object.entries(LISTENER_HOSTS)) {
    if (name === 'HV_BROKER_HOST' && env.HV_MQTT_URL) continue;
    const host = env[name] ?? fallback;
    if (!isLoopbackHost(host)) {
      problems.push(
        `${name}=${JSON.stringify(host)} is beyond loopback: the demo's device secrets derive from a public seed and its ` +
          `passwords are the shipped defaults, so it listens on loopback only (127.0.0.0/8, ::1, localhost). ` +
          `Unset ${name}, or run the all-in-one app (node dist/apps/all-in-one/src/main.js) with real credentials.`,
      );
    }
  }
  return problems;
}
