import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CMD_SCHEMAS, DEVICE_TYPES, formatIssues, type Domain } from '@hv/contracts';
import { DurableMqttConsumer, RegistryDeviceDirectory } from '@hv/uplink';
import type { Transition } from '@hv/lighting';
import { HealthRegistry } from '@hv/observability';
import { AlarmCorrelator, type DeviceRuleState } from '@hv/rules';
import { Database } from '@hv/state';
import { AlarmRepository } from './alarms/alarm.repository';
import { ClearsByHandListener } from './alarms/clears-by-hand.listener';
import type { CommandRecord, CommandRequest } from './commands/command.model';
import { CommandRepository } from './commands/command.repository';
import { CommandService } from './commands/command.service';
import { SequenceGapReport } from './gaps/sequence-gap.report';
import { OutboundMqtt } from './outbound-mqtt';
import { resolveTargets } from './commands/command-targets';
import { ProgramDirectory } from './programs/program-directory';
import { ProgramRepository } from './programs/program.repository';
import { RuleBook, ruleDeviceOf } from './rules/rule-book';
import { RuleStateRepository } from './rules/rule-state.repository';
import { TelegestionEvents } from './telegestion-events';
import { TelegestionMetrics } from './telegestion.metrics';
import { TELEGESTION_OPTIONS, type TelegestionOptions } from './telegestion.options';
import { TelegestionPipeline } from './telegestion.pipeline';
import { cachedDevice } from './telegestion.providers';

/** A command refused before anything was stored: names the bad fields or the missing devices. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(readonly problems: string[]) {
    super(`invalid command: ${problems.join('; ')}`);
  }
}

/**
 * Telegestion: reads every reading, event and ack (its own MQTT session, acknowledged only
 * once judged and durable), judges them with each device's rules, keeps the alarms in
 * PostgreSQL, drives the luminaires' programs and commands, and reports alarm and command
 * events to InfluxDB and MQTT. On start it reloads what a restart must keep: open alarms
 * (and their correlation), the rules' state, pending commands, programs.
 */
@Injectable()
export class TelegestionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TelegestionService.name);
  private ticker: NodeJS.Timeout | undefined;
  /** The clock tick in progress, if any (shutdown lets it finish). */
  private ticking: Promise<void> | undefined;
  /** Clock time from which telegestion has been receiving uplinks without a break; null while it is not connected. */
  private listeningSince: number | null = null;
  private connectionsSeen = 0;

  constructor(
    @Inject(TELEGESTION_OPTIONS) private readonly options: TelegestionOptions,
    private readonly db: Database,
    readonly alarms: AlarmRepository,
    readonly programs: ProgramRepository,
    readonly commandStore: CommandRepository,
    private readonly states: RuleStateRepository,
    private readonly directory: RegistryDeviceDirectory,
    private readonly programDirectory: ProgramDirectory,
    private readonly book: RuleBook,
    private readonly correlator: AlarmCorrelator,
    private readonly pipeline: TelegestionPipeline,
    private readonly commands: CommandService,
    private readonly events: TelegestionEvents,
    private readonly gapReport: SequenceGapReport,
    private readonly consumer: DurableMqttConsumer,
    private readonly outbound: OutboundMqtt,
    private readonly clearsByHand: ClearsByHandListener,
    private readonly metrics: TelegestionMetrics,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.directory.load();
    this.directory.startRefresh();
    await this.programDirectory.load();
    const stored = new Map<string, DeviceRuleState>();
    for await (const page of this.states.all()) for (const s of page) stored.set(s.device, s.state);
    let lastSeen = 0;
    for (const s of stored.values()) lastSeen = Math.max(lastSeen, s.lastSeen ?? 0);
    const adopted = this.book.adoptStored((id) => cachedDevice(this.directory, id), stored);
    const open = await this.alarms.openForCorrelation();
    this.correlator.restore(open);
    // The stream clock starts where the stored states left off (a restart mid-replay must not
    // judge every device silent against the wall clock).
    this.pipeline.watermark = lastSeen;
    const now = () => (this.options.clock === 'stream' ? this.pipeline.watermark : Date.now());

    this.metrics.openAlarms = () => this.correlator.size;
    this.metrics.pendingCommands = () => this.commands.pendingCount;
    this.metrics.commands = () => ({ ...this.commands.stats });
    this.metrics.eventsDropped = () => this.events.dropped;
    this.health.register({ name: 'telegestion-mqtt', check: async () => this.consumer.connected && this.outbound.ready });

    this.events.start();
    this.gapReport.start();
    await this.commands.start();
    // Clears by hand made while telegestion was away are caught up once listening.
    await this.clearsByHand.start();
    // Not awaited: with the broker away, telegestion starts and connects when it is back.
    this.outbound.start();
    this.consumer.start();
    this.ticker = setInterval(() => this.tick(now()), this.options.tickMs);
    this.logger.log(`telegestion up: ${adopted} rule states resumed, ${open.length} open alarms, ${this.commands.pendingCount} pending commands (clock: ${this.options.clock})`);
  }

  /**
   * Before any module's shutdown (the state module closes the PostgreSQL pool in its own):
   * stop reading, let what is in hand be judged and written, then stop. A batch whose writes
   * cannot finish is left unacknowledged and comes back after the restart.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.ticker);
    this.directory.onModuleDestroy();
    await this.consumer.close();
    await this.clearsByHand.stop();
    this.pipeline.close();
    // A tick in progress may be storing alarms (a whole fleet's communication loss): its
    // events go out before the connection that carries them closes.
    await this.ticking;
    await this.gapReport.stop();
    await this.commands.stop();
    await this.events.stop();
    await this.outbound.close();
  }

  /**
   * Sends a command to a device, a list, a group, a cabinet's luminaires or a tenant's
   * devices of the command's domain. Validated against the contract before anything is
   * stored; returns the batch id and the commands (queued).
   */
  async sendCommand(request: CommandRequest & { domain: Domain }): Promise<{ batchId: string; commands: CommandRecord[] }> {
    const probe = { cmd_id: 'probe', ts: Date.now(), ...request.body, ...(request.expiresAt !== undefined ? { expires_at: request.expiresAt } : {}) };
    const checked = CMD_SCHEMAS[request.domain].safeParse(probe);
    if (!checked.success) throw new CommandError(formatIssues(checked.error.issues));
    const devices = await resolveTargets(this.db, this.directory, request.target);
    const wrong = devices.filter((d) => DEVICE_TYPES[d.type].domain !== request.domain);
    if (devices.length === 0) throw new CommandError(['target: no registered device']);
    if (wrong.length) throw new CommandError([`target: ${wrong.length} devices are not in domain ${request.domain} (e.g. ${wrong[0]!.id})`]);
    const reason = typeof request.body.reason === 'string' ? request.body.reason : 'manual';
    return this.commands.submit(devices, request.domain, request.body, { reason, ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}), createdBy: request.createdBy, target: request.target });
  }

  /** What a luminaire will do between two instants (its program and the overrides in force). */
  async preview(deviceId: string, fromMs: number, toMs: number): Promise<Transition[]> {
    const device = await this.directory.byId(deviceId);
    if (!device) throw new CommandError([`device: ${deviceId} is not registered`]);
    return this.programDirectory.preview(ruleDeviceOf(device), fromMs, toMs, this.commands.overridesOf(deviceId, fromMs));
  }

  /** Programs or assignments changed: use them from now on. */
  reloadPrograms(): Promise<void> {
    return this.programDirectory.load();
  }

  /** Commands published so far (retries included). */
  commandsSent(): number {
    return this.commands.stats.sent;
  }

  get pendingCommands(): number {
    return this.commands.pendingCount;
  }

  private tick(now: number): void {
    if (this.ticking || now === 0) return;
    this.ticking = this.runTick(now).finally(() => {
      this.ticking = undefined;
    });
  }

  private async runTick(now: number): Promise<void> {
    try {
      // Telegestion's own absence (a restart, a lost broker connection) is not a device's
      // silence: communication loss counts from when reading resumed, and is not judged
      // while nothing can arrive. The backlog queued meanwhile is read within that grace.
      const connections = this.consumer.connections;
      if (!this.consumer.connected) this.listeningSince = null;
      else if (this.listeningSince === null || connections !== this.connectionsSeen) this.listeningSince = now;
      this.connectionsSeen = connections;
      await this.pipeline.tick(now, this.listeningSince);
    } catch (error) {
      this.logger.warn(`clock tick failed: ${(error as Error).message}`);
    }
  }
}
