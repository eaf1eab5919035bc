import { Logger } from '@nestjs/common';
import { loadConfig } from '@hv/config';
import { Shutdown } from '@hv/devkit';
import { startAllInOne } from './all-in-one';

/** Bound of the hypervisor's close (flush, sessions, pools), ms. */
const CLOSE_TIMEOUT_MS = 15_000;

/** The all-in-one hypervisor: configuration from the environment (see libs/config). */
async function main(): Promise<void> {
  const config = loadConfig();
  const shutdown = new Shutdown({ deadlineMs: CLOSE_TIMEOUT_MS, log: (line) => console.error(`[main] ${line}`) });
  const platform = await startAllInOne(config, { nestSignalHooks: false });
  shutdown.add('the hypervisor (HTTP, broker, ingest, telegestion)', () => platform.close(), CLOSE_TIMEOUT_MS);
  // Ctrl-C stops it within CLOSE_TIMEOUT_MS; a second one exits at once.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown.stop(0));
  new Logger('main').log(`hyperviseur up: ${platform.httpUrl}/health, ${platform.httpUrl}/metrics, broker ${platform.brokerUrl}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
