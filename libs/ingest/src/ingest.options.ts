import type { HvConfig } from '@hv/config';
import { CHIRPSTACK_UPLINK_FILTER, channelFilter, TTS_UPLINK_FILTER } from '@hv/contracts';
import type { DurableMqttOptions } from '@hv/uplink';

export interface IngestOptions {
  mqtt: DurableMqttOptions;
  batchLines: number;
  flushMs: number;
  spoolDir: string;
  spoolMaxBytes: number;
  maxPayloadBytes: number;
  maxFutureMs: number;
  maxPastMs: number;
  /** Ingest's own figures are written as points this often, ms. */
  reportMs: number;
}

export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');

/** Every uplink channel of the native contract, and the LoRaWAN network servers' uplinks. */
export const INGEST_FILTERS = [
  channelFilter('telemetry'),
  channelFilter('event'),
  channelFilter('status'),
  channelFilter('ack'),
  CHIRPSTACK_UPLINK_FILTER,
  TTS_UPLINK_FILTER,
];

/** Ingest settings from the validated configuration; `mqttUrl` is the broker to consume. */
export function ingestOptionsFrom(config: HvConfig, mqttUrl: string): IngestOptions {
  const credentials = config.HV_MQTT_URL
    ? { username: config.HV_MQTT_USERNAME, password: config.HV_MQTT_PASSWORD }
    : { username: config.HV_SERVICE_USERNAME, password: config.HV_SERVICE_PASSWORD };
  return {
    mqtt: {
      url: mqttUrl,
      clientId: config.HV_INGEST_CLIENT_ID,
      ...credentials,
      filters: INGEST_FILTERS,
      sharedGroup: config.HV_INGEST_SHARED_GROUP,
      maxInflight: config.HV_INGEST_MAX_INFLIGHT,
      readLingerMs: config.HV_INGEST_READ_LINGER_MS,
    },
    batchLines: config.HV_INGEST_BATCH_LINES,
    flushMs: config.HV_INGEST_FLUSH_MS,
    spoolDir: config.HV_INGEST_SPOOL_DIR,
    spoolMaxBytes: config.HV_INGEST_SPOOL_MAX_BYTES,
    maxPayloadBytes: config.HV_MAX_PAYLOAD_BYTES,
    maxFutureMs: config.HV_INGEST_MAX_FUTURE_S * 1000,
    maxPastMs: config.HV_INGEST_MAX_PAST_S * 1000,
    reportMs: config.HV_INGEST_REPORT_S * 1000,
  };
}
