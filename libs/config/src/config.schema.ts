import { hostname } from 'node:os';
import { SERVICE_CLIENT_ID_PREFIX, serviceClientId } from '@hv/contracts';
import { z } from 'zod';
import { LOOPBACK_HOST, SHIPPED_SECRETS } from './exposure';

const port = z.coerce.number().int().min(1).max(65_535);
const positiveInt = z.coerce.number().int().positive();
/**
 * A service's MQTT client id, in the services' namespace `hv:{name}` that no device or
 * gateway can take (DEVICE-CONTRACT.md, Credentials); the prefix is added when missing.
 * The name leaves room for the `-dlq` / `-out` suffix of the service's second connection.
 */
const serviceClientIdSetting = (name: string) =>
  z
    .string()
    .regex(/^(hv:)?[A-Za-z0-9_.-]{1,60}$/, `must be ${SERVICE_CLIENT_ID_PREFIX}{name} or {name}, name of 1–60 of A-Z a-z 0-9 _ . -`)
    .default(`${name}-${hostname()}`.slice(0, 60))
    .transform(serviceClientId);
const url = (protocols: string[]) =>
  z.string().refine((s) => {
    try {
      return protocols.includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.join(' or ')}`);

/**
 * Every setting of every app, read from the environment once at start-up.
 * Defaults are the embedded, single-machine ones the demo uses.
 */
export const configSchema = z.object({
  /** External broker URL. Unset: the all-in-one app embeds aedes and connects to it. */
  HV_MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']).optional(),
  HV_MQTT_USERNAME: z.string().min(1).optional(),
  HV_MQTT_PASSWORD: z.string().min(1).optional(),
  /** Embedded broker listener (all-in-one and broker apps). */
  HV_BROKER_HOST: z.string().default(LOOPBACK_HOST),
  HV_BROKER_PORT: port.default(1883),
  /** Largest payload the broker accepts and ingest stores, bytes. Readings are < 1 kB. */
  HV_MAX_PAYLOAD_BYTES: positiveInt.default(16_384),
  /** Account the services use on the embedded broker (it may read and publish everything). */
  HV_SERVICE_USERNAME: z.string().min(1).default('hv-service'),
  /** Its default is for loopback only: off loopback, start-up refuses it (exposure.ts). */
  HV_SERVICE_PASSWORD: z.string().min(12, 'must be at least 12 characters').default(SHIPPED_SECRETS.HV_SERVICE_PASSWORD),

  HV_INFLUX_URL: url(['http:', 'https:']).default('http://127.0.0.1:18086'),
  HV_INFLUX_DB: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only').default('hyperviseur'),
  HV_PG_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:15432/hyperviseur'),

  /** HTTP port of /metrics and /health (and of the API later). */
  HV_HTTP_HOST: z.string().default(LOOPBACK_HOST),
  HV_HTTP_PORT: port.default(3000),

  HV_INGEST_CLIENT_ID: serviceClientIdSetting('ingest'),
  /** Shared-subscription group: N ingest instances split one stream (external brokers only). */
  HV_INGEST_SHARED_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /** Lines per InfluxDB write: 5,000-line batches let InfluxDB 1.x take 130–210k points/s on 2 cores. */
  HV_INGEST_BATCH_LINES: positiveInt.default(5_000),
  /** A partial batch is written after this long, ms (bounds latency at low rates). */
  HV_INGEST_FLUSH_MS: positiveInt.default(50),
  /**
   * After a read that starts a group of messages, ingest leaves its MQTT socket unread this
   * long, ms, so that the messages arriving meanwhile are handled in one go: less CPU per
   * message at low rates, at most this much added latency (0: off).
   */
  HV_INGEST_READ_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(10),
  /** Messages received but not yet acknowledged; past this the MQTT socket is not read. */
  HV_INGEST_MAX_INFLIGHT: positiveInt.default(20_000),
  HV_INGEST_SPOOL_DIR: z.string().min(1).default('.hv/spool'),
  /** Disk spool bound while InfluxDB is down, bytes (1 GiB ≈ 5 M lighting points). */
  HV_INGEST_SPOOL_MAX_BYTES: positiveInt.default(1024 ** 3),
  /** Clock skew tolerated for device timestamps ahead of ours, s. */
  HV_INGEST_MAX_FUTURE_S: positiveInt.default(300),
  /** Oldest device timestamp accepted, s (31 days: devices that buffered through an outage). */
  HV_INGEST_MAX_PAST_S: positiveInt.default(31 * 86_400),
  /** Ingest writes its own figures (ingest_stats, ingest_reject) to InfluxDB this often, s. */
  HV_INGEST_REPORT_S: positiveInt.default(10),

  /**
   * Messages telegestion holds unacknowledged while they are judged and their rule states
   * written; past this it stops reading (backpressure). Above one second of the busiest
   * traffic, so that a checkpoint never stops the reading (the broker must allow as many in
   * flight: Mosquitto's max_inflight_messages).
   */
  HV_TELEGESTION_MAX_INFLIGHT: positiveInt.default(20_000),
  HV_TELEGESTION_CLIENT_ID: serviceClientIdSetting('telegestion'),
  /**
   * What "now" is for the rules' clock (communication loss, overstays): `wall`, the
   * machine's clock; `stream`, the newest device timestamp seen (replays and accelerated
   * simulations, whose device time is not the wall clock's).
   */
  HV_TELEGESTION_CLOCK: z.enum(['wall', 'stream']).default('wall'),
  /** How often the rules' clock ticks, ms. */
  HV_TELEGESTION_TICK_MS: positiveInt.default(10_000),
  /**
   * Telegestion writes the uplinks it counted lost (seq_gaps, seq_gaps_device) this often, s:
   * the hot path only bumps counters; a lost-messages panel is read over hours.
   */
  HV_TELEGESTION_GAPS_REPORT_S: positiveInt.default(60),
  /** Rule overrides per tenant (JSON: tenant id or "*" → rule → field), validated at start-up. */
  HV_RULES_FILE: z.string().min(1).optional(),
  /** Commands published per second at most: a group command to 50,000 luminaires fans out at this rate. */
  HV_COMMAND_RATE_PER_S: positiveInt.default(10_000),
  /** A command not acknowledged within this long is sent again (with backoff), s. */
  HV_COMMAND_ACK_TIMEOUT_S: positiveInt.default(30),
  /** Attempts before a command is marked failed. */
  HV_COMMAND_MAX_ATTEMPTS: positiveInt.default(4),
  /** First retry delay after a timeout, s; doubles per attempt (capped at 10 min). */
  HV_COMMAND_RETRY_BASE_S: positiveInt.default(5),
  /** A luminaire whose reported level differs from its program this long (device time) gets the program's level again, s. */
  HV_RECONCILE_AFTER_S: positiveInt.default(600),
  /** At most one reconciliation command per device in this period, s. */
  HV_RECONCILE_MIN_INTERVAL_S: positiveInt.default(1_800),

  /** The ATMO index and the rollups (libs/aggregates) are recomputed this often (the current and previous hour, UTC day and Paris day), s; 0: never. */
  HV_AGGREGATES_EVERY_S: z.coerce.number().int().min(0).default(900),
  /** SMTP server of the notifier's e-mails (smtp://user:pass@host:587, smtps://…); unset: no e-mail is sent. */
  HV_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  HV_SMTP_FROM: z.string().min(3).default('Hyperviseur <hyperviseur@localhost>'),
  /** How often the notifier looks for new alarms and sends due deliveries, ms. */
  HV_NOTIFIER_POLL_MS: positiveInt.default(1_000),
  /** Attempts of a delivery before it is dead-lettered (6: ≈ 31 s of backoff from 1 s). */
  HV_NOTIFIER_MAX_ATTEMPTS: positiveInt.default(6),
  /** First retry delay of a failed delivery, ms; doubles per attempt (capped at 10 min). */
  HV_NOTIFIER_RETRY_BASE_MS: positiveInt.default(1_000),
  /** Paris wall-clock time the energy-savings digests leave at (daily ones every day, weekly ones on Monday), HH:MM. */
  HV_DIGEST_SEND_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a Paris time HH:MM').default('07:00'),
  /** A webhook that has not answered within this long is retried, ms. */
  HV_WEBHOOK_TIMEOUT_MS: positiveInt.default(5_000),
  /**
   * Let webhooks reach loopback and private addresses. Off by default: a collectivité's key
   * must not aim the notifier at the platform's own services (InfluxDB, PostgreSQL's admin).
   */
  HV_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((s) => s === 'true'),

  /**
   * How long the period KPIs (energy, air quality, parking, the CDN report) keep an answer's
   * figures for the same question, s; 0 computes every answer afresh. Their periods are hours
   * that are over: only the aggregation's rewrite of its last hours or late data change them.
   */
  HV_KPI_CACHE_S: z.coerce.number().int().min(0).default(60),

  /**
   * The address people open the console at, as their browser sees it (behind a proxy: the
   * proxy's https URL). E-mail links start with it; https makes the session cookie Secure.
   * Unset: http://HV_HTTP_HOST:HV_HTTP_PORT.
   */
  HV_PUBLIC_URL: url(['http:', 'https:']).optional(),
  /**
   * The reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or
   * CIDRs, e.g. 127.0.0.1 or 10.0.0.0/8); unset: none, the socket's address is the client's.
   * Login throttling counts failures per client address: behind a proxy, set this, or every
   * person shares the proxy's count.
   */
  HV_TRUST_PROXY: z
    .string()
    .regex(/^[0-9A-Fa-f:.\/]+(,[0-9A-Fa-f:.\/]+)*$/, 'must be addresses or CIDRs separated by commas')
    .transform((s) => s.split(','))
    .optional(),
  /** A console session ends after this long without a request, minutes. */
  HV_SESSION_IDLE_MIN: positiveInt.default(120),
  /** … and this long after login whatever happens, hours. */
  HV_SESSION_MAX_H: positiveInt.default(12),

  HV_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type HvConfig = z.infer<typeof configSchema>;
