import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { formatParis } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, formatTime, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';
import { TenantSelect, useTenants } from '../devices/tenants.js';
import { EnergyToday, monthRange, noEnergyData, SavingsMonth, todayRange } from './energy.js';
import { CommuneTable, DeviceMap } from './map.js';

/** The alarm severities, most serious first (the rules' SEVERITIES, reversed). */
const SEVERITIES = ['critical', 'major', 'minor', 'info'];
/** Roles whose access admits alarms and devices (`tenant` routes); the CDN sees counts only. */
const TENANT_ROLES = ['operator', 'epci', 'commune'];
const DEVICE_STATES = ['ok', 'faulty', 'offline'];

/**
 * `#/`: the user's devices on a map, its connected objects by domain and state, the active
 * alarms by severity, today's lighting energy against its baseline and this month's
 * savings; a commune chosen (selector, map or its table) narrows every figure. The server
 * scopes everything to what the session may see.
 */
export default function OverviewPage() {
  const { user, tenantName } = useStore(session);
  const isCommune = user.role === 'commune';
  const communes = useTenants(isCommune ? null : 'commune');
  const [chosen, setChosen] = useState('');
  // The tenant every figure is asked for: the chosen commune, else the session's whole scope.
  const tenant = chosen || undefined;
  const mapTenant = isCommune ? user.tenant : chosen;
  const canSeeDevices = TENANT_ROLES.includes(user.role);

  const counts = useLoad(() => loadCounts(user.role, tenant), [user, tenant]);
  // The map keeps the whole scope around a chosen commune, which it zooms onto and draws device by device.
  const map = useLoad(() => api.get('map/communes'), [user]);
  const devices = useLoad(() => (mapTenant && canSeeDevices ? api.get(withQuery('map/devices', { tenant: mapTenant })) : Promise.resolve(null)), [user, mapTenant]);
  const energy = useLoad(() => loadEnergy(tenant), [user, tenant]);
  const chosenName = chosen && (communes ?? []).find((c) => c.id === chosen)?.name;

  return html`
    <h1 tabindex="-1">${t('overview.title')}</h1>
    <p class="scope">${user.tenant ? (tenantName ?? user.tenant) : t('overview.wholeTerritory')}</p>
    ${!isCommune &&
    html`<div class="filters">
      <${TenantSelect} id="overview-commune" label=${t('scope.commune')} tenants=${communes} value=${chosen} onChange=${setChosen} all />
    </div>`}
    <p class="visually-hidden" aria-live="polite">${chosen ? t('overview.narrowed', { name: chosenName ?? chosen }) : ''}</p>
    ${counts.error && html`<div role="alert"><p>${counts.error}</p></div>`}
    ${!counts.data && !counts.error && html`<p role="status">${t('app.loading')}</p>`}
    ${counts.data && html`<${DeviceTiles} objects=${counts.data.objects} />`}
    ${counts.data?.alarms && html`<${AlarmTiles} counts=${counts.data.alarms} />`}
    <${EnergySection} energy=${energy} />
    <section aria-labelledby="map-title">
      <h2 id="map-title">${t('map.title')}</h2>
      ${(map.error || devices.error) && html`<div role="alert"><p>${map.error || devices.error}</p></div>`}
      ${!map.data && !map.error && html`<p role="status">${t('app.loading')}</p>`}
      ${map.data &&
      (map.data.communes.length === 0
        ? html`<p>${t('map.empty')}</p>`
        : html`
            <${DeviceMap}
              communes=${map.data.communes}
              devices=${devices.data?.devices ?? null}
              truncated=${devices.data?.truncated}
              chosen=${mapTenant}
              onChoose=${isCommune ? () => {} : setChosen}
            />
            <${CommuneTable} communes=${map.data.communes} chosen=${mapTenant} onChoose=${isCommune ? () => {} : setChosen} />
          `)}
    </section>
  `;
}

/** `{data, error}` of a promise made again when `deps` change; the data kept until the next answer. */
function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: '' }),
      (failure) => live && setState({ data: null, error: unexpectedError(failure) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}

async function loadCounts(role, tenant) {
  const objects = api.get(withQuery('kpis/connected-objects', { by: 'departement', tenant }));
  const alarms = TENANT_ROLES.includes(role)
    ? Promise.all(SEVERITIES.map((severity) => api.get(withQuery('alarms', { state: 'active', severity, tenant, limit: 1 })).then((page) => [severity, page.total])))
    : Promise.resolve(null);
  const [o, a] = await Promise.all([objects, alarms]);
  return { objects: o, alarms: a && Object.fromEntries(a) };
}

/** Today's and this month's energy, each null while none of its hours is over. */
async function loadEnergy(tenant) {
  const ask = (range) => (range ? api.get(withQuery('kpis/energy', { from: range[0], to: range[1], tenant })) : Promise.resolve(null));
  const [today, month] = await Promise.all([ask(todayRange()), ask(monthRange())]);
  return { today, month };
}

function EnergySection({ energy }) {
  const { data, error } = energy;
  return html`
    <section aria-labelledby="energy-title">
      <h2 id="energy-title">${t('energy.title')}</h2>
      ${error && html`<div role="alert"><p>${error}</p></div>`}
      ${!data && !error && html`<p role="status">${t('app.loading')}</p>`}
      ${data &&
      html`<ul class="tiles">
        ${noEnergyData(data.today)
          ? html`<li class="tile" data-tile="energy-today"><h3>${t('energy.today')}</h3><p data-kpi="energy-today-none">${t('energy.none')}</p></li>`
          : html`<${EnergyToday} answer=${data.today} />`}
        ${noEnergyData(data.month)
          ? html`<li class="tile" data-tile="savings-month"><h3>${t('energy.month')}</h3><p data-kpi="savings-month-none">${t('energy.none')}</p></li>`
          : html`<${SavingsMonth} answer=${data.month} />`}
      </ul>
      ${data.month && html`<p class="as-of">${t('energy.period', { from: formatParis(Date.parse(data.month.period.from)), to: formatParis(Date.parse(data.month.period.to)) })} <a href="#/economies">${t('energy.more')}</a></p>`}`}
    </section>
  `;
}

function DeviceTiles({ objects }) {
  const total = objects.totals.reduce((sum, domain) => sum + domain.registered, 0);
  return html`
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">${t('overview.devices')}</h2>
      <p class="lead">
        <span class="figure" data-kpi="devices-total">${formatNumber(total)}</span> ${t('overview.devicesTotal', { n: total })}${' '}
        <span class="as-of">${t('overview.asOf', { time: formatTime(objects.asOf) })}</span>
      </p>
      ${objects.totals.length === 0 && html`<p>${t('overview.noDevices')}</p>`}
      <ul class="tiles">
        ${objects.totals.map(
          (domain) => html`
            <li class="tile" data-domain=${domain.domain}>
              <h3>${t(`domain.${domain.domain}`)}</h3>
              <p class="figure" data-kpi=${`devices-${domain.domain}`}>${formatNumber(domain.registered)}</p>
              <dl class="states">
                ${DEVICE_STATES.map(
                  (state) => html`
                    <div class=${`state state-${state}`}>
                      <dt>${t(`deviceState.${state}`)}</dt>
                      <dd data-kpi=${`devices-${domain.domain}-${state}`}>${formatNumber(domain[state])}</dd>
                    </div>
                  `,
                )}
              </dl>
            </li>
          `,
        )}
      </ul>
    </section>
  `;
}

function AlarmTiles({ counts }) {
  return html`
    <section aria-labelledby="alarms-title">
      <h2 id="alarms-title">${t('overview.alarms')}</h2>
      <ul class="tiles">
        ${SEVERITIES.map(
          (severity) => html`
            <li class=${`tile severity severity-${severity}`}>
              <h3>${t(`severity.${severity}`)}</h3>
              <p class="figure" data-kpi=${`alarms-${severity}`}>${formatNumber(counts[severity])}</p>
            </li>
          `,
        )}
      </ul>
    </section>
  `;
}
