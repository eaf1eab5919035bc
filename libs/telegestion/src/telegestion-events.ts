import { Logger } from '@nestjs/common';
import { MEASUREMENTS, platformEventTopic, type Point } from '@hv/contracts';
import type { InfluxRepository } from '@hv/timeseries';
import { SEVERITIES } from '@hv/rules';
import type { MqttClient } from 'mqtt';
import type { Alarm, AlarmTransition } from './alarms/alarm.repository';
import type { CommandRecord } from './commands/command.model';

/** Points kept while InfluxDB is unreachable; past this the oldest are dropped, and counted. */
const MAX_BUFFERED_POINTS = 200_000;
const FLUSH_MS = 500;
const BATCH_POINTS = 5_000;

export type CommandEvent = 'queued' | 'sent' | 'retried' | 'acknowledged' | 'failed' | 'expired';

/**
 * Alarm and command events, out of the process: points in InfluxDB (`alarm_event`,
 * `command_event`: board annotations and history) and messages on
 * `hv/events/v1/{tenant}/{alarm|command}` for other consumers (the notifier…). PostgreSQL
 * stays the record; a point InfluxDB could not take is retried, and dropped only past
 * MAX_BUFFERED_POINTS (counted in `dropped`).
 */
export class TelegestionEvents {
  private readonly logger = new Logger(TelegestionEvents.name);
  private points: Point[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  dropped = 0;
  written = 0;

  constructor(
    private readonly influx: InfluxRepository,
    private readonly mqtt: () => MqttClient | undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  alarm(t: AlarmTransition): void {
    const a = t.alarm;
    const at = t.event === 'cleared' && a.clearedAt ? a.clearedAt.getTime() : t.event === 'raised' || t.event === 'suppressed' ? a.since.getTime() : Date.now();
    const active = t.event !== 'cleared' && a.parentId === null ? 1 : 0;
    const fields: Point['fields'] = { alarm_id: a.id, severity_rank: SEVERITIES.indexOf(a.severity), active, suppressed: a.parentId !== null };
    if (a.value !== null) fields.value = a.value;
    if (a.savings) Object.assign(fields, { savings_kwh: a.savings.kwh, savings_eur: a.savings.eur, savings_kgco2: a.savings.kgco2 });
    this.push({
      measurement: MEASUREMENTS.alarm,
      tags: { tenant: a.tenant, device: a.device, domain: a.domain, type: a.type, kind: a.kind, severity: a.severity, event: t.event },
      fields,
      // Same series and millisecond would overwrite: the alarm id keeps two events of one instant apart.
      timestampMs: at,
    });
    this.publish(platformEventTopic(a.tenant, 'alarm'), { event: t.event, alarm: alarmJson(a) }, 1);
  }

  /**
   * A command's outcome (acknowledged, failed, expired) goes to InfluxDB, with its attempts
   * and the time from request to outcome; on MQTT only the ends that need someone (failed,
   * expired). Sends and retries are not points: PostgreSQL holds each command's every
   * attempt, and a point per send doubled InfluxDB's work in a 50,000-luminaire fan-out
   * (half a core) for nothing a board shows.
   */
  command(event: CommandEvent, c: CommandRecord): void {
    if (event !== 'acknowledged' && event !== 'failed' && event !== 'expired') return;
    const fields: Point['fields'] = { cmd_id: c.cmdId, attempts: c.attempts, duration_ms: Math.max(0, Date.now() - c.createdAt) };
    if (typeof c.body.level_pct === 'number') fields.level_pct = c.body.level_pct;
    if (c.reported && typeof c.reported.level_pct === 'number') fields.reported_level_pct = c.reported.level_pct;
    if (c.error) fields.error = c.error;
    this.push({ measurement: MEASUREMENTS.command, tags: { tenant: c.tenant, device: c.device, domain: c.domain, reason: c.reason, event }, fields, timestampMs: Date.now() });
    if (event === 'failed' || event === 'expired') this.publish(platformEventTopic(c.tenant, 'command'), { event, command: commandJson(c) }, 1);
  }

  /** A group command reached an end for every device it addressed. */
  batchDone(tenant: string | null, batch: { id: string; devices: number; acknowledged: number; failed: number; expired: number }): void {
    if (tenant) this.publish(platformEventTopic(tenant, 'command'), { event: 'batch_completed', batch }, 1);
  }

  private push(point: Point): void {
    if (this.points.length >= MAX_BUFFERED_POINTS) {
      this.points.shift();
      this.dropped++;
    }
    this.points.push(point);
  }

  private publish(topic: string, body: unknown, qos: 0 | 1): void {
    const client = this.mqtt();
    // mqtt.js queues QoS 1 publishes while reconnecting; without a client yet there is no one to tell.
    if (!client) return;
    client.publish(topic, JSON.stringify(body), { qos }, (error) => {
      if (error) this.logger.warn(`event not published on ${topic}: ${error.message}`);
    });
  }

  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      while (this.points.length > 0) {
        const batch = this.points.slice(0, BATCH_POINTS);
        try {
          await this.influx.writePoints(batch);
        } catch (error) {
          this.logger.warn(`alarm/command events not written to InfluxDB (will retry): ${(error as Error).message}`);
          return;
        }
        this.points.splice(0, batch.length);
        this.written += batch.length;
      }
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }
}

export function alarmJson(a: Alarm): Record<string, unknown> {
  return {
    id: a.id,
    tenant: a.tenant,
    device: a.device,
    domain: a.domain,
    type: a.type,
    kind: a.kind,
    severity: a.severity,
    source: a.source,
    state: a.state,
    since: a.since.toISOString(),
    raised_at: a.raisedAt.toISOString(),
    value: a.value,
    cleared_at: a.clearedAt?.toISOString() ?? null,
    parent_id: a.parentId,
    savings: a.savings,
  };
}

function commandJson(c: CommandRecord): Record<string, unknown> {
  return { cmd_id: c.cmdId, batch_id: c.batchId, device: c.device, status: c.status, attempts: c.attempts, body: c.body, error: c.error, reported: c.reported };
}
