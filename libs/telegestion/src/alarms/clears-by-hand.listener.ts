import { Logger } from '@nestjs/common';
import { NotificationListener } from '@hv/state';
import type { TelegestionPipeline } from '../telegestion.pipeline';
import { ALARM_CLEARS_CHANNEL, type AlarmRepository } from './alarm.repository';

/**
 * Hears the clears made by hand (the API, in this process or another) on
 * ALARM_CLEARS_CHANNEL and hands each alarm to the pipeline. PostgreSQL does not keep a
 * notification for an absent listener, so each (re)connection (start-up included) catches
 * up with the clears made meanwhile (TelegestionPipeline.catchUpClosedByHand).
 */
export class ClearsByHandListener {
  private readonly logger = new Logger(ClearsByHandListener.name);
  private readonly listener: NotificationListener;

  constructor(
    pgUrl: string,
    private readonly alarms: Pick<AlarmRepository, 'byId'>,
    private readonly pipeline: Pick<TelegestionPipeline, 'closedByHand' | 'catchUpClosedByHand'>,
  ) {
    this.listener = new NotificationListener(pgUrl, ALARM_CLEARS_CHANNEL);
  }

  start(): Promise<void> {
    return this.listener.start({ notify: (payload) => void this.take(payload), reset: () => void this.catchUp() });
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  private async take(payload: string): Promise<void> {
    const id = Number(payload);
    if (!Number.isSafeInteger(id) || id <= 0) {
      this.logger.warn(`unreadable ${ALARM_CLEARS_CHANNEL} notification "${payload.slice(0, 40)}": catching up instead`);
      return this.catchUp();
    }
    try {
      const alarm = await this.alarms.byId(id);
      if (alarm) await this.pipeline.closedByHand(alarm);
    } catch (error) {
      this.logger.warn(`clear by hand of alarm ${id} not taken: ${(error as Error).message}; catching up`);
      await this.catchUp();
    }
  }

  private async catchUp(): Promise<void> {
    try {
      await this.pipeline.catchUpClosedByHand();
    } catch (error) {
      this.logger.warn(`clears by hand not caught up: ${(error as Error).message}`);
    }
  }
}
