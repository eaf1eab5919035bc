import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { Chart, parisInstant } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, formatTime, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';
import { PeriodSwitch, periodRange, useTenants } from '../devices/tenants.js';
import { figure, formatDay, KpiFilters, PeriodStatus } from '../report/figures.js';

/** The classes of the API's `classes`, in the index's order, "indisponible" last (index 0 here). */
const LABELS = ['bon', 'moyen', 'dégradé', 'mauvais', 'très mauvais', 'extrêmement mauvais', 'indisponible'];
const indexOfLabel = (label) => (label === 'indisponible' ? 0 : LABELS.indexOf(label) + 1);
/** Roles that may read alarms, hence the classrooms' CO2 findings (`access: tenant`). */
const ALARM_ROLES = ['operator', 'epci', 'commune'];

/**
 * `#/qualite-de-l-air`: the ATMO index of every Paris day per EPCI (or commune), with its
 * official colours and labels, the days per class, the information and alert threshold
 * exceedances (`GET /kpis/air-quality`), and the classrooms' CO2 findings (`co2_high`
 * alarms) for the roles that see alarms: the KPI holds no CO2 figure.
 */
export default function AirPage() {
  const { user } = useStore(session);
  const tenants = useTenants();
  const [tenant, setTenant] = useState('');
  const [by, setBy] = useState(user.role === 'commune' ? 'commune' : 'epci');
  const [period, setPeriod] = useState('7d');
  const [answer, setAnswer] = useState(null);
  const [co2, setCo2] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setAnswer(null);
    setCo2(null);
    const [from, to] = periodRange(period);
    const scope = { tenant: tenant || undefined };
    api.get(withQuery('kpis/air-quality', { from, to, ...scope, by })).then(
      (body) => live && (setAnswer(body), setError('')),
      (failure) => live && setError(unexpectedError(failure)),
    );
    if (ALARM_ROLES.includes(user.role)) {
      Promise.all([
        api.get(withQuery('alarms', { type: 'co2_high', ...scope, from, to, limit: 20 })),
        api.get(withQuery('alarms', { type: 'co2_high', ...scope, state: 'open', limit: 1 })),
      ]).then(
        ([period, open]) => live && setCo2({ period, open: open.total }),
        (failure) => live && setError(unexpectedError(failure)),
      );
    }
    return () => {
      live = false;
    };
  }, [tenant, by, period]);

  return html`
    <h1 tabindex="-1">${t('air.title')}</h1>
    <p class="hint">${t('air.intro')}</p>
    <${KpiFilters} user=${user} tenants=${tenants} tenant=${tenant} setTenant=${setTenant} by=${by} setBy=${setBy} byChoices=${['epci', 'commune', 'departement']} idPrefix="air">
      <${PeriodSwitch} value=${period} onChange=${setPeriod} />
    <//>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    <${PeriodStatus} answer=${answer} error=${error} />
    ${answer && html`<${AirReport} answer=${answer} />`}
    <section aria-labelledby="co2-title">
      <h2 id="co2-title">${t('air.co2Title')}</h2>
      ${ALARM_ROLES.includes(user.role) ? co2 && html`<${Co2Findings} co2=${co2} />` : html`<p class="hint" data-co2="none">${t('air.co2NotForRole')}</p>`}
    </section>
  `;
}

function AirReport({ answer }) {
  const groups = answer.groups;
  if (groups.length === 0) return html`<p data-air="empty">${t('air.none')}</p>`;
  const days = groups[0].days.map((d) => d.date);
  return html`
    <${Legend} />
    <section aria-labelledby="atmo-title">
      <h2 id="atmo-title">${t('air.atmoTitle')}</h2>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('air.atmoTitle')}>
        <table class="data atmo-days" data-table="atmo">
          <caption class="visually-hidden">${t('air.atmoCaption')}</caption>
          <thead><tr><th scope="col">${t(`kpi.by.${answer.by}`)}</th>${days.map((d) => html`<th scope="col"><time datetime=${d}>${formatDay(d)}</time></th>`)}</tr></thead>
          <tbody>
            ${groups.map(
              (g) => html`<tr data-group=${g.tenant}>
                <th scope="row">${g.name ?? g.tenant}</th>
                ${g.days.map(
                  (d) => html`<td class=${`atmo atmo-${d.index ?? 0}`} data-date=${d.date} data-index=${d.index ?? ''}>
                    <span aria-hidden="true">${d.index ?? '–'}</span>
                    <span class="visually-hidden">${formatDay(d.date, true)} : ${t(`atmo.${d.index ?? 0}`)}${d.responsible.length ? ` (${d.responsible.map((p) => t(`pollutant.${p}`)).join(', ')})` : ''}</span>
                  </td>`,
                )}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${days.length > 1 &&
      html`<${Chart}
        id="air-atmo"
        title=${t('air.chart')}
        yMin=${0}
        yMax=${6}
        from=${parisInstant(days[0], 0)}
        to=${parisInstant(days.at(-1), 23, 59)}
        series=${groups.slice(0, 5).map((g) => ({ label: g.name ?? g.tenant, points: g.days.map((d) => ({ t: parisInstant(d.date, 12), v: d.index })) }))}
      />`}
    </section>

    <section aria-labelledby="classes-title">
      <h2 id="classes-title">${t('air.classesTitle')}</h2>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('air.classesTitle')}>
        <table class="data" data-table="classes">
          <thead><tr><th scope="col">${t(`kpi.by.${answer.by}`)}</th><th scope="col">${t('air.stations')}</th>${LABELS.map((l) => html`<th scope="col">${t(`atmo.${indexOfLabel(l)}`)}</th>`)}</tr></thead>
          <tbody>
            ${[...groups, ...(groups.length > 1 ? [{ ...answer.total, tenant: '', name: t('kpi.total') }] : [])].map(
              (g) => html`<tr data-group=${g.tenant} class=${g.tenant === '' ? 'total' : undefined}>
                <th scope="row">${g.name ?? g.tenant}</th>
                <td data-field="stations">${formatNumber(g.stations)}</td>
                ${LABELS.map((l) => html`<td data-field=${`classes.${l}`}>${formatNumber(g.classes[l] ?? 0)}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>

    <section aria-labelledby="exceedances-title">
      <h2 id="exceedances-title">${t('air.exceedancesTitle')}</h2>
      <p class="hint">${t('air.exceedancesIntro')}</p>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('air.exceedancesTitle')}>
        <table class="data" data-table="exceedances">
          <thead><tr>
            <th scope="col">${t(`kpi.by.${answer.by}`)}</th><th scope="col">${t('air.information')}</th><th scope="col">${t('air.alert')}</th>
            <th scope="col">${t('air.exceedanceDays')}</th><th scope="col">${t('air.byPollutant')}</th>
          </tr></thead>
          <tbody>
            ${groups.map(
              (g) => html`<tr data-group=${g.tenant}>
                <th scope="row">${g.name ?? g.tenant}</th>
                <td data-field="information">${formatNumber(g.exceedances.information)}</td>
                <td data-field="alert">${formatNumber(g.exceedances.alert)}</td>
                <td data-field="days">${formatNumber(g.exceedances.days)}</td>
                <td data-field="by_pollutant">${Object.entries(g.exceedances.by_pollutant)
                  .map(([p, n]) => t('air.pollutantCounts', { pollutant: t(`pollutant.${p}`), information: n.information, alert: n.alert }))
                  .join(' ; ') || '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>
  `;
}

function Legend() {
  return html`
    <ul class="atmo-legend" aria-label=${t('air.legend')}>
      ${[1, 2, 3, 4, 5, 6, 0].map((i) => html`<li><span class=${`atmo atmo-${i}`} aria-hidden="true">${i || '–'}</span> ${t(`atmo.${i}`)}</li>`)}
    </ul>
  `;
}

function Co2Findings({ co2 }) {
  const { period, open } = co2;
  return html`
    <p class="hint">${t('air.co2Intro')}</p>
    <ul class="tiles">
      <li class="tile"><h3 class="tile-title">${t('air.co2Period')}</h3><p class="figure" data-kpi="co2-period">${formatNumber(period.total)}</p></li>
      <li class="tile"><h3 class="tile-title">${t('air.co2Open')}</h3><p class="figure" data-kpi="co2-open">${formatNumber(open)}</p></li>
    </ul>
    ${period.alarms.length === 0
      ? html`<p>${t('air.co2None')}</p>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('air.co2Caption')}><table class="data" data-table="co2">
          <caption class="visually-hidden">${t('air.co2Caption')}</caption>
          <thead><tr><th scope="col">${t('air.sensor')}</th><th scope="col">${t('scope.tenant')}</th><th scope="col">${t('air.raisedAt')}</th><th scope="col">${t('air.co2Value')}</th><th scope="col">${t('air.state')}</th></tr></thead>
          <tbody>
            ${period.alarms.map(
              (a) => html`<tr data-alarm=${a.id}>
                <td><a href=${`#/equipements/${encodeURIComponent(a.device)}`}>${a.device}</a></td>
                <td>${a.tenant}</td>
                <td>${formatTime(a.raisedAt)}</td>
                <td>${figure(a.value, 'ppm')}</td>
                <td><a href=${`#/alarmes/${a.id}`}>${t(`alarms.state.${a.state}`)}</a></td>
              </tr>`,
            )}
          </tbody>
        </table></div>`}
  `;
}
