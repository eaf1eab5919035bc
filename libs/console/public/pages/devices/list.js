import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';
import { TenantSelect, useTenants } from './tenants.js';

export const DOMAINS = ['lighting', 'heating', 'air', 'parking'];
export const DEVICE_TYPES = {
  lighting: ['lighting-controller', 'lighting-cabinet'],
  heating: ['boiler-room'],
  air: ['air-station', 'co2-sensor'],
  parking: ['parking-spot', 'car-park'],
};
const PAGE_SIZE = 50;
/** The API has no text search: a text filter reads this many devices at most and filters them here. */
const SEARCH_LIMIT = 1_000;

/** `#/equipements`: the devices the session sees, filtered and paged by the API. */
export default function DevicesPage() {
  const tenants = useTenants();
  const [filters, setFilters] = useState({ tenant: '', domain: '', type: '', text: '' });
  const [offset, setOffset] = useState(0);
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      load(filters, offset).then(
        (loaded) => live && (setResult(loaded), setError('')),
        (failure) => live && setError(unexpectedError(failure)),
      );
    }, filters.text ? 250 : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [filters, offset]);

  const set = (key) => (value) => {
    setOffset(0);
    setFilters((f) => ({ ...f, [key]: value, ...(key === 'domain' ? { type: '' } : {}) }));
  };
  const types = filters.domain ? DEVICE_TYPES[filters.domain] : Object.values(DEVICE_TYPES).flat();

  return html`
    <h1 tabindex="-1">${t('devices.title')}</h1>
    <form class="filters" onSubmit=${(e) => e.preventDefault()} role="search" aria-label=${t('devices.filters')}>
      <${TenantSelect} id="filter-tenant" tenants=${tenants} value=${filters.tenant} onChange=${set('tenant')} all />
      <div class="field">
        <label for="filter-domain">${t('devices.domain')}</label>
        <select id="filter-domain" value=${filters.domain} onChange=${(e) => set('domain')(e.currentTarget.value)}>
          <option value="">${t('devices.allDomains')}</option>
          ${DOMAINS.map((d) => html`<option value=${d}>${t(`domain.${d}`)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-type">${t('devices.type')}</label>
        <select id="filter-type" value=${filters.type} onChange=${(e) => set('type')(e.currentTarget.value)}>
          <option value="">${t('devices.allTypes')}</option>
          ${types.map((type) => html`<option value=${type}>${t(`deviceType.${type}`)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-text">${t('devices.text')}</label>
        <input id="filter-text" type="search" value=${filters.text} onInput=${(e) => set('text')(e.currentTarget.value)} />
      </div>
    </form>
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    <p role="status" class="count">
      ${!result ? t('app.loading') : t('devices.count', { n: result.total, from: result.total ? offset + 1 : 0, to: Math.min(offset + PAGE_SIZE, result.total) })}
      ${result?.capped ? ` ${t('devices.searchCapped', { n: SEARCH_LIMIT })}` : ''}
    </p>
    ${result && result.devices.length > 0 && html`<${DeviceTable} devices=${result.devices} />`}
    ${result && result.total > PAGE_SIZE &&
    html`<nav class="pager" aria-label=${t('devices.paging')}>
      <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE_SIZE))}>${t('devices.previous')}</button>
      <button type="button" disabled=${offset + PAGE_SIZE >= result.total} onClick=${() => setOffset(offset + PAGE_SIZE)}>${t('devices.next')}</button>
    </nav>`}
  `;
}

async function load({ tenant, domain, type, text }, offset) {
  const query = { tenant: tenant || undefined, domain: domain || undefined, type: type || undefined };
  if (!text.trim()) {
    const page = await api.get(withQuery('devices', { ...query, limit: PAGE_SIZE, offset }));
    return { total: page.total, devices: page.devices, capped: false };
  }
  const page = await api.get(withQuery('devices', { ...query, limit: SEARCH_LIMIT }));
  const needle = text.trim().toLowerCase();
  const found = page.devices.filter((d) => d.id.toLowerCase().includes(needle) || String(d.attributes?.name ?? '').toLowerCase().includes(needle));
  return { total: found.length, devices: found.slice(offset, offset + PAGE_SIZE), capped: page.total > SEARCH_LIMIT };
}

function DeviceTable({ devices }) {
  return html`
    <table class="data">
      <caption class="visually-hidden">${t('devices.title')}</caption>
      <thead>
        <tr>
          <th scope="col">${t('device.id')}</th>
          <th scope="col">${t('device.name')}</th>
          <th scope="col">${t('devices.type')}</th>
          <th scope="col">${t('scope.tenant')}</th>
          <th scope="col">${t('device.cabinet')}</th>
        </tr>
      </thead>
      <tbody>
        ${devices.map(
          (d) => html`<tr data-device=${d.id}>
            <td><a href=${`#/equipements/${encodeURIComponent(d.id)}`}>${d.id}</a></td>
            <td>${d.attributes?.name ?? ''}</td>
            <td>${t(`deviceType.${d.type}`)}${d.retiredAt ? ` (${t('device.retired')})` : ''}</td>
            <td>${d.tenant}</td>
            <td>${d.attributes?.cabinet ?? ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  `;
}
