import { describe, expect, it } from 'vitest';
import { digestEmail, type DigestPayload } from './digest-message';

const payload = (over: Partial<DigestPayload['digest']> = {}): DigestPayload => ({
  id: 'hv-7-digest-weekly-2026-11-30',
  event: 'digest',
  digest: {
    period: 'weekly',
    start: '2026-11-30',
    from: '2026-11-29T23:00:00.000Z',
    to: '2026-12-06T23:00:00.000Z',
    tenant: '02408',
    tenantName: 'Laon <script>',
    totals: { findings: 2, kwh: 12.5, eur: 2.5, kgco2: 0.75 },
    previous: { findings: 1, kwh: 10, eur: 2, kgco2: 0.6 },
    trendPct: { kwh: 25, eur: 25, kgco2: 25 },
    findings: [
      { alarm: 1, tenant: '02408', tenantName: 'Laon', device: 'lc-02408-1', domain: 'lighting', type: 'lit_outside_program', since: '2026-12-01T22:00:00Z', clearedAt: '2026-12-02T04:00:00Z', kwh: 10, eur: 2, kgco2: 0.6 },
      { alarm: 2, tenant: '02408', tenantName: 'Laon', device: 'br-02408-1', domain: 'heating', type: 'unoccupied_heating', since: '2026-12-05T18:00:00Z', clearedAt: '2026-12-06T06:00:00Z', kwh: 2.5, eur: 0.5, kgco2: 0.15 },
    ],
    unlisted: 0,
    stillOpen: 1,
    ...over,
  },
});

describe('digest e-mail', () => {
  it('states the period, the totals with the trend against the previous period, and each finding', () => {
    const mail = digestEmail(payload());
    expect(mail.subject).toBe('[Hyperviseur] Économies d\'énergie, bilan hebdomadaire : Laon <script>, semaine du 30/11/2026');
    expect(mail.text).toContain('Énergie économisable : 12,5 kWh (période précédente : 10,0 kWh, +25 %)');
    expect(mail.text).toContain('Coût évitable : 2,50 € (période précédente : 2,00 €, +25 %)');
    expect(mail.text).toContain('Constats encore en cours : 1');
    expect(mail.text).toContain('- Lit while the program says off (lit_outside_program) — lc-02408-1, Laon — 2026-12-01 22:00 → 2026-12-02 04:00 UTC : 10,0 kWh, 2,00 €, 0,6 kgCO2e');
    expect(mail.text).toContain('Référence : hv-7-digest-weekly-2026-11-30');
  });

  it('escapes what the collectivités typed in the HTML part', () => {
    const html = digestEmail(payload()).html;
    expect(html).not.toContain('<script>');
    expect(html).toContain('Laon &lt;script&gt;');
  });

  it('says so when nothing ended in the period, and gives no trend when the previous period saved nothing', () => {
    const mail = digestEmail(payload({ findings: [], totals: { findings: 0, kwh: 0, eur: 0, kgco2: 0 }, previous: { findings: 0, kwh: 0, eur: 0, kgco2: 0 }, trendPct: { kwh: null, eur: null, kgco2: null } }));
    expect(mail.text).toContain('Aucun constat terminé sur la période.');
    expect(mail.text).toContain('Énergie économisable : 0,0 kWh (période précédente : 0,0 kWh)');
  });
});
