import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { parisInstant } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { Field } from '../../app/components/field.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';
import { PeriodSwitch, periodRange } from '../devices/tenants.js';
import { figure, formatTimeOf, PeriodStatus } from './figures.js';

const ATMO = ['bon', 'moyen', 'dégradé', 'mauvais', 'très mauvais', 'extrêmement mauvais', 'indisponible'];

/** The report's four indicators: each a table of the answer's fields (a path), header and unit. */
const SECTIONS = [
  {
    id: 'objects',
    columns: [
      ['connected_objects.registered', 'report.registered'],
      ['connected_objects.ok', 'report.ok'],
      ['connected_objects.faulty', 'report.faulty'],
      ['connected_objects.offline', 'report.offline'],
    ],
  },
  {
    id: 'energy',
    columns: [
      ['energy.saved.kwh', 'report.savedKwh', 'kWh'],
      ['energy.saved.eur', 'report.savedEur', '€'],
      ['energy.saved.kgco2', 'report.savedCo2', 'kgCO2e'],
      ['energy.lighting.savings_pct', 'report.lightingPct', '%'],
      ['energy.heating.savings_pct', 'report.heatingPct', '%'],
      ['energy.findings.cleared', 'report.findings'],
    ],
  },
  {
    id: 'air',
    columns: [
      ['air.stations', 'air.stations'],
      ...ATMO.map((label) => [`air.classes.${label}`, `atmo.${label === 'indisponible' ? 0 : ATMO.indexOf(label) + 1}`]),
      ['air.exceedances.information', 'air.information'],
      ['air.exceedances.alert', 'air.alert'],
    ],
  },
  {
    id: 'parking',
    columns: [
      ['parking.occupancy_pct', 'parking.occupancyAll', '%'],
      ['parking.on_street.occupancy_pct', 'report.streetPct', '%'],
      ['parking.off_street.occupancy_pct', 'report.offStreetPct', '%'],
      ['parking.on_street.overstays', 'parking.overstays'],
      ['parking.on_street.saturated_h', 'parking.saturatedStreet', 'h'],
      ['parking.off_street.saturated_h', 'parking.saturatedOff', 'h'],
    ],
  },
];

const at = (object, path) => path.split('.').reduce((o, k) => o?.[k], object);

/**
 * `#/rapport`: the CDN's report (`GET /kpis/report`): connected objects now, energy saved,
 * air quality and parking congestion over a period, per EPCI and for the département, with
 * the same report as CSV. The download is a plain link to the API: a GET needs no CSRF
 * token, and the browser sends the session cookie with it.
 */
export default function ReportPage() {
  const [period, setPeriod] = useState('30d');
  const [range, setRange] = useState(() => periodRange('30d'));
  /** The heating savings' reference, Paris days (both or neither; the API's default: a year earlier). */
  const [reference, setReference] = useState({ from: '', to: '' });
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState('');
  const referenceQuery = referenceOf(reference);

  useEffect(() => {
    let live = true;
    setAnswer(null);
    const [from, to] = periodRange(period);
    setRange([from, to]);
    api.get(withQuery('kpis/report', { from, to, ...referenceQuery })).then(
      (body) => live && (setAnswer(body), setError('')),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [period, referenceQuery.reference_from, referenceQuery.reference_to]);

  const csv = `/api/v1/${withQuery('kpis/report', { from: range[0], to: range[1], ...referenceQuery, format: 'csv' })}`;
  const setDay = (key) => (event) => {
    const value = event.currentTarget.value;
    setReference((r) => ({ ...r, [key]: value }));
  };
  return html`
    <h1 tabindex="-1">${t('report.title')}</h1>
    <p class="hint">${t('report.intro')}</p>
    <div class="filters">
      <${PeriodSwitch} value=${period} onChange=${setPeriod} />
      <${Field} id="reference-from" label=${t('report.referenceFrom')} type="date" value=${reference.from} onChange=${setDay('from')} />
      <${Field} id="reference-to" label=${t('report.referenceTo')} hint=${t('report.referenceHint')} type="date" value=${reference.to} onChange=${setDay('to')} />
      <p class="download"><a href=${csv} download data-download="csv">${t('report.csv')}</a></p>
    </div>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    <${PeriodStatus} answer=${answer} error=${error} />
    ${answer && html`<p class="hint" data-reference>${t('report.reference', { from: formatTimeOf(answer.reference.from), to: formatTimeOf(answer.reference.to) })}</p>`}
    ${answer && SECTIONS.map((s) => html`<${Section} section=${s} answer=${answer} />`)}
  `;
}

/** `reference_from`/`reference_to` of two Paris days, the last one included; nothing unless both are set and in order. */
function referenceOf({ from, to }) {
  if (!from || !to || to < from) return {};
  const [y, m, d] = to.split('-').map(Number);
  const dayAfter = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { reference_from: new Date(parisInstant(from)).toISOString(), reference_to: new Date(parisInstant(dayAfter)).toISOString() };
}

function Section({ section, answer }) {
  const rows = [...answer.rows, answer.total];
  return html`
    <section aria-labelledby=${`report-${section.id}-title`}>
      <h2 id=${`report-${section.id}-title`}>${t(`report.${section.id}`)}</h2>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t(`report.${section.id}`)}>
        <table class="data" data-table=${section.id}>
          <thead><tr><th scope="col">${t('report.area')}</th>${section.columns.map(([, label, unit]) => html`<th scope="col">${t(label)}${unit ? ` (${unit})` : ''}</th>`)}</tr></thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr data-level=${r.level} data-group=${r.tenant ?? ''} class=${r === answer.total ? 'total' : undefined}>
                <th scope="row">${r === answer.total && r.level === 'total' ? t('kpi.total') : (r.name ?? r.tenant)}</th>
                ${section.columns.map(([path]) => html`<td data-field=${path}>${figure(at(r, path))}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>
  `;
}
