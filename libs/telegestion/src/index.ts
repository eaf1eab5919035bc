/**
 * Telegestion: the rules judged on the live stream, alarms with their lifecycle and
 * correlation in PostgreSQL, lighting programs and commands (fan-out, retries,
 * reconciliation, LoRaWAN downlinks), alarm and command events to InfluxDB and MQTT.
 */
export * from './alarms/alarm.repository';
export * from './commands/command.model';
export * from './commands/command.repository';
export * from './commands/command.service';
export * from './programs/program.repository';
export * from './programs/program-directory';
export * from './rules/rule-state.repository';
export * from './telegestion-events';
export * from './telegestion.metrics';
export * from './telegestion.module';
export * from './telegestion.options';
export { TELEGESTION_DEVICE_SOURCE } from './telegestion.providers';
export * from './telegestion.service';
