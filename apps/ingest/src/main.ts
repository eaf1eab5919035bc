import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@hv/config';
import { ingestOptionsFrom } from '@hv/ingest';
import { connectIngestTransport, createHttpApp, startApp } from '../../common/src/http-app';
import { IngestAppModule } from './ingest-app.module';

/** The ingest service on its own: consumes HV_MQTT_URL (optionally as HV_INGEST_SHARED_GROUP). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.HV_MQTT_URL) throw new ConfigError(['HV_MQTT_URL: required by the ingest app (it consumes an external broker; the all-in-one app embeds one)']);
  const ingest = ingestOptionsFrom(config, config.HV_MQTT_URL);
  const app = await createHttpApp(IngestAppModule.forRoot(config, ingest), config);
  connectIngestTransport(app, ingest.mqtt);
  const url = await startApp(app, config);
  new Logger('main').log(`ingest up: consuming ${config.HV_MQTT_URL}${config.HV_INGEST_SHARED_GROUP ? ` as $share/${config.HV_INGEST_SHARED_GROUP}` : ''}; ${url}/metrics`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
