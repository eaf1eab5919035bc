import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@hv/observability';
import { Counter, Gauge } from 'prom-client';

/** Telegestion's Prometheus metrics; the hot path bumps plain numbers, read at scrape time. */
@Injectable()
export class TelegestionMetrics {
  received = 0;
  reconciled = 0;
  private readonly skipped = new Map<string, number>();
  private readonly alarms = new Map<string, number>();
  openAlarms: () => number = () => 0;
  pendingCommands: () => number = () => 0;
  commands: () => Record<string, number> = () => ({});
  eventsDropped: () => number = () => 0;

  constructor(registry: MetricsRegistry) {
    const self = this;
    const labelled = (name: string, help: string, label: string, read: () => Iterable<[string, number]>) =>
      new Counter({ name, help, labelNames: [label], registers: [registry], collect() { this.reset(); for (const [k, n] of read()) this.inc({ [label]: k }, n); } });
    new Counter({ name: 'hv_telegestion_received_total', help: 'messages read by telegestion', registers: [registry], collect() { this.reset(); this.inc(self.received); } });
    labelled('hv_telegestion_skipped_total', 'messages telegestion did not judge, by reason (ingest dead-letters the invalid ones)', 'reason', () => self.skipped);
    labelled('hv_telegestion_alarm_events_total', 'alarm transitions stored, by event (raised, suppressed, adopted, released, escalated, cleared)', 'event', () => self.alarms);
    labelled('hv_telegestion_commands_total', 'command outcomes and sends, by outcome', 'outcome', () => Object.entries(self.commands()));
    new Counter({ name: 'hv_telegestion_reconciliations_total', help: 'commands sent because a luminaire reported another level than its program', registers: [registry], collect() { this.reset(); this.inc(self.reconciled); } });
    new Counter({ name: 'hv_telegestion_events_dropped_total', help: 'alarm/command points dropped after InfluxDB stayed unreachable (PostgreSQL keeps the record)', registers: [registry], collect() { this.reset(); this.inc(self.eventsDropped()); } });
    new Gauge({ name: 'hv_telegestion_open_alarms', help: 'alarms open (active or acknowledged, suppressed included)', registers: [registry], collect() { this.set(self.openAlarms()); } });
    new Gauge({ name: 'hv_telegestion_pending_commands', help: 'commands queued or sent, not yet ended', registers: [registry], collect() { this.set(self.pendingCommands()); } });
  }

  skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  alarm(event: string): void {
    this.alarms.set(event, (this.alarms.get(event) ?? 0) + 1);
  }
}
