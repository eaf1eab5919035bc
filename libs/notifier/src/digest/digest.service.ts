import { Inject, Injectable } from '@nestjs/common';
import { NOTIFIER_OPTIONS, type NotifierOptions } from '../notifier.options';
import { MAX_LISTED, type DigestPayload } from './digest-message';
import { DIGEST_PERIODS, digestKey, latestDue, type DigestWindow } from './digest-period';
import { DigestRepository, type DigestSubscription, type SavingsTotals } from './digest.repository';

/**
 * The energy-savings digests: at each notifier round, the latest digest of each period
 * that is due (HV_DIGEST_SEND_AT, Paris time; weekly on Monday) is computed for every
 * subscription that does not have it yet and stored as a delivery, whose key (subscription,
 * period, first day) is unique: several notifiers, or a restart, store it once, and the
 * delivery is then sent, retried and dead-lettered like an alert's. A digest missed for a
 * whole period (notifier stopped) is not sent late: the next one covers its own period.
 */
@Injectable()
export class DigestService {
  constructor(
    @Inject(NOTIFIER_OPTIONS) private readonly options: NotifierOptions,
    private readonly digests: DigestRepository,
  ) {}

  /** Stores the digests due at `nowMs` that are not stored yet; returns how many it stored. */
  async enqueueDue(nowMs: number): Promise<number> {
    let stored = 0;
    for (const period of DIGEST_PERIODS) {
      const window = latestDue(period, nowMs, this.options.digestSendAt);
      for (const subscription of await this.digests.owing(period, window.start, window.sendAtMs)) {
        const payload = await this.build(subscription, window);
        if (await this.digests.enqueue(subscription.id, window.start, payload.id, payload)) stored++;
      }
    }
    return stored;
  }

  private async build(s: DigestSubscription, w: DigestWindow): Promise<DigestPayload> {
    const [findings, previous, stillOpen] = await Promise.all([
      this.digests.findings(s.id, w.fromMs, w.toMs),
      this.digests.totals(s.id, w.previous.fromMs, w.previous.toMs),
      this.digests.stillOpen(s.id, w.toMs),
    ]);
    const totals: SavingsTotals = {
      findings: findings.length,
      kwh: round(findings.reduce((a, f) => a + f.kwh, 0), 3),
      eur: round(findings.reduce((a, f) => a + f.eur, 0), 3),
      kgco2: round(findings.reduce((a, f) => a + f.kgco2, 0), 3),
    };
    const before: SavingsTotals = { findings: previous.findings, kwh: round(previous.kwh, 3), eur: round(previous.eur, 3), kgco2: round(previous.kgco2, 3) };
    return {
      id: digestKey(s.id, w),
      event: 'digest',
      digest: {
        period: w.period,
        start: w.start,
        from: new Date(w.fromMs).toISOString(),
        to: new Date(w.toMs).toISOString(),
        tenant: s.tenant,
        tenantName: s.tenantName,
        totals,
        previous: before,
        trendPct: { kwh: change(totals.kwh, before.kwh), eur: change(totals.eur, before.eur), kgco2: change(totals.kgco2, before.kgco2) },
        findings: findings.slice(0, MAX_LISTED),
        unlisted: Math.max(0, findings.length - MAX_LISTED),
        stillOpen,
      },
    };
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
/** % change from the previous period; null when there was nothing to compare with. */
const change = (now: number, before: number) => (before > 0 ? round(((now - before) / before) * 100, 1) : null);
