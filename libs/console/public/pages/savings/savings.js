import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { Chart, formatParis } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';
import { TenantSelect, useTenants } from '../devices/tenants.js';
import { formatEur, formatKg, formatKwh, lastMonths } from '../overview/energy.js';

/** The periods offered, in months back from this one (this one included). */
export const MONTH_CHOICES = [3, 6, 12];
const GROUPINGS = ['commune', 'epci'];

/**
 * `#/economies`: the energy saved month by month over the last months, per commune or
 * EPCI, from `GET /kpis/energy` asked once per month (Paris): the metered savings of
 * lighting and heating (`saved`) and the findings cleared with the energy they wasted
 * (`findings`), in kWh, € and kgCO2e; the chart shows their trend, the table the period's
 * sums per group.
 */
export default function SavingsPage() {
  const { user } = useStore(session);
  const tenants = useTenants();
  const [tenant, setTenant] = useState('');
  const [months, setMonths] = useState(12);
  const [by, setBy] = useState('commune');
  const [answers, setAnswers] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setAnswers(null);
    const periods = lastMonths(months);
    Promise.all(periods.map((p) => api.get(withQuery('kpis/energy', { from: p.from, to: p.to, by, tenant: tenant || undefined })).then((answer) => ({ ...p, answer })))).then(
      (loaded) => live && (setAnswers(loaded), setError('')),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [tenant, months, by]);

  return html`
    <h1 tabindex="-1">${t('savings.title')}</h1>
    <p class="hint">${t('savings.intro')}</p>
    <div class="filters">
      ${user.role !== 'commune' && html`<${TenantSelect} id="savings-tenant" tenants=${tenants} value=${tenant} onChange=${setTenant} all />`}
      <div class="switch" role="group" aria-label=${t('period.label')}>
        ${MONTH_CHOICES.map((n) => html`<button type="button" aria-pressed=${months === n ? 'true' : 'false'} onClick=${() => setMonths(n)}>${t('savings.months', { n })}</button>`)}
      </div>
      ${user.role !== 'commune' &&
      html`<div class="switch" role="group" aria-label=${t('savings.by')}>
        ${GROUPINGS.map((g) => html`<button type="button" aria-pressed=${by === g ? 'true' : 'false'} onClick=${() => setBy(g)}>${t(`savings.by.${g}`)}</button>`)}
      </div>`}
    </div>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    <p role="status" class="as-of">${answers ? periodText(answers) : error ? '' : t('app.loading')}</p>
    ${answers && html`<${Report} answers=${answers} by=${by} />`}
  `;
}

function periodText(answers) {
  if (!answers.length) return t('energy.none');
  const fmt = (iso) => formatParis(Date.parse(iso));
  return t('energy.period', { from: fmt(answers[0].answer.period.from), to: fmt(answers.at(-1).answer.period.to) });
}

const zero = () => ({ kwh: 0, eur: 0, kgco2: 0 });
const add = (into, s) => ((into.kwh += s.kwh), (into.eur += s.eur), (into.kgco2 += s.kgco2), into);

/** The months' answers summed: the period's total and each group's, in the API's groups' order of first appearance. */
export function summed(answers) {
  const total = { saved: zero(), findings: zero(), cleared: 0 };
  const groups = new Map();
  for (const { answer } of answers) {
    add(total.saved, answer.total.saved);
    add(total.findings, answer.total.findings.savings);
    total.cleared += answer.total.findings.cleared;
    for (const g of answer.groups) {
      const row = groups.get(g.tenant) ?? groups.set(g.tenant, { tenant: g.tenant, name: g.name, saved: zero(), findings: zero(), cleared: 0 }).get(g.tenant);
      add(row.saved, g.saved);
      add(row.findings, g.findings.savings);
      row.cleared += g.findings.cleared;
    }
  }
  return { total, groups: [...groups.values()].sort((a, b) => b.saved.kwh + b.findings.kwh - (a.saved.kwh + a.findings.kwh) || a.name.localeCompare(b.name, 'fr')) };
}

function Report({ answers, by }) {
  const { total, groups } = summed(answers);
  const tiles = [
    ['saved-kwh', t('savings.saved'), formatKwh(total.saved.kwh)],
    ['saved-eur', t('energy.eur'), formatEur(total.saved.eur)],
    ['saved-kgco2', t('energy.co2'), formatKg(total.saved.kgco2)],
    ['findings-cleared', t('energy.findings'), formatNumber(total.cleared)],
    ['findings-kwh', t('savings.findingsKwh'), formatKwh(total.findings.kwh)],
    ['findings-eur', t('savings.findingsEur'), formatEur(total.findings.eur)],
    ['findings-kgco2', t('savings.findingsCo2'), formatKg(total.findings.kgco2)],
  ];
  const point = (a, v) => ({ t: a.from, v });
  return html`
    <ul class="tiles">
      ${tiles.map(([key, label, value]) => html`<li class="tile"><h2 class="tile-title">${label}</h2><p class="figure" data-kpi=${key}>${value}</p></li>`)}
    </ul>
    <section aria-labelledby="trend-title">
      <h2 id="trend-title">${t('savings.trend')}</h2>
      <${Chart}
        id="savings-monthly"
        title=${t('savings.chart')}
        unit="kWh"
        from=${answers[0].from}
        to=${answers.at(-1).from}
        series=${[
          { label: t('savings.savedSeries'), points: answers.map((a) => point(a, a.answer.total.saved.kwh)) },
          { label: t('savings.findingsSeries'), points: answers.map((a) => point(a, a.answer.total.findings.savings.kwh)) },
        ]}
      />
    </section>
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">${t(`savings.groups.${by}`)}</h2>
      ${groups.length === 0
        ? html`<p>${t('energy.none')}</p>`
        : html`<table class="data" data-table="savings-groups">
            <thead><tr>
              <th scope="col">${t(`savings.by.${by}`)}</th>
              <th scope="col">${t('savings.saved')}</th><th scope="col">${t('energy.eur')}</th><th scope="col">${t('energy.co2')}</th>
              <th scope="col">${t('energy.findings')}</th><th scope="col">${t('savings.findingsKwh')}</th><th scope="col">${t('savings.findingsEur')}</th><th scope="col">${t('savings.findingsCo2')}</th>
            </tr></thead>
            <tbody>
              ${groups.map(
                (g) => html`<tr data-tenant=${g.tenant}>
                  <th scope="row">${g.name}</th>
                  <td>${formatKwh(g.saved.kwh)}</td><td>${formatEur(g.saved.eur)}</td><td>${formatKg(g.saved.kgco2)}</td>
                  <td>${formatNumber(g.cleared)}</td><td>${formatKwh(g.findings.kwh)}</td><td>${formatEur(g.findings.eur)}</td><td>${formatKg(g.findings.kgco2)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>
  `;
}
