import { useEffect, useState } from 'preact/hooks';
import { html } from '../../app/html.js';
import { formatNumber, t } from '../../app/i18n.js';

// The map of the user's devices, drawn in SVG with no library and no tiles (every asset
// from the app): an equirectangular projection with the longitudes scaled by cos(latitude),
// right for one département. The territory is one circle per commune (`GET /map/communes`:
// ≈ 800 for the Aisne), sized by its device count and coloured by the share of its devices
// that are faulty or offline; a chosen commune adds its devices (`GET /map/devices`) as dots
// coloured by state. Keyboard: the zoom buttons and arrow keys on the map; the table under
// it is the text alternative, each commune a button that chooses it.

const W = 640;
const H = 480;
const PAD = 24;
/** Above this share of faulty or offline devices (%) a commune is drawn as many in trouble. */
const MANY_PCT = 10;
const ZOOMS = [1, 1.5, 2.25, 3.5, 5, 8, 12, 20, 32, 50];

/** ok: none faulty or offline; some: under MANY_PCT %; many: MANY_PCT % or more. */
export function troubleClass(c) {
  const bad = c.faulty + c.offline;
  if (bad === 0) return 'ok';
  return (bad / c.devices) * 100 < MANY_PCT ? 'some' : 'many';
}

/** The projection fitting `points` (`{lat, lon}`) into the drawing. */
function projectionOf(points) {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  let [lat0, lat1, lon0, lon1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  // One point (a commune alone): about 4 km around it.
  const minSpan = 0.04;
  if (lat1 - lat0 < minSpan) [lat0, lat1] = [(lat0 + lat1) / 2 - minSpan / 2, (lat0 + lat1) / 2 + minSpan / 2];
  const k = Math.cos((((lat0 + lat1) / 2) * Math.PI) / 180);
  if ((lon1 - lon0) * k < minSpan) [lon0, lon1] = [(lon0 + lon1) / 2 - minSpan / 2 / k, (lon0 + lon1) / 2 + minSpan / 2 / k];
  const scale = Math.min((W - 2 * PAD) / ((lon1 - lon0) * k), (H - 2 * PAD) / (lat1 - lat0));
  const cx = (lon0 + lon1) / 2;
  const cy = (lat0 + lat1) / 2;
  return (p) => [W / 2 + (p.lon - cx) * k * scale, H / 2 - (p.lat - cy) * scale];
}

/**
 * `communes`: the API's map communes; `devices`: a chosen commune's devices or null;
 * `chosen`: the chosen commune's id or ''; `onChoose(id)`: a commune clicked or picked in the table.
 */
export function DeviceMap({ communes, devices, truncated, chosen, onChoose }) {
  const [view, setView] = useState({ zoom: 0, x: W / 2, y: H / 2 });
  const project = projectionOf(communes.length ? communes : [{ lat: 49.56, lon: 3.62 }]);
  const maxDevices = Math.max(1, ...communes.map((c) => c.devices));
  const radius = (n) => 4 + 18 * Math.sqrt(n / maxDevices);

  // A chosen commune: zoomed onto its devices (or its circle); none: the whole map.
  useEffect(() => {
    const points = devices?.length ? devices : communes.filter((c) => c.tenant === chosen);
    if (!chosen || !points.length) return setView({ zoom: 0, x: W / 2, y: H / 2 });
    const xy = points.map(project);
    const xs = xy.map((p) => p[0]);
    const ys = xy.map((p) => p[1]);
    const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1);
    const fit = ZOOMS.findLastIndex((z) => z <= Math.min(W, H) / (span * 1.4));
    setView({ zoom: Math.max(0, fit), x: (Math.max(...xs) + Math.min(...xs)) / 2, y: (Math.max(...ys) + Math.min(...ys)) / 2 });
  }, [chosen, devices, communes]);

  const z = ZOOMS[view.zoom];
  const vw = W / z;
  const vh = H / z;
  const vx = Math.min(Math.max(view.x - vw / 2, 0), W - vw);
  const vy = Math.min(Math.max(view.y - vh / 2, 0), H - vh);
  const zoomBy = (d) => setView((v) => ({ ...v, zoom: Math.min(ZOOMS.length - 1, Math.max(0, v.zoom + d)) }));
  const pan = (dx, dy) => setView((v) => ({ ...v, x: Math.min(W, Math.max(0, v.x + (dx * vw) / 4)), y: Math.min(H, Math.max(0, v.y + (dy * vh) / 4)) }));
  const onKey = (e) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[e.key]) pan(...moves[e.key]);
    else if (e.key === '+' || e.key === '=') zoomBy(1);
    else if (e.key === '-') zoomBy(-1);
    else return;
    e.preventDefault();
  };
  // Circles and dots keep their size on screen whatever the zoom.
  const s = 1 / z;
  const totals = communes.reduce((a, c) => ({ devices: a.devices + c.devices, bad: a.bad + c.faulty + c.offline }), { devices: 0, bad: 0 });
  const summary = t('map.summary', { communes: communes.length, devices: totals.devices, bad: totals.bad });

  return html`
    <div class="map">
      <div class="map-tools" role="group" aria-label=${t('map.tools')}>
        <button type="button" onClick=${() => zoomBy(1)} disabled=${view.zoom === ZOOMS.length - 1}>${t('map.zoomIn')}</button>
        <button type="button" onClick=${() => zoomBy(-1)} disabled=${view.zoom === 0}>${t('map.zoomOut')}</button>
        <button type="button" onClick=${() => setView({ zoom: 0, x: W / 2, y: H / 2 })}>${t('map.whole')}</button>
      </div>
      <svg
        class="map-canvas"
        viewBox=${`${vx.toFixed(1)} ${vy.toFixed(1)} ${vw.toFixed(1)} ${vh.toFixed(1)}`}
        role="img"
        aria-label=${summary}
        tabindex="0"
        aria-describedby="map-keys"
        onKeyDown=${onKey}
      >
        <rect x="0" y="0" width=${W} height=${H} class="map-ground" />
        ${communes.map((c) => {
          const [x, y] = project(c);
          return html`<circle
            class=${`commune trouble-${troubleClass(c)}${c.tenant === chosen ? ' chosen' : ''}`}
            data-tenant=${c.tenant}
            cx=${x.toFixed(1)}
            cy=${y.toFixed(1)}
            r=${(radius(c.devices) * s).toFixed(2)}
            stroke-width=${(1.5 * s).toFixed(2)}
            onClick=${() => onChoose(c.tenant)}
          ><title>${t('map.communeTitle', c)}</title></circle>`;
        })}
        ${(devices ?? []).map((d) => {
          const [x, y] = project(d);
          return html`<circle class=${`device state-${d.state}`} cx=${x.toFixed(1)} cy=${y.toFixed(1)} r=${(4 * s).toFixed(2)} stroke-width=${(0.8 * s).toFixed(2)}><title>${d.name ?? d.id} · ${t(`deviceState.${d.state}`)}</title></circle>`;
        })}
      </svg>
      <p id="map-keys" class="hint">${t('map.keys')}</p>
      <${Legend} devices=${devices} />
      ${truncated && html`<p class="hint">${t('map.truncated')}</p>`}
    </div>
  `;
}

function Legend({ devices }) {
  return html`
    <ul class="legend map-legend">
      ${['ok', 'some', 'many'].map((k) => html`<li><svg width="14" height="14" aria-hidden="true"><circle class=${`commune trouble-${k}`} cx="7" cy="7" r="6" /></svg>${t(`map.trouble.${k}`, { pct: MANY_PCT })}</li>`)}
      <li>${t('map.size')}</li>
      ${devices &&
      ['ok', 'faulty', 'offline'].map((k) => html`<li><svg width="10" height="10" aria-hidden="true"><circle class=${`device state-${k}`} cx="5" cy="5" r="4" /></svg>${t('map.device', { state: t(`deviceState.${k}`) })}</li>`)}
    </ul>
  `;
}

/** The map's text alternative: each commune's figures, and a button that chooses it. */
export function CommuneTable({ communes, chosen, onChoose }) {
  const sorted = [...communes].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  return html`
    <details class="map-table" open=${communes.length <= 12}>
      <summary>${t('map.table', { n: communes.length })}</summary>
      <table class="data" data-table="map-communes">
        <caption>${t('map.tableCaption')}</caption>
        <thead><tr>
          <th scope="col">${t('scope.commune')}</th><th scope="col">${t('map.devices')}</th>
          <th scope="col">${t('deviceState.ok')}</th><th scope="col">${t('deviceState.faulty')}</th><th scope="col">${t('deviceState.offline')}</th>
        </tr></thead>
        <tbody>
          ${sorted.map(
            (c) => html`<tr data-tenant=${c.tenant} class=${c.tenant === chosen ? 'chosen' : ''}>
              <th scope="row"><button type="button" class="link" aria-pressed=${c.tenant === chosen ? 'true' : 'false'} onClick=${() => onChoose(c.tenant === chosen ? '' : c.tenant)}>${c.name}</button></th>
              <td>${formatNumber(c.devices)}</td><td>${formatNumber(c.ok)}</td><td>${formatNumber(c.faulty)}</td><td>${formatNumber(c.offline)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>
  `;
}
