import { html } from '../../app/html.js';
import { formatNumber, language, t } from '../../app/i18n.js';
import { TenantSelect } from '../devices/tenants.js';

/** A KPI figure as the pages print it: '—' for null (nothing to measure), a unit after the number. */
export function figure(value, unit) {
  if (value === null || value === undefined) return '—';
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

/** A Paris day `YYYY-MM-DD`, short (`lun. 7 déc.`): the day itself, whatever the browser's zone. */
export function formatDay(date, long = false) {
  const options = long ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } : { weekday: 'short', day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(language.get(), { ...options, timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** The groupings a KPI answers by, as a labelled select. */
export function GroupingSelect({ id, value, onChange, choices }) {
  return html`
    <div class="field">
      <label for=${id}>${t('kpi.by')}</label>
      <select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
        ${choices.map((c) => html`<option value=${c}>${t(`kpi.by.${c}`)}</option>`)}
      </select>
    </div>
  `;
}

/**
 * The filters of a KPI page: a tenant (not for a commune's person, who has one), a grouping
 * and a period; the commune's person gets its commune's figures only, as the API scopes them.
 */
export function KpiFilters({ user, tenants, tenant, setTenant, by, setBy, byChoices, idPrefix, children }) {
  return html`
    <div class="filters">
      ${user.role !== 'commune' && html`<${TenantSelect} id=${`${idPrefix}-tenant`} tenants=${tenants} value=${tenant} onChange=${setTenant} all />`}
      ${user.role !== 'commune' && byChoices && html`<${GroupingSelect} id=${`${idPrefix}-by`} value=${by} onChange=${setBy} choices=${byChoices} />`}
      ${children}
    </div>
  `;
}

/** "Du … au …" of an answer's period, in the status region that tells when it changes. */
export function PeriodStatus({ answer, error }) {
  return html`<p role="status" class="as-of">${answer ? t('kpi.period', { from: formatTimeOf(answer.period.from), to: formatTimeOf(answer.period.to) }) : error ? '' : t('app.loading')}</p>`;
}

/** An instant in Paris civil time, date and time (the KPIs' periods are Paris days and hours). */
export function formatTimeOf(iso) {
  return new Intl.DateTimeFormat(language.get(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(iso));
}
