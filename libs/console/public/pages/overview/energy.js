import { parisInstant } from '../../app/components/chart.js';
import { html } from '../../app/html.js';
import { formatNumber, t } from '../../app/i18n.js';

// Periods in Paris civil time for `GET /kpis/energy`, which covers whole hours that are
// over: today runs from Paris midnight, this month from the 1st, each to the last complete hour.

const HOUR_MS = 3_600_000;
const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The last complete hour's end (the KPIs stop there). */
export const lastCompleteHour = (now = Date.now()) => Math.floor(now / HOUR_MS) * HOUR_MS;

/** Today's date in Paris, `YYYY-MM-DD`. */
export const parisToday = (now = Date.now()) => parisDay.format(new Date(now));

/** `[from, to]` ISO of today (Paris) so far, or null before its first hour is over. */
export function todayRange(now = Date.now()) {
  return rangeOrNull(parisInstant(parisToday(now)), lastCompleteHour(now));
}

/** `[from, to]` ISO of this month (Paris) so far, or null before its first hour is over. */
export function monthRange(now = Date.now()) {
  return rangeOrNull(parisInstant(`${parisToday(now).slice(0, 7)}-01`), lastCompleteHour(now));
}

/**
 * The last `n` months (Paris), oldest first, each `{ month: 'YYYY-MM', from, to }`; the current
 * one runs to the last complete hour and is left out while none of it is over.
 */
export function lastMonths(n, now = Date.now()) {
  const [y, m] = parisToday(now).split('-').map(Number);
  const end = lastCompleteHour(now);
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(Date.UTC(y, m - 1 - i, 1));
    const next = new Date(Date.UTC(y, m - i, 1));
    const ymd = (d) => d.toISOString().slice(0, 10);
    const from = parisInstant(ymd(start));
    const to = Math.min(parisInstant(ymd(next)), end);
    if (to > from) out.push({ month: ymd(start).slice(0, 7), from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  }
  return out;
}

function rangeOrNull(from, to) {
  return to > from ? [new Date(from).toISOString(), new Date(to).toISOString()] : null;
}

/** True when the answer holds nothing measured: no tenant with luminaires, boiler rooms or findings. */
export const noEnergyData = (answer) => !answer || answer.groups.length === 0;

const kwh = (n) => `${formatNumber(n)} kWh`;
const eur = (n) => `${formatNumber(n)} €`;
const kg = (n) => `${formatNumber(n)} kgCO2e`;

/** One figure of a tile: its label, and the value under `data-kpi` for the tests. */
const Fact = ({ kpi, label, value }) => html`<div><dt>${label}</dt><dd data-kpi=${kpi}>${value}</dd></div>`;

/** Today's lighting against its full-power baseline (`answer.total.lighting`). */
export function EnergyToday({ answer }) {
  const l = answer.total.lighting;
  return html`
    <li class="tile energy-tile" data-tile="energy-today">
      <h3>${t('energy.today')}</h3>
      <p class="figure" data-kpi="energy-today-consumed">${kwh(l.consumed_kwh)}</p>
      <dl class="facts-small">
        <${Fact} kpi="energy-today-baseline" label=${t('energy.baseline')} value=${kwh(l.baseline_kwh)} />
        <${Fact} kpi="energy-today-savings" label=${t('energy.savings')} value=${kwh(l.savings.kwh)} />
        <${Fact} kpi="energy-today-savings-pct" label=${t('energy.savingsPct')} value=${l.savings_pct === null ? '—' : `${formatNumber(l.savings_pct)} %`} />
        <${Fact} kpi="energy-today-coverage" label=${t('energy.coverage')} value=${l.coverage_pct === null ? '—' : `${formatNumber(l.coverage_pct)} %`} />
      </dl>
      ${l.tenants_short_of_readings > 0 && html`<p class="hint">${t('energy.short', { n: l.tenants_short_of_readings })}</p>`}
    </li>
  `;
}

/** This month's metered savings (`total.saved`) and the findings cleared with what they wasted. */
export function SavingsMonth({ answer }) {
  const { saved, findings } = answer.total;
  return html`
    <li class="tile energy-tile" data-tile="savings-month">
      <h3>${t('energy.month')}</h3>
      <p class="figure" data-kpi="savings-month-kwh">${kwh(saved.kwh)}</p>
      <dl class="facts-small">
        <${Fact} kpi="savings-month-eur" label=${t('energy.eur')} value=${eur(saved.eur)} />
        <${Fact} kpi="savings-month-kgco2" label=${t('energy.co2')} value=${kg(saved.kgco2)} />
        <${Fact} kpi="findings-month-cleared" label=${t('energy.findings')} value=${formatNumber(findings.cleared)} />
        <${Fact} kpi="findings-month-kwh" label=${t('energy.findingsSavings')} value=${`${kwh(findings.savings.kwh)} · ${eur(findings.savings.eur)} · ${kg(findings.savings.kgco2)}`} />
      </dl>
    </li>
  `;
}

export const formatKwh = kwh;
export const formatEur = eur;
export const formatKg = kg;
