import type { Provider } from '@nestjs/common';
import type { DeviceInfo, DeviceSource } from '@hv/contracts';
import { DurableMqttConsumer, Normalizer, RegistryDeviceDirectory } from '@hv/uplink';
import { AlarmCorrelator } from '@hv/rules';
import { Database } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import { AlarmRepository } from './alarms/alarm.repository';
import { ClearsByHandListener } from './alarms/clears-by-hand.listener';
import { CommandRepository } from './commands/command.repository';
import { CommandService } from './commands/command.service';
import { SequenceGapCounter } from './gaps/sequence-gap.counter';
import { SequenceGapReport } from './gaps/sequence-gap.report';
import { OutboundMqtt } from './outbound-mqtt';
import { ProgramDirectory } from './programs/program-directory';
import { ProgramRepository } from './programs/program.repository';
import { RuleBook } from './rules/rule-book';
import { RuleStateRepository } from './rules/rule-state.repository';
import { TelegestionEvents } from './telegestion-events';
import { TelegestionMetrics } from './telegestion.metrics';
import { TELEGESTION_OPTIONS, type TelegestionOptions } from './telegestion.options';
import { TelegestionPipeline } from './telegestion.pipeline';

export const TELEGESTION_DEVICE_SOURCE = Symbol('TELEGESTION_DEVICE_SOURCE');

/** A device the registry cache holds (no lookup: its callers run on the hot path or at start-up). */
export function cachedDevice(directory: RegistryDeviceDirectory, id: string): DeviceInfo | undefined {
  const d = directory.byId(id);
  return d instanceof Promise ? undefined : d;
}

/**
 * Telegestion's parts, each built once from the options and the parts it uses; the
 * TelegestionService starts and stops them in order. Needs Database, InfluxRepository,
 * TelegestionMetrics, TELEGESTION_OPTIONS and TELEGESTION_DEVICE_SOURCE.
 */
export const TELEGESTION_PROVIDERS: Provider[] = [
  AlarmRepository,
  ProgramRepository,
  CommandRepository,
  RuleStateRepository,
  { provide: SequenceGapCounter, useFactory: () => new SequenceGapCounter() },
  { provide: RegistryDeviceDirectory, useFactory: (source: DeviceSource) => new RegistryDeviceDirectory(source), inject: [TELEGESTION_DEVICE_SOURCE] },
  { provide: ProgramDirectory, useFactory: (programs: ProgramRepository) => new ProgramDirectory(programs), inject: [ProgramRepository] },
  { provide: OutboundMqtt, useFactory: (o: TelegestionOptions) => new OutboundMqtt(o.mqtt), inject: [TELEGESTION_OPTIONS] },
  { provide: TelegestionEvents, useFactory: (influx: InfluxRepository, outbound: OutboundMqtt) => new TelegestionEvents(influx, () => outbound.client), inject: [InfluxRepository, OutboundMqtt] },
  {
    provide: SequenceGapReport,
    useFactory: (gaps: SequenceGapCounter, influx: InfluxRepository, o: TelegestionOptions) => new SequenceGapReport(gaps, influx, o.gapsReportMs),
    inject: [SequenceGapCounter, InfluxRepository, TELEGESTION_OPTIONS],
  },
  {
    provide: CommandService,
    useFactory: (store: CommandRepository, outbound: OutboundMqtt, events: TelegestionEvents, o: TelegestionOptions, directory: RegistryDeviceDirectory) =>
      new CommandService(store, outbound, events, o.commands, (id) => !!cachedDevice(directory, id)?.devEui),
    inject: [CommandRepository, OutboundMqtt, TelegestionEvents, TELEGESTION_OPTIONS, RegistryDeviceDirectory],
  },
  { provide: RuleBook, useFactory: (o: TelegestionOptions) => new RuleBook(o.rules), inject: [TELEGESTION_OPTIONS] },
  { provide: AlarmCorrelator, useFactory: (directory: RegistryDeviceDirectory) => new AlarmCorrelator((device) => cachedDevice(directory, device)?.cabinet), inject: [RegistryDeviceDirectory] },
  {
    provide: Normalizer,
    useFactory: (directory: RegistryDeviceDirectory, o: TelegestionOptions) => new Normalizer(directory, o.limits),
    inject: [RegistryDeviceDirectory, TELEGESTION_OPTIONS],
  },
  {
    provide: TelegestionPipeline,
    useFactory: (
      o: TelegestionOptions,
      db: Database,
      normalizer: Normalizer,
      book: RuleBook,
      correlator: AlarmCorrelator,
      alarms: AlarmRepository,
      states: RuleStateRepository,
      programs: ProgramDirectory,
      commands: CommandService,
      events: TelegestionEvents,
      metrics: TelegestionMetrics,
      gaps: SequenceGapCounter,
    ) => {
      // The stream clock is the newest device time judged (replays, accelerated simulations).
      const now = () => (o.clock === 'stream' ? pipeline.watermark : Date.now());
      const pipeline: TelegestionPipeline = new TelegestionPipeline({ db, normalizer, book, correlator, alarms, states, programs, commands, events, metrics, gaps, reconcile: o.reconcile, now });
      return pipeline;
    },
    inject: [TELEGESTION_OPTIONS, Database, Normalizer, RuleBook, AlarmCorrelator, AlarmRepository, RuleStateRepository, ProgramDirectory, CommandService, TelegestionEvents, TelegestionMetrics, SequenceGapCounter],
  },
  {
    provide: DurableMqttConsumer,
    useFactory: (o: TelegestionOptions, pipeline: TelegestionPipeline) => new DurableMqttConsumer(o.mqtt, (msgs) => pipeline.handle(msgs), 'Telegestion'),
    inject: [TELEGESTION_OPTIONS, TelegestionPipeline],
  },
  {
    provide: ClearsByHandListener,
    useFactory: (o: TelegestionOptions, alarms: AlarmRepository, pipeline: TelegestionPipeline) => new ClearsByHandListener(o.pgUrl, alarms, pipeline),
    inject: [TELEGESTION_OPTIONS, AlarmRepository, TelegestionPipeline],
  },
];
