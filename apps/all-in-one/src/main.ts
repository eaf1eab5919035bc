import { Logger } from '@nestjs/common';
import { loadConfig } from '@hv/config';
import { startAllInOne } from './all-in-one';

/** The all-in-one hypervisor: configuration from the environment (see libs/config). */
async function main(): Promise<void> {
  const config = loadConfig();
  const platform = await startAllInOne(config);
  new Logger('main').log(`hyperviseur up: ${platform.httpUrl}/health, ${platform.httpUrl}/metrics, broker ${platform.brokerUrl}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
