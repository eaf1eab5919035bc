import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** What a listener tells its owner. */
export interface NotificationHandlers {
  /** One NOTIFY payload, as sent. */
  notify(payload: string): void;
  /**
   * The connection was (re)established or lost: notifications sent while no LISTEN was
   * active are gone (PostgreSQL does not queue them for absent listeners), so whatever the
   * owner derived from them must be rebuilt.
   */
  reset(): void;
}

/** First reconnection delay, ms; doubles per failure up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
/** A dead server is noticed by TCP keep-alive after about this long, ms. */
const KEEPALIVE_DELAY_MS = 10_000;
/** A connection attempt that has not succeeded by then is retried, ms. */
const CONNECT_TIMEOUT_MS = 10_000;
const CHANNEL_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * LISTENs on one PostgreSQL channel over a dedicated connection (a pooled one would be
 * handed to other queries and lose its LISTEN), reconnecting with back-off for as long as
 * it runs. Migration 009's `hv_credentials` feeds the broker this way.
 */
export class NotificationListener {
  private readonly logger = new Logger(NotificationListener.name);
  private client: Client | undefined;
  private handlers: NotificationHandlers | undefined;
  private stopped = false;
  private backoffMs = FIRST_BACKOFF_MS;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly channel: string,
  ) {
    if (!CHANNEL_PATTERN.test(channel)) throw new Error(`invalid channel name "${channel}"`);
  }

  /** Resolves once the first LISTEN is active, or once its first attempt failed (retried after). */
  async start(handlers: NotificationHandlers): Promise<void> {
    this.handlers = handlers;
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: `hyperviseur-listen-${this.channel}`,
    });
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`LISTEN ${this.channel} lost${error ? `: ${error.message}` : ''}; reconnecting in ${this.backoffMs} ms`);
      this.handlers?.reset();
      this.retry = setTimeout(() => void this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload !== undefined) this.handlers?.notify(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.stopped) return void (await client.end().catch(() => undefined));
      this.backoffMs = FIRST_BACKOFF_MS;
      // Anything cached before this LISTEN may have changed unseen.
      this.handlers?.reset();
    } catch (error) {
      onLost(error as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
