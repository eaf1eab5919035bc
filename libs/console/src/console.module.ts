import { Module } from '@nestjs/common';
import { loadConsoleBundle } from './console-files';
import { CONSOLE_BUNDLE, ConsoleController } from './console.controller';

/** The web console (`/` and `/assets/*`), a client of the public HTTP API like any other. */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_BUNDLE, useFactory: () => loadConsoleBundle() }],
})
export class ConsoleModule {}
