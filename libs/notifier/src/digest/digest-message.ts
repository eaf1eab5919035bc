import { ALARM_TYPES } from '@hv/rules';
import { escapeHtml } from '../alert-message';
import type { DigestPeriod } from './digest-period';
import type { DigestFinding, SavingsTotals } from './digest.repository';

/** The digest as stored with its delivery (the e-mail is rendered from it at each attempt). */
export interface DigestPayload {
  /** The idempotency key. */
  id: string;
  event: 'digest';
  digest: {
    period: DigestPeriod;
    /** First Paris day of the period, YYYY-MM-DD; `to` is the Paris midnight that ends it. */
    start: string;
    from: string;
    to: string;
    tenant: string;
    tenantName: string;
    totals: SavingsTotals;
    previous: SavingsTotals;
    /** Change from the previous period, % (null when the previous period saved nothing). */
    trendPct: { kwh: number | null; eur: number | null; kgco2: number | null };
    /** The findings that ended in the period, largest first, at most MAX_LISTED. */
    findings: DigestFinding[];
    /** Findings that ended in the period but are not listed (the totals count them). */
    unlisted: number;
    /** Findings still going on at the end of the period (no savings measured yet). */
    stillOpen: number;
  };
}

/** Findings listed in one e-mail; an EPCI's week may hold hundreds, the totals count them all. */
export const MAX_LISTED = 50;

const PERIOD_FR: Record<DigestPeriod, string> = { daily: 'quotidien', weekly: 'hebdomadaire' };

/** The digest's e-mail, in French for the collectivités, in text and HTML (values escaped). */
export function digestEmail(payload: DigestPayload): { subject: string; text: string; html: string } {
  const d = payload.digest;
  const span = d.period === 'daily' ? `journée du ${frDate(d.start)}` : `semaine du ${frDate(d.start)}`;
  const subject = `[Hyperviseur] Économies d'énergie, bilan ${PERIOD_FR[d.period]} : ${d.tenantName}, ${span}`;
  const summary: Array<[string, string]> = [
    ['Collectivité', `${d.tenantName} (${d.tenant})`],
    ['Période', `${span} (heure de Paris)`],
    ['Constats terminés', String(d.totals.findings)],
    ['Énergie économisable', `${num(d.totals.kwh, 1)} kWh${trend(d.trendPct.kwh, d.previous.kwh, 1, 'kWh')}`],
    ['Coût évitable', `${num(d.totals.eur, 2)} €${trend(d.trendPct.eur, d.previous.eur, 2, '€')}`],
    ['Émissions évitables', `${num(d.totals.kgco2, 1)} kgCO2e${trend(d.trendPct.kgco2, d.previous.kgco2, 1, 'kgCO2e')}`],
    ['Constats encore en cours', String(d.stillOpen)],
  ];
  const lines = d.findings.map((f) => ({
    what: `${ALARM_TYPES[f.type as keyof typeof ALARM_TYPES]?.title ?? f.type} (${f.type})`,
    where: `${f.device}, ${f.tenantName}`,
    when: `${f.since.slice(0, 16).replace('T', ' ')} → ${f.clearedAt.slice(0, 16).replace('T', ' ')} UTC`,
    saved: `${num(f.kwh, 1)} kWh, ${num(f.eur, 2)} €, ${num(f.kgco2, 1)} kgCO2e`,
  }));
  const more = d.unlisted > 0 ? `… et ${d.unlisted} autres constats (comptés dans les totaux).` : '';
  const none = d.findings.length === 0 ? 'Aucun constat terminé sur la période.' : '';

  const text = [
    subject,
    '',
    ...summary.map(([k, v]) => `${k} : ${v}`),
    '',
    ...(none ? [none] : ['Constats :', ...lines.map((l) => `- ${l.what} — ${l.where} — ${l.when} : ${l.saved}`)]),
    ...(more ? [more] : []),
    '',
    `Référence : ${payload.id}`,
    '',
  ].join('\n');
  const rows = summary.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const list = none
    ? `<p>${escapeHtml(none)}</p>`
    : `<table><tr><th>Constat</th><th>Équipement</th><th>Période</th><th>Économisable</th></tr>${lines.map((l) => `<tr><td>${escapeHtml(l.what)}</td><td>${escapeHtml(l.where)}</td><td>${escapeHtml(l.when)}</td><td>${escapeHtml(l.saved)}</td></tr>`).join('')}</table>`;
  const html = `<!doctype html><html><body><h1>${escapeHtml(subject)}</h1><table>${rows}</table>${list}${more ? `<p>${escapeHtml(more)}</p>` : ''}<p>Référence : ${escapeHtml(payload.id)}</p></body></html>`;
  return { subject, text, html };
}

/** French decimal comma, fixed digits. */
const num = (x: number, digits: number) => x.toFixed(digits).replace('.', ',');
const frDate = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

function trend(pct: number | null, previous: number, digits: number, unit: string): string {
  const before = `période précédente : ${num(previous, digits)} ${unit}`;
  if (pct === null) return ` (${before})`;
  return ` (${before}, ${pct > 0 ? '+' : ''}${num(pct, 0)} %)`;
}
