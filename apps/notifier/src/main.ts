import { Logger } from '@nestjs/common';
import { loadConfig } from '@hv/config';
import { createHttpApp, startApp } from '../../common/src/http-app';
import { NotifierAppModule } from './notifier-app.module';

/** The notifier on its own (several may run: deliveries are taken with SKIP LOCKED); /metrics and /health on HV_HTTP_PORT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(NotifierAppModule.forRoot(config), config);
  const url = await startApp(app, config);
  new Logger('main').log(`notifier up: ${config.HV_SMTP_URL ? 'e-mail on' : 'no SMTP server (HV_SMTP_URL): e-mail deliveries are dead-lettered'}; ${url}/health`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
