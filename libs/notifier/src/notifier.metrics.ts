import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@hv/observability';
import { Counter } from 'prom-client';

export type DeliveryOutcome = 'delivered' | 'retried' | 'dead' | 'postponed';

/** The notifier's Prometheus metrics: attempts by outcome (a dead delivery is an alert nobody got). */
@Injectable()
export class NotifierMetrics {
  private readonly outcomes = new Map<string, number>();

  constructor(registry: MetricsRegistry) {
    const self = this;
    new Counter({
      name: 'hv_notifier_deliveries_total',
      help: 'delivery attempts by outcome (delivered, retried, dead: dead-lettered after the last attempt or refused; postponed: quiet hours)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, n] of self.outcomes) {
          const [channel, outcome] = key.split('/') as [string, string];
          this.inc({ channel, outcome }, n);
        }
      },
    });
  }

  count(channel: string, outcome: DeliveryOutcome): void {
    const key = `${channel}/${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }
}
