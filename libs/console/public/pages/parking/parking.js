import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';
import { PeriodSwitch, periodRange, useTenants } from '../devices/tenants.js';
import { figure, KpiFilters, PeriodStatus } from '../report/figures.js';

/** The columns of each table: the answer's field (a path), its header and unit. */
const ON_STREET = [
  ['on_street.spots', 'parking.spots'],
  ['on_street.occupancy_pct', 'parking.occupancy', '%'],
  ['on_street.arrivals', 'parking.arrivals'],
  ['on_street.rotation', 'parking.rotation'],
  ['on_street.mean_stay_min', 'parking.meanStay', 'min'],
  ['on_street.overstays', 'parking.overstays'],
  ['on_street.saturated_h', 'parking.saturated', 'h'],
];
const OFF_STREET = [
  ['off_street.car_parks', 'parking.carParks'],
  ['off_street.occupancy_pct', 'parking.occupancy', '%'],
  ['off_street.entries', 'parking.entries'],
  ['off_street.rotation', 'parking.rotation'],
  ['off_street.mean_stay_min', 'parking.meanStay', 'min'],
  ['off_street.saturated_h', 'parking.saturated', 'h'],
];
const TILES = [
  ['occupancy_pct', 'parking.occupancyAll', '%'],
  ['on_street.overstays', 'parking.overstays'],
  ['on_street.saturated_h', 'parking.saturatedStreet', 'h'],
  ['off_street.saturated_h', 'parking.saturatedOff', 'h'],
];

const at = (object, path) => path.split('.').reduce((o, k) => o?.[k], object);

/**
 * `#/stationnement`: occupancy, rotation, mean stay, overstays and saturated hours per
 * commune (or EPCI), on-street and in car parks (`GET /kpis/parking`). The KPI answers a
 * period's figures, not a series: tables, with the period's total first.
 */
export default function ParkingPage() {
  const { user } = useStore(session);
  const tenants = useTenants();
  const [tenant, setTenant] = useState('');
  const [by, setBy] = useState('commune');
  const [period, setPeriod] = useState('7d');
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setAnswer(null);
    const [from, to] = periodRange(period);
    api.get(withQuery('kpis/parking', { from, to, tenant: tenant || undefined, by })).then(
      (body) => live && (setAnswer(body), setError('')),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [tenant, by, period]);

  return html`
    <h1 tabindex="-1">${t('parking.title')}</h1>
    <p class="hint">${t('parking.intro')}</p>
    <${KpiFilters} user=${user} tenants=${tenants} tenant=${tenant} setTenant=${setTenant} by=${by} setBy=${setBy} byChoices=${['commune', 'epci', 'departement']} idPrefix="parking">
      <${PeriodSwitch} value=${period} onChange=${setPeriod} />
    <//>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    <${PeriodStatus} answer=${answer} error=${error} />
    ${answer && html`<${ParkingReport} answer=${answer} />`}
  `;
}

function ParkingReport({ answer }) {
  if (answer.groups.length === 0) return html`<p data-parking="empty">${t('parking.none')}</p>`;
  const rows = [...answer.groups, ...(answer.groups.length > 1 ? [{ ...answer.total, tenant: '', name: t('kpi.total') }] : [])];
  return html`
    <ul class="tiles">
      ${TILES.map(([path, label, unit]) => html`<li class="tile"><h2 class="tile-title">${t(label)}</h2><p class="figure" data-kpi=${path}>${figure(at(answer.total, path), unit)}</p></li>`)}
    </ul>
    <${Table} id="on-street" title=${t('parking.onStreet')} intro=${t('parking.onStreetIntro')} by=${answer.by} rows=${rows} columns=${ON_STREET} />
    <${Table} id="off-street" title=${t('parking.offStreet')} intro=${t('parking.offStreetIntro')} by=${answer.by} rows=${rows} columns=${OFF_STREET} />
    <p class="hint">${t('parking.definitions')}</p>
  `;
}

function Table({ id, title, intro, by, rows, columns }) {
  return html`
    <section aria-labelledby=${`${id}-title`}>
      <h2 id=${`${id}-title`}>${title}</h2>
      <p class="hint">${intro}</p>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${title}>
        <table class="data" data-table=${id}>
          <thead><tr><th scope="col">${t(`kpi.by.${by}`)}</th>${columns.map(([, label, unit]) => html`<th scope="col">${t(label)}${unit ? ` (${unit})` : ''}</th>`)}</tr></thead>
          <tbody>
            ${rows.map(
              (g) => html`<tr data-group=${g.tenant} class=${g.tenant === '' ? 'total' : undefined}>
                <th scope="row">${g.name ?? g.tenant}</th>
                ${columns.map(([path]) => html`<td data-field=${path}>${figure(at(g, path))}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>
  `;
}
