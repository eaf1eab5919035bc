import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, formatTime, t } from '../../app/i18n.js';

/** Rows of each dataset shown in its preview. */
const PREVIEW_ROWS = 5;

/** The three datasets (docs/API.md, "Open data") and their fields, in the API's column order. */
const DATASETS = [
  {
    id: 'streetlights',
    model: 'Streetlight',
    fields: ['tenant', 'commune', 'id', 'name', 'lat', 'lon', 'cabinet', 'status', 'power_state', 'illuminance_level', 'observed_at'],
  },
  {
    id: 'air-quality',
    model: 'AirQualityObserved',
    fields: ['tenant', 'commune', 'station', 'name', 'lat', 'lon', 'date', 'pm25_ugm3', 'pm10_ugm3', 'no2_ugm3', 'o3_ugm3', 'so2_ugm3', 'atmo_index', 'atmo_label'],
  },
  {
    id: 'car-parks',
    model: 'OffStreetParking',
    fields: ['tenant', 'commune', 'id', 'name', 'lat', 'lon', 'total_spots', 'occupied_spots', 'available_spots', 'occupancy', 'status', 'observed_at'],
  },
];

/** Fields whose meaning depends on the dataset have a key of their own; the others one shared key. */
const SPECIFIC = new Set(['id', 'name', 'status', 'observed_at']);
const fieldKey = (dataset, field) => (SPECIFIC.has(field) ? `opendata.field.${dataset}.${field}` : `opendata.field.${field}`);

const FORMATS = [
  { key: 'json', query: {} },
  { key: 'csv', query: { format: 'csv' } },
  { key: 'ngsi-ld', query: { format: 'ngsi-ld' } },
  { key: 'ngsi-ld-kv', query: { format: 'ngsi-ld', options: 'keyValues' } },
];

/**
 * `#/donnees-ouvertes`: the open datasets (`GET /opendata/…`): for each, a preview of its
 * first rows, its downloads in JSON, CSV and NGSI-LD (links to the API, which the session
 * cookie opens to every role) and what each field means. The public role's only page.
 */
export default function OpenDataPage() {
  return html`
    <h1 tabindex="-1">${t('opendata.title')}</h1>
    <p class="hint">${t('opendata.intro')}</p>
    <p class="hint">${t('opendata.paging')}</p>
    ${DATASETS.map((dataset) => html`<${Dataset} dataset=${dataset} />`)}
  `;
}

function Dataset({ dataset }) {
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    api.get(withQuery(`opendata/${dataset.id}`, { limit: PREVIEW_ROWS })).then(
      (body) => live && setAnswer(body),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [dataset.id]);
  const titleId = `dataset-${dataset.id}-title`;
  return html`
    <section class="panel" aria-labelledby=${titleId} data-dataset=${dataset.id}>
      <h2 id=${titleId}>${t(`opendata.${dataset.id}`)}</h2>
      <p>${t(`opendata.${dataset.id}.about`)}</p>
      <p class="hint">${t('opendata.model', { model: dataset.model })}</p>
      <h3>${t('opendata.downloads')}</h3>
      <ul class="downloads">
        ${FORMATS.map(
          (f) => html`<li><a href=${`/api/v1/${withQuery(`opendata/${dataset.id}`, f.query)}`} data-format=${f.key} type=${f.key === 'csv' ? 'text/csv' : f.key === 'json' ? 'application/json' : 'application/ld+json'}>${t(`opendata.format.${f.key}`)}</a></li>`,
        )}
      </ul>
      ${error && html`<div role="alert"><p>${error}</p></div>`}
      <p role="status" class="as-of">
        ${answer ? t('opendata.summary', { total: formatNumber(answer.total), shown: formatNumber(answer.rows.length), time: formatTime(answer.generatedAt), licence: answer.licence }) : error ? '' : t('app.loading')}
      </p>
      ${answer && answer.rows.length > 0 && html`<${Preview} dataset=${dataset} rows=${answer.rows} />`}
      ${answer && answer.rows.length === 0 && html`<p data-preview="empty">${t('opendata.noRows')}</p>`}
      <details class="fields">
        <summary>${t('opendata.fields')}</summary>
        <dl class="facts">
          ${dataset.fields.map((field) => html`<div><dt><code>${field}</code></dt><dd>${t(fieldKey(dataset.id, field))}</dd></div>`)}
        </dl>
      </details>
    </section>
  `;
}

function Preview({ dataset, rows }) {
  return html`
    <div class="table-wrap" tabindex="0" role="region" aria-label=${t(`opendata.${dataset.id}`)}>
      <table class="data preview" data-table=${dataset.id}>
        <caption>${t('opendata.preview', { n: rows.length })}</caption>
        <thead><tr>${dataset.fields.map((field) => html`<th scope="col"><code>${field}</code></th>`)}</tr></thead>
        <tbody>
          ${rows.map((row) => html`<tr>${dataset.fields.map((field) => html`<td>${row[field] === null || row[field] === undefined ? '—' : String(row[field])}</td>`)}</tr>`)}
        </tbody>
      </table>
    </div>
  `;
}
