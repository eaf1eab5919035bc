import { isLoopbackHost, LISTENER_HOSTS, LOOPBACK_HOST } from '@hv/config';

/**
 * The demo's refusal to listen beyond loopback, checked on the raw environment before
 * anything starts: one line per variable at fault, or none. HV_BROKER_HOST only matters
 * when the embedded broker runs (no HV_MQTT_URL).
 */
export function exposedListeners(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  // Its fleet's secrets derive from a public seed (`hyperviseur-demo`) and its services'
  // passwords are the shipped defaults: anyone who reaches a listener logs in as any device.
  for (const name of LISTENER_HOSTS) {
    if (name === 'HV_BROKER_HOST' && env.HV_MQTT_URL) continue;
    const host = env[name] ?? LOOPBACK_HOST;
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
