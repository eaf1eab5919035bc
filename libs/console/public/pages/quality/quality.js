import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { Chart } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, formatTime, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';
import { PeriodSwitch, periodRange, TenantSelect, useTenants } from '../devices/tenants.js';

/**
 * `#/qualite-des-donnees`: whether a collectivité's data can be trusted over a period, from
 * `GET /data-quality`: uplinks received and lost per hour, loss rate, the devices losing
 * most, refusals by reason, silent devices and ingest's lag.
 */
export default function QualityPage() {
  const { user } = useStore(session);
  const tenants = useTenants();
  const [tenant, setTenant] = useState('');
  const [period, setPeriod] = useState('24h');
  const [report, setReport] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setReport(null);
    const [from, to] = periodRange(period);
    api.get(withQuery('data-quality', { tenant: tenant || undefined, from, to })).then(
      (body) => live && (setReport(body), setError('')),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [tenant, period]);

  return html`
    <h1 tabindex="-1">${t('quality.title')}</h1>
    <p class="hint">${t('quality.intro')}</p>
    <div class="filters">
      ${user.role !== 'commune' && html`<${TenantSelect} id="quality-tenant" tenants=${tenants} value=${tenant} onChange=${setTenant} all />`}
      <${PeriodSwitch} value=${period} onChange=${setPeriod} />
    </div>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    <p role="status" class="as-of">${report ? t('quality.period', { from: formatTime(report.from), to: formatTime(report.to) }) : error ? '' : t('app.loading')}</p>
    ${report && html`<${Report} report=${report} />`}
  `;
}

function Report({ report }) {
  const sum = (key) => report.tenants.reduce((n, q) => n + q[key], 0);
  const received = sum('received');
  const lost = sum('lost');
  const expected = sum('expected');
  // The API's own rounding (% to 0.01), so that one tenant's figure is the API's.
  const lossPct = expected > 0 ? Math.round((lost / expected) * 10_000) / 100 : null;
  const rejects = merge(report.tenants.flatMap((q) => q.rejects), 'reason', 'count');
  const lossiest = report.tenants.flatMap((q) => q.lossiest).sort((a, b) => b.lost - a.lost).slice(0, 20);
  const silent = report.tenants.flatMap((q) => q.silent).sort((a, b) => a.since.localeCompare(b.since));
  const figures = [
    ['received', formatNumber(received)],
    ['lost', formatNumber(lost)],
    ['loss-rate', lossPct === null ? '—' : `${formatNumber(lossPct)} %`],
    ['duplicates', formatNumber(sum('duplicates'))],
    ['resets', formatNumber(sum('resets'))],
    ['silent', formatNumber(silent.length)],
    ['lag', report.ingest.lagMaxMs === null ? '—' : `${formatNumber(report.ingest.lagMaxMs)} ms`],
  ];
  return html`
    <ul class="tiles">
      ${figures.map(([key, value]) => html`<li class="tile"><h2 class="tile-title">${t(`quality.${key}`)}</h2><p class="figure" data-kpi=${key}>${value}</p></li>`)}
    </ul>
    ${report.unregisteredRejects !== undefined && html`<p>${t('quality.unregistered', { n: report.unregisteredRejects })}</p>`}

    <section aria-labelledby="uplinks-title">
      <h2 id="uplinks-title">${t('quality.uplinks')}</h2>
      ${report.hours.length === 0
        ? html`<p>${t('quality.noUplinks')}</p>`
        : html`<${Chart}
            id="quality-uplinks"
            title=${t('quality.uplinksChart')}
            unit=${t('quality.perHour')}
            from=${report.from}
            to=${report.to}
            series=${[
              { label: t('quality.receivedSeries'), points: report.hours.map((h) => ({ t: h.time, v: h.received })) },
              { label: t('quality.lostSeries'), points: report.hours.map((h) => ({ t: h.time, v: h.lost })) },
            ]}
          />`}
    </section>

    ${report.tenants.length > 1 &&
    html`<section aria-labelledby="tenants-title">
      <h2 id="tenants-title">${t('quality.byTenant')}</h2>
      <table class="data">
        <thead><tr>
          <th scope="col">${t('scope.tenant')}</th><th scope="col">${t('quality.received')}</th><th scope="col">${t('quality.lost')}</th>
          <th scope="col">${t('quality.loss-rate')}</th><th scope="col">${t('quality.rejected')}</th><th scope="col">${t('quality.silent')}</th>
        </tr></thead>
        <tbody>
          ${report.tenants.map(
            (q) => html`<tr data-tenant=${q.tenant}>
              <th scope="row">${q.tenant}</th><td>${formatNumber(q.received)}</td><td>${formatNumber(q.lost)}</td>
              <td>${q.lossPct === null ? '—' : `${formatNumber(q.lossPct)} %`}</td>
              <td>${formatNumber(q.rejects.reduce((n, r) => n + r.count, 0))}</td><td>${formatNumber(q.silent.length)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`}

    <div class="columns">
      <section aria-labelledby="lossiest-title">
        <h2 id="lossiest-title">${t('quality.lossiest')}</h2>
        ${lossiest.length === 0
          ? html`<p>${t('quality.noLoss')}</p>`
          : html`<table class="data" data-table="lossiest">
              <thead><tr><th scope="col">${t('device.id')}</th><th scope="col">${t('quality.lost')}</th></tr></thead>
              <tbody>${lossiest.map((d) => html`<tr><td><a href=${`#/equipements/${encodeURIComponent(d.device)}`}>${d.device}</a></td><td>${formatNumber(d.lost)}</td></tr>`)}</tbody>
            </table>`}
      </section>
      <section aria-labelledby="rejects-title">
        <h2 id="rejects-title">${t('quality.rejects')}</h2>
        ${rejects.length === 0
          ? html`<p>${t('quality.noRejects')}</p>`
          : html`<table class="data" data-table="rejects">
              <thead><tr><th scope="col">${t('quality.reason')}</th><th scope="col">${t('quality.count')}</th></tr></thead>
              <tbody>${rejects.map((r) => html`<tr><td><code>${r.reason}</code></td><td>${formatNumber(r.count)}</td></tr>`)}</tbody>
            </table>`}
      </section>
    </div>

    <section aria-labelledby="silent-title">
      <h2 id="silent-title">${t('quality.silentTitle')}</h2>
      ${silent.length === 0
        ? html`<p>${t('quality.noSilent')}</p>`
        : html`<ul data-list="silent">${silent.map((s) => html`<li><a href=${`#/equipements/${encodeURIComponent(s.device)}`}>${s.device}</a> · ${t('device.since', { time: formatTime(s.since) })}</li>`)}</ul>`}
    </section>

    <section aria-labelledby="lag-title">
      <h2 id="lag-title">${t('quality.lagTitle')}</h2>
      <p class="hint">${t('quality.lagIntro')}</p>
      ${report.ingest.hours.length > 0 &&
      html`<${Chart}
        id="quality-lag"
        title=${t('quality.lagChart')}
        unit="ms"
        from=${report.from}
        to=${report.to}
        series=${[{ label: t('quality.lag'), points: report.ingest.hours.map((h) => ({ t: h.time, v: h.lagMaxMs })) }]}
      />`}
    </section>
  `;
}

/** Rows of several tenants summed by `key` (a refusal reason), the largest first. */
function merge(rows, key, value) {
  const sums = new Map();
  for (const row of rows) sums.set(row[key], (sums.get(row[key]) ?? 0) + row[value]);
  return [...sums].map(([k, v]) => ({ [key]: k, [value]: v })).sort((a, b) => b[value] - a[value]);
}
