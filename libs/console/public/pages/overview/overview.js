import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, formatTime, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';

/** The alarm severities, most serious first (the rules' SEVERITIES, reversed). */
const SEVERITIES = ['critical', 'major', 'minor', 'info'];
/** Roles whose access admits alarms (`tenant` routes); the CDN sees counts only. */
const ALARM_ROLES = ['operator', 'epci', 'commune'];
const DEVICE_STATES = ['ok', 'faulty', 'offline'];

/**
 * `#/`: the user's connected objects by domain and state, and the active alarms by
 * severity; the server scopes both to what the session may see.
 */
export default function OverviewPage() {
  const { user, tenantName } = useStore(session);
  const [data, setData] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    loadOverview(user.role).then(
      (loaded) => live && setData(loaded),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [user]);

  return html`
    <h1 tabindex="-1">${t('overview.title')}</h1>
    <p class="scope">${user.tenant ? (tenantName ?? user.tenant) : t('overview.wholeTerritory')}</p>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    ${!data && !error && html`<p role="status">${t('app.loading')}</p>`}
    ${data && html`<${DeviceTiles} objects=${data.objects} />`}
    ${data?.alarms && html`<${AlarmTiles} counts=${data.alarms} />`}
  `;
}

async function loadOverview(role) {
  const objects = api.get(withQuery('kpis/connected-objects', { by: 'departement' }));
  const alarms = ALARM_ROLES.includes(role)
    ? Promise.all(SEVERITIES.map((severity) => api.get(withQuery('alarms', { state: 'active', severity, limit: 1 })).then((page) => [severity, page.total])))
    : Promise.resolve(null);
  const [o, a] = await Promise.all([objects, alarms]);
  return { objects: o, alarms: a && Object.fromEntries(a) };
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
                      <dd>${formatNumber(domain[state])}</dd>
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
