import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { alertEmail } from './alert-message';
import { CATCH_UP_MS, DeliveryRepository, LOOKBACK_MARGIN_MS, type DueDelivery } from './delivery.repository';
import { digestEmail } from './digest/digest-message';
import { DigestService } from './digest/digest.service';
import { Mailer } from './mailer';
import { NotifierMetrics } from './notifier.metrics';
import { NOTIFIER_OPTIONS, type NotifierOptions } from './notifier.options';
import { holdUntil } from './quiet-hours';
import { WebhookSender, type SendOutcome } from './webhook.sender';

/** Deliveries taken per round; sent at most SEND_CONCURRENCY at a time. */
const BATCH = 100;
const SEND_CONCURRENCY = 8;
/** Longest wait between two attempts, ms (10 min). */
export const MAX_RETRY_DELAY_MS = 10 * 60_000;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones: base × 2^(attempts−1), capped. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

/**
 * Alert delivery: every `pollMs`, creates the deliveries of newly raised alarms (from
 * PostgreSQL, so an alarm raised while the notifier was away is still delivered, within a
 * day) and the energy-savings digests that are due (DigestService), then sends those due
 * (outside the subscriber's quiet hours, unless critical): webhooks signed with HMAC-SHA256,
 * e-mails over SMTP, each with its idempotency key; a failure is retried with exponential backoff and dead-lettered
 * (status `dead`, logged) after `maxAttempts`.
 */
@Injectable()
export class NotifierService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotifierService.name);
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  /**
   * When the previous round looked at the alarms (this process's monotonic clock: only a
   * duration is taken from it, the instants are the database's); null before the first,
   * which looks back CATCH_UP_MS.
   */
  private lastLook: number | null = null;

  constructor(
    @Inject(NOTIFIER_OPTIONS) private readonly options: NotifierOptions,
    private readonly deliveries: DeliveryRepository,
    private readonly webhooks: WebhookSender,
    private readonly mailer: Mailer,
    private readonly metrics: NotifierMetrics,
    private readonly digests: DigestService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.pollMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
    this.mailer.close();
  }

  /** One round (not overlapping the previous one). */
  runOnce(): Promise<void> {
    this.round ??= this.work()
      .catch((error: Error) => this.logger.warn(`notifier round failed: ${error.message}`))
      .finally(() => (this.round = undefined));
    return this.round;
  }

  private async work(): Promise<void> {
    const now = performance.now();
    await this.deliveries.enqueueRaised(this.lastLook === null ? CATCH_UP_MS : Math.min(CATCH_UP_MS, now - this.lastLook + LOOKBACK_MARGIN_MS));
    this.lastLook = now;
    // A digest that cannot be computed now is tried again next round; alerts go on meanwhile.
    await this.digests.enqueueDue(Date.now()).catch((error: Error) => this.logger.warn(`digests not stored this round: ${error.message}`));
    const due = await this.deliveries.takeDue(BATCH);
    let next = 0;
    const worker = async () => {
      while (next < due.length) await this.deliver(due[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, due.length) }, worker));
  }

  private async deliver(d: DueDelivery): Promise<void> {
    // A digest waits out quiet hours like an informational alert.
    const hold = holdUntil(Date.now(), d.quietHours, d.payload.event === 'digest' ? 'info' : d.payload.alarm.severity);
    if (hold !== null) {
      await this.deliveries.postpone(d.id, hold);
      this.metrics.count(d.channel, 'postponed');
      return;
    }
    const outcome = await this.attempt(d);
    if (outcome.ok) {
      await this.deliveries.delivered(d.id);
      this.metrics.count(d.channel, 'delivered');
      return;
    }
    const attempts = d.attempts + 1;
    if (outcome.retry && attempts < this.options.maxAttempts) {
      await this.deliveries.failed(d.id, outcome.error, retryDelayMs(attempts, this.options.retryBaseMs));
      this.metrics.count(d.channel, 'retried');
    } else {
      await this.deliveries.failed(d.id, outcome.error, null);
      this.metrics.count(d.channel, 'dead');
      this.logger.warn(`delivery ${d.idempotencyKey} to ${d.channel} ${d.target} dead-lettered after ${attempts} attempts: ${outcome.error}`);
    }
  }

  private attempt(d: DueDelivery): Promise<SendOutcome> {
    if (d.channel === 'webhook') return this.webhooks.send(d.target, d.secret!, d.idempotencyKey, JSON.stringify(d.payload));
    const mail = d.payload.event === 'digest' ? digestEmail(d.payload) : alertEmail(d.payload);
    return this.mailer.send({ to: d.target, ...mail, idempotencyKey: d.idempotencyKey });
  }
}
