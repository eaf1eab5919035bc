/**
 * @hv/uplink: the uplink path every consumer shares. A durable MQTT consumer (acks only once
 * its handler made a message durable), the LoRaWAN network-server adapters, the registry in
 * memory, and the Normalizer that turns each message into a validated Reading or a
 * Rejection. Ingest stores readings, telegestion judges them; neither re-reads a message.
 */
export * from './adapters/chirpstack.adapter';
export * from './adapters/tts.adapter';
export * from './adapters/lorawan-uplink';
export * from './adapters/lorawan-ack';
export * from './pipeline/device-directory';
export * from './pipeline/normalizer';
export * from './pipeline/reading';
export * from './pipeline/registry-device-directory';
export * from './pipeline/rejection';
export * from './transport/ack-queue';
export * from './transport/durable-mqtt.consumer';
export { DurableMqttServer, UPLINK_PATTERN } from './transport/durable-mqtt.server';
