import { readFileSync } from 'node:fs';
import type { HvConfig } from '@hv/config';
import { ConfigError } from '@hv/config';
import { channelFilter, CHIRPSTACK_UPLINK_FILTER, TTS_UPLINK_FILTER } from '@hv/contracts';
import type { DurableMqttOptions } from '@hv/uplink';
import { loadRuleConfigs, RuleConfigError, type RuleConfig } from '@hv/rules';
import type { CommandOptions } from './commands/command.service';
import type { ReconcileOptions } from './telegestion.pipeline';

export interface TelegestionOptions {
  mqtt: DurableMqttOptions;
  /** PostgreSQL, for the LISTEN on clears made by hand (the pool's connections are not kept for it). */
  pgUrl: string;
  /** `wall`: the machine's clock; `stream`: the newest device time seen (replays, accelerated simulations). */
  clock: 'wall' | 'stream';
  tickMs: number;
  /** How often the sequence-gap counts are written to InfluxDB, ms. */
  gapsReportMs: number;
  /** Per-tenant rule configuration (tenant, EPCI or "*" → full config); empty: the defaults everywhere. */
  rules: Map<string, RuleConfig>;
  commands: CommandOptions;
  reconcile: ReconcileOptions;
  limits: { maxPayloadBytes: number; maxFutureMs: number; maxPastMs: number };
}

export const TELEGESTION_OPTIONS = Symbol('TELEGESTION_OPTIONS');

/** What telegestion reads: readings, events and acks of every device, and the network servers' uplinks. */
export const TELEGESTION_FILTERS = [channelFilter('telemetry'), channelFilter('event'), channelFilter('ack'), CHIRPSTACK_UPLINK_FILTER, TTS_UPLINK_FILTER];

/** Telegestion settings from the validated configuration; the rules file is validated here, at start-up. */
export function telegestionOptionsFrom(config: HvConfig, mqttUrl: string): TelegestionOptions {
  const credentials = config.HV_MQTT_URL
    ? { username: config.HV_MQTT_USERNAME, password: config.HV_MQTT_PASSWORD }
    : { username: config.HV_SERVICE_USERNAME, password: config.HV_SERVICE_PASSWORD };
  return {
    pgUrl: config.HV_PG_URL,
    mqtt: { url: mqttUrl, clientId: config.HV_TELEGESTION_CLIENT_ID, ...credentials, filters: TELEGESTION_FILTERS, maxInflight: config.HV_TELEGESTION_MAX_INFLIGHT },
    clock: config.HV_TELEGESTION_CLOCK,
    tickMs: config.HV_TELEGESTION_TICK_MS,
    gapsReportMs: config.HV_TELEGESTION_GAPS_REPORT_S * 1000,
    rules: ruleConfigsFrom(config),
    commands: {
      ratePerS: config.HV_COMMAND_RATE_PER_S,
      ackTimeoutMs: config.HV_COMMAND_ACK_TIMEOUT_S * 1000,
      maxAttempts: config.HV_COMMAND_MAX_ATTEMPTS,
      retryBaseMs: config.HV_COMMAND_RETRY_BASE_S * 1000,
    },
    reconcile: { afterMs: config.HV_RECONCILE_AFTER_S * 1000, minIntervalMs: config.HV_RECONCILE_MIN_INTERVAL_S * 1000 },
    limits: { maxPayloadBytes: config.HV_MAX_PAYLOAD_BYTES, maxFutureMs: config.HV_INGEST_MAX_FUTURE_S * 1000, maxPastMs: config.HV_INGEST_MAX_PAST_S * 1000 },
  };
}

/**
 * The per-tenant rule configuration of HV_RULES_FILE (empty: the defaults everywhere). It
 * is also where each tenant's money and carbon factors live, so telegestion's findings and
 * the API's savings KPIs price energy alike: apps read it once and hand the same map to both.
 */
export function ruleConfigsFrom(config: Pick<HvConfig, 'HV_RULES_FILE'>): Map<string, RuleConfig> {
  return config.HV_RULES_FILE ? readRules(config.HV_RULES_FILE) : new Map();
}

/** HV_RULES_FILE: every problem named (`HV_RULES_FILE: tenant 02408: voltage_out_of_range.low_v: …`). */
function readRules(path: string): Map<string, RuleConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`HV_RULES_FILE: cannot read ${path}: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`HV_RULES_FILE: ${path} is not JSON: ${(error as Error).message}`]);
  }
  try {
    return loadRuleConfigs(json);
  } catch (error) {
    if (error instanceof RuleConfigError) throw new ConfigError(error.problems.map((p) => `HV_RULES_FILE: ${p}`));
    throw error;
  }
}
