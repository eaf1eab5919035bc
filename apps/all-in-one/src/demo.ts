/**
 * `npm start`: the hypervisor on embedded defaults with a simulated fleet of every domain.
 * Starts a local InfluxDB and PostgreSQL (infra/services.sh, data in .hv/dev), registers
 * the Aisne's tenants and a small Laon fleet of every domain (what is missing only: a restart
 * keeps what a user changed), starts the all-in-one app (embedded broker, ingest,
 * telegestion, the aggregation, the API and the notifier, /metrics, /health), issues an
 * operator API key for this run, then connects every simulated lamp with its own
 * credentials and publishes, with a scripted fault every few minutes (HV_DEMO_FAULT_EVERY_S, 180;
 * 0: none) whose alarm comes and clears. Ctrl-C stops what it started within seconds, whatever the
 * fleet's state; a second Ctrl-C forces it. HV_DEMO_DURATION_S stops it after that many
 * seconds (used by the tests that prove this command works). It listens on loopback only.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, loadConfig, type HvConfig } from '@hv/config';
import { ensurePgDatabase, ensureServices, isRunning, provisionFleet, provisionPrograms, repoRoot, serviceEnv, Shutdown, stopServices, type ServiceName } from '@hv/devkit';
import { demoMixedFleet } from '@hv/simulators';
import { ApiKeyRepository, Database, UserRepository } from '@hv/state';
import { startAllInOne, type RunningPlatform } from './all-in-one';
import { banner, statusLine } from './demo/demo-banner';
import { DemoFleet } from './demo/demo-fleet';
import { DEFAULT_FAULT_EVERY_S, demoFaults } from './demo/demo-faults';
import { exposedListeners } from './demo/demo-guard';

const DEMO_SEED = 'hyperviseur-demo';
const STATUS_EVERY_MS = 10_000;
/** Bound of the hypervisor's close, ms (ingest's last flush, the broker's sessions, the pools). */
const PLATFORM_CLOSE_TIMEOUT_MS = 8_000;
/** Bound of everything before the services are stopped, ms. */
const SHUTDOWN_DEADLINE_MS = 12_000;

const say = (s: string) => console.log(`[demo] ${s}`);

/** Thrown by a start-up step that sees a Ctrl-C came: what started so far is the shutdown's. */
class Interrupted extends Error {}

function isLocal(url: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}

async function main(): Promise<void> {
  // Before anything starts, configuration included: the fleet's secrets are public.
  const exposed = exposedListeners(process.env);
  if (exposed.length) {
    for (const line of exposed) console.error(`[demo] refusing to start: ${line}`);
    process.exit(1);
  }
  const shutdown = new Shutdown({ deadlineMs: SHUTDOWN_DEADLINE_MS, log: (line) => console.error(`[demo] ${line}`) });
  const stop = (code: number) => {
    if (!shutdown.stopping) say('stopping…');
    void shutdown.stop(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    await run(loadConfig(), shutdown);
  } catch (error) {
    // A start-up step cut short by a Ctrl-C fails as a consequence: said, not a second signal.
    if (shutdown.stopping) {
      if (!(error instanceof Interrupted)) say(`start-up interrupted: ${(error as Error).message}`);
      return;
    }
    console.error(`[demo] ${error instanceof ConfigError ? error.message : (error as Error).stack}`);
    stop(1);
    return;
  }
  const duration = Number(process.env.HV_DEMO_DURATION_S ?? 0);
  if (duration > 0) setTimeout(() => stop(0), duration * 1000);
}

async function run(config: HvConfig, shutdown: Shutdown): Promise<void> {
  /** A Ctrl-C during start-up: stop starting things (the shutdown stops what was). */
  const goOn = () => {
    if (shutdown.stopping) throw new Interrupted();
  };
  // 1. Local InfluxDB and PostgreSQL, unless the configuration points elsewhere.
  const env = serviceEnv(
    process.env.HV_RUN_DIR ?? join(repoRoot(), '.hv', 'dev'),
    Number(new URL(config.HV_INFLUX_URL).port || 8086),
    Number(new URL(config.HV_PG_URL).port || 5432),
    Number(process.env.HV_MOSQUITTO_PORT ?? 11883),
  );
  const wanted = [isLocal(config.HV_INFLUX_URL) && 'influxdb', isLocal(config.HV_PG_URL) && 'postgres'].filter(Boolean) as ServiceName[];
  say(`starting ${wanted.join(' and ')} (data in ${env.runDir}; the first run installs them with apt-get)`);
  const runningBefore = await Promise.all(wanted.map((name) => isRunning(name, env)));
  const ours = wanted.filter((_, i) => !runningBefore[i]);
  const starting = ensureServices(ours, env);
  // Registered before they start, so that a Ctrl-C during their start still stops them,
  // all of them even when their start failed or was cut short (stopping one that is not running is a no-op).
  shutdown.addFinal('the local services', async () => {
    await starting.catch(() => undefined);
    say(ours.length ? `stopping ${ours.join(' and ')}` : 'leaving the services running (they were running before)');
    await stopServices(ours, env);
  });
  await starting;
  goOn();
  await ensurePgDatabase(config.HV_PG_URL);

  // 2. Registry: the Aisne's tenants and the demo fleet, what is missing only.
  const fleet = demoMixedFleet();
  const db = new Database(config.HV_PG_URL);
  const { created, retired } = await provisionFleet(db, fleet.devices, { seed: DEMO_SEED })
    .then(async (r) => (await provisionPrograms(db, fleet.devices), r))
    .finally(() => db.close());
  say(`registry: ${fleet.devices.length} simulated devices of Laon, every domain (${created} newly registered)`);
  if (retired.length) say(`${retired.length} of them retired through the API, not simulated: ${retired.slice(0, 5).join(', ')}${retired.length > 5 ? '…' : ''}`);
  goOn();

  // 3. The hypervisor.
  const platform = await startAllInOne(config, { nestSignalHooks: false });
  shutdown.add('the hypervisor (HTTP, broker, ingest, telegestion)', () => platform.close(), PLATFORM_CLOSE_TIMEOUT_MS);
  goOn();
  const apiKey = await demoApiKey(platform);
  // The key is of this run: a live operator credential must not outlive it.
  shutdown.add("the run's API key", () => platform.app.get(ApiKeyRepository).revoke(apiKey.id));
  const login = await demoOperator(platform);
  // Likewise the console's operator account: disabled at the end, given a new password at the next start.
  shutdown.add("the run's console account", async () => void (await platform.app.get(UserRepository).setDisabled(login.id, true)));

  // 4. The fleet: every device connects with its own credentials and publishes.
  const sims = new DemoFleet(DEMO_SEED, fleet.devices.filter((d) => !retired.includes(d.id)), say);
  shutdown.add('the simulated fleet', () => sims.close());
  const { connected } = await sims.connect(platform.brokerUrl);
  goOn();
  const faultEveryS = Number(process.env.HV_DEMO_FAULT_EVERY_S ?? DEFAULT_FAULT_EVERY_S);
  sims.publish((live) => (faultEveryS > 0 ? demoFaults(live, Date.now(), faultEveryS) : []));

  banner(config, platform, connected, apiKey.key, login, faultEveryS);
  const status = setInterval(() => void statusLine(config, platform, sims.sent(), sims.online()).then(say), STATUS_EVERY_MS);
  shutdown.add('the status line', async () => clearInterval(status));
}

/** The demo's operator in the console. */
export const DEMO_OPERATOR_EMAIL = 'exploitant@demo.hyperviseur.localhost';

/**
 * The console's operator account of this run: created once, enabled with a new random
 * password at each start (printed in the banner), so that nobody signs in with last run's.
 */
async function demoOperator(platform: RunningPlatform): Promise<{ id: string; email: string; password: string }> {
  const users = platform.app.get(UserRepository);
  const user =
    (await users.findByEmail(DEMO_OPERATOR_EMAIL)) ??
    (await users.create({ email: DEMO_OPERATOR_EMAIL, name: 'Exploitant de démonstration', role: 'operator', tenant: null, createdBy: 'demo' }));
  const password = randomBytes(12).toString('base64url');
  await users.setDisabled(user.id, false);
  await users.setPassword(user.id, password);
  return { id: user.id, email: user.email, password };
}

/** An operator key of this run, so the banner's API calls work as printed (issued through the running app's own repository). */
async function demoApiKey(platform: RunningPlatform): Promise<{ id: string; key: string }> {
  const issued = await platform.app.get(ApiKeyRepository).create({ name: `demo ${new Date().toISOString()}`, role: 'operator', tenant: null, createdBy: 'demo' });
  return { id: issued.id, key: issued.key };
}

void main();
