/**
 * Vitest global setup of the integration project: makes sure the test instances of
 * InfluxDB, PostgreSQL and Mosquitto run (infra/services.sh installs them with apt-get on a
 * fresh machine), and stops at teardown the ones it started — even when tests failed.
 * Services that were already running (a developer keeping them up between runs) are left
 * running.
 */
import { ensureServices, stopServices, testServiceEnv } from '@hv/devkit';

export default async function setup(): Promise<() => Promise<void>> {
  const env = testServiceEnv();
  const t0 = Date.now();
  const started = await ensureServices(['influxdb', 'postgres', 'mosquitto'], env);
  if (started.length) console.log(`[global-setup] started ${started.join(', ')} in ${Date.now() - t0} ms (${env.runDir})`);
  // Fault tests stop and restart services on purpose: stop whatever of ours runs at the end.
  return () => stopServices(started, env);
}
