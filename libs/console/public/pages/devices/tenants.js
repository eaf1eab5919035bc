import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';

/**
 * The tenants the session sees (`GET /tenants`, scoped by the server), by name; `kind`
 * narrows them (the communes, for lighting programs). Null until loaded; [] on failure, the
 * pages then offer the session's own scope only.
 */
export function useTenants(kind) {
  const [tenants, setTenants] = useState(null);
  useEffect(() => {
    let live = true;
    api.get(withQuery('tenants', { kind })).then(
      (body) => live && setTenants([...body.tenants].sort((a, b) => a.name.localeCompare(b.name, 'fr'))),
      () => live && setTenants([]),
    );
    return () => {
      live = false;
    };
  }, [kind]);
  return tenants;
}

/** A labelled select of tenants; `all` adds a first choice for every tenant the session sees (value ''). */
export function TenantSelect({ id, label, tenants, value, onChange, all }) {
  return html`
    <div class="field">
      <label for=${id}>${label ?? t('scope.tenant')}</label>
      <select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
        ${all && html`<option value="">${t('scope.all')}</option>`}
        ${(tenants ?? []).map((tenant) => html`<option value=${tenant.id}>${tenant.name} (${tenant.id})</option>`)}
      </select>
    </div>
  `;
}

/** The periods the pages offer, newest last: 24 h, 7 days, 30 days up to now. */
export const PERIODS = [
  { key: '24h', ms: 86_400_000 },
  { key: '7d', ms: 7 * 86_400_000 },
  { key: '30d', ms: 30 * 86_400_000 },
];

/** Buttons choosing a period (`aria-pressed` on the chosen one). */
export function PeriodSwitch({ value, onChange }) {
  return html`
    <div class="switch" role="group" aria-label=${t('period.label')}>
      ${PERIODS.map(
        (p) => html`<button type="button" aria-pressed=${value === p.key ? 'true' : 'false'} onClick=${() => onChange(p.key)}>${t(`period.${p.key}`)}</button>`,
      )}
    </div>
  `;
}

/** `[from, to]` ISO instants of a period ending now. */
export function periodRange(key) {
  const to = Date.now();
  const span = PERIODS.find((p) => p.key === key)?.ms ?? PERIODS[0].ms;
  return [new Date(to - span).toISOString(), new Date(to).toISOString()];
}
