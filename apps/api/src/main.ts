import { Logger } from '@nestjs/common';
import { loadConfig } from '@hv/config';
import { createHttpApp, startApp } from '../../common/src/http-app';
import { ApiAppModule } from './api-app.module';

/** The HTTP API on its own: /api/v1 (OpenAPI at /api/v1/openapi.json), /metrics and /health on HV_HTTP_PORT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(ApiAppModule.forRoot(config), config);
  const url = await startApp(app, config);
  new Logger('main').log(`api up: ${url}/api/v1/openapi.json`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
