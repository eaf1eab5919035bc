import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TelegestionService } from '@hv/telegestion';
import { UnavailableError } from '../http/api.errors';

/**
 * Telegestion when it runs in this process (the all-in-one app): commands are sent through
 * its CommandService (rate, retries, acks) and program changes reloaded into its directory.
 * The standalone API app has none: it reads commands and programs from PostgreSQL, and
 * refuses to send (503) rather than store commands nobody would send.
 */
@Injectable()
export class TelegestionLink implements OnApplicationBootstrap {
  private service: TelegestionService | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    try {
      this.service = this.moduleRef.get(TelegestionService, { strict: false });
    } catch {
      this.service = undefined;
    }
  }

  get inProcess(): boolean {
    return this.service !== undefined;
  }

  require(): TelegestionService {
    if (!this.service) throw new UnavailableError('commands are sent by telegestion, which does not run in this process (use the all-in-one app)');
    return this.service;
  }

  /** Programs or assignments changed: telegestion (when here) follows them from now on. */
  async programsChanged(): Promise<void> {
    await this.service?.reloadPrograms();
  }
}
