/**
 * Device simulators: seeded fleets, physically plausible device models, message streams
 * (native MQTT and LoRaWAN network-server formats), invalid messages for every ingest
 * reject reason, and a bounded, paced MQTT publisher. Same seed ⇒ byte-identical output.
 */
export * from './random';
export * from './places';
export * from './fleet';
export * from './secrets';
export * from './env/environment';
export * from './models';
export * from './device-sim';
export * from './stream';
export * from './lorawan';
export * from './invalid';
export * from './connect';
export * from './publisher';
export { parseCliArgs, CLI_USAGE, CliUsageError, type CliOptions } from './cli-options';
export * from './live-device';
export * from './command-responder';
export * from './lorawan-responder';
export * from './recording';
export * from './replay';
export * from './aisne-fleet';
export * from './scenario';
export * from './scenario-run';
export * from './faults';
export * from './fleet-file';
export * from './close-client';
