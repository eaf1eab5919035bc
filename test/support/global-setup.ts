/**
 * Vitest global setup of the integration project: makes sure the test instances of
 * InfluxDB, PostgreSQL and Mosquitto run (infra/services.sh installs them with apt-get on a
 * fresh machine), and stops at teardown the ones it started — even when tests failed.
 * Services that were already running (a developer keeping them up between runs) are left
 * running.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, serviceScriptEnv, services, testServiceEnv, type ServiceName } from './services';

const ALL: ServiceName[] = ['influxdb', 'postgres', 'mosquitto'];

function running(name: ServiceName): boolean {
  try {
    execFileSync('bash', [join(repoRoot(), 'infra', 'services.sh'), 'status', name], {
      env: serviceScriptEnv(testServiceEnv()),
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const env = testServiceEnv();
  const startedHere = ALL.filter((name) => !running(name));
  const t0 = Date.now();
  for (const name of startedHere) await services('start', name, env);
  if (startedHere.length) console.log(`[global-setup] started ${startedHere.join(', ')} in ${Date.now() - t0} ms (${env.runDir})`);
  return async () => {
    // Fault tests stop and restart services: stop whatever of ours is running now.
    for (const name of startedHere) await services('stop', name, env);
  };
}
