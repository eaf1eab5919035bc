import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@hv/config';
import { telegestionOptionsFrom } from '@hv/telegestion';
import { createHttpApp, startApp } from '../../common/src/http-app';
import { TelegestionAppModule } from './telegestion-app.module';

/** The telegestion service on its own: consumes HV_MQTT_URL; /metrics and /health on HV_HTTP_PORT. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.HV_MQTT_URL) throw new ConfigError(['HV_MQTT_URL: required by the telegestion app (it consumes an external broker; the all-in-one app embeds one)']);
  const app = await createHttpApp(TelegestionAppModule.forRoot(config, telegestionOptionsFrom(config, config.HV_MQTT_URL)), config);
  const url = await startApp(app, config);
  new Logger('main').log(`telegestion up: consuming ${config.HV_MQTT_URL}; ${url}/metrics`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
