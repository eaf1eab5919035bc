import { Logger } from '@nestjs/common';
import { loadConfig } from '@hv/config';
import { createHttpApp, startApp } from '../../common/src/http-app';
import { BrokerAppModule } from './broker-app.module';

/** The embedded broker as its own process (MQTT on HV_BROKER_HOST:HV_BROKER_PORT). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(BrokerAppModule.forRoot(config), config);
  const url = await startApp(app, config);
  new Logger('main').log(`broker up: mqtt://${config.HV_BROKER_HOST}:${config.HV_BROKER_PORT}; ${url}/metrics`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
