import { html } from '../html.js';
import { formatNumber, language, t } from '../i18n.js';

// A time chart drawn in SVG with no library: lines or step lines over a time axis in Paris
// civil time (hour ticks follow the clock through DST changes), a y axis with its unit and a
// legend. For screen readers the SVG is one image with a summary, and the same values are
// in a table under a disclosure (also what a test reads).

const W = 800;
const H = 260;
const PAD = { left: 56, right: 16, top: 28, bottom: 36 };
/** Up to this many points a line series also marks each point (one hour alone would draw nothing). */
const DOTS_UP_TO = 48;
const HOUR_MS = 3_600_000;
const COLOURS = ['#0b4f8a', '#a33a00', '#1d6b2f', '#5b4a8a', '#7a5a00'];
const TZ = 'Europe/Paris';

const ms = (t) => (typeof t === 'number' ? t : Date.parse(t));

/**
 * `series`: `[{ label, points: [{t, v}], step? }]` (t: epoch ms or ISO; v: number or null);
 * `from`/`to` bound the time axis (default: the points'); `markers`: `[{t, label}]`
 * drawn as vertical lines (sunset, sunrise); `id`: a prefix for element ids.
 */
export function Chart({ id, title, unit, series, from, to, markers = [], yMin, yMax }) {
  const all = series.flatMap((s) => s.points.map((p) => ({ t: ms(p.t), v: p.v })));
  const values = all.map((p) => p.v).filter((v) => typeof v === 'number');
  const t0 = from !== undefined ? ms(from) : Math.min(...all.map((p) => p.t));
  const t1 = to !== undefined ? ms(to) : Math.max(...all.map((p) => p.t));
  const [lo, hi] = niceRange(yMin ?? Math.min(0, ...values), yMax ?? Math.max(1, ...values));
  const x = (tt) => PAD.left + ((tt - t0) / Math.max(1, t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const withUnit = (v) => `${formatNumber(v)}${unit ? ` ${unit}` : ''}`;
  const summary = !values.length
    ? t('chart.empty', { title })
    : t('chart.summary', {
        title,
        series: series.length > 1 ? series.map((s) => s.label).join(', ') : '',
        from: formatParis(t0),
        to: formatParis(t1),
        n: values.length,
        min: withUnit(Math.min(...values)),
        max: withUnit(Math.max(...values)),
      });

  return html`
    <figure class="chart" id=${id}>
      <figcaption>${title}${unit ? ` (${unit})` : ''}</figcaption>
      <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${summary} preserveAspectRatio="xMidYMid meet">
        ${yTicks(lo, hi).map(
          (v) => html`<g class="tick"><line x1=${PAD.left} x2=${W - PAD.right} y1=${y(v)} y2=${y(v)} /><text x=${PAD.left - 6} y=${y(v) + 4} text-anchor="end">${formatNumber(v)}</text></g>`,
        )}
        ${t1 > t0 &&
        timeTicks(t0, t1).map(
          ({ at, label }) => html`<g class="tick"><line x1=${x(at)} x2=${x(at)} y1=${PAD.top} y2=${H - PAD.bottom} /><text x=${x(at)} y=${H - PAD.bottom + 16} text-anchor="middle">${label}</text></g>`,
        )}
        ${unit && html`<text class="unit" x=${PAD.left} y=${PAD.top - 12} text-anchor="start">${unit}</text>`}
        ${markers.map(
          (m) => html`<g class="marker"><line x1=${x(ms(m.t))} x2=${x(ms(m.t))} y1=${PAD.top} y2=${H - PAD.bottom} /><text x=${x(ms(m.t)) + 4} y=${PAD.top + 10}>${m.label}</text></g>`,
        )}
        ${series.map((s, i) => html`<path class="line" d=${pathOf(s, x, y, t1)} stroke=${COLOURS[i % COLOURS.length]} />`)}
        ${series.map(
          (s, i) =>
            !s.step &&
            s.points.length <= DOTS_UP_TO &&
            s.points.filter((p) => typeof p.v === 'number').map((p) => html`<circle cx=${x(ms(p.t))} cy=${y(p.v)} r="3.5" fill=${COLOURS[i % COLOURS.length]} />`),
        )}
      </svg>
      <ul class="legend">
        ${series.map((s, i) => html`<li><svg width="24" height="10" aria-hidden="true"><line x1="0" x2="24" y1="5" y2="5" stroke=${COLOURS[i % COLOURS.length]} stroke-width="3" /></svg>${s.label}</li>`)}
        ${markers.length > 0 && html`<li>${t('chart.markers')} ${markers.map((m) => `${m.label} ${formatParis(ms(m.t))}`).join(' · ')}</li>`}
      </ul>
      <${DataTable} title=${title} unit=${unit} series=${series} markers=${markers} />
    </figure>
  `;
}

function DataTable({ title, unit, series, markers }) {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => ms(p.t))))].sort((a, b) => a - b);
  const byTime = series.map((s) => new Map(s.points.map((p) => [ms(p.t), p.v])));
  return html`
    <details class="chart-data">
      <summary>${t('chart.table')}</summary>
      <table>
        <caption>${title}${unit ? ` (${unit})` : ''}</caption>
        <thead>
          <tr><th scope="col">${t('chart.time')}</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr>
        </thead>
        <tbody>
          ${times.map(
            (tt) => html`<tr>
              <th scope="row"><time datetime=${new Date(tt).toISOString()}>${formatParis(tt)}</time></th>
              ${byTime.map((m) => html`<td>${typeof m.get(tt) === 'number' ? formatNumber(m.get(tt)) : '—'}</td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
      ${markers.length > 0 &&
      html`<ul>${markers.map((m) => html`<li>${m.label} : <time datetime=${new Date(ms(m.t)).toISOString()}>${formatParis(ms(m.t))}</time></li>`)}</ul>`}
    </details>
  `;
}

/** A line through the points, or steps holding each value until the next (and the last until `end`). */
function pathOf(s, x, y, end) {
  const pts = s.points.filter((p) => typeof p.v === 'number').map((p) => [ms(p.t), p.v]).sort((a, b) => a[0] - b[0]);
  if (!pts.length) return '';
  let d = `M${x(pts[0][0]).toFixed(1)},${y(pts[0][1]).toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) {
    if (s.step) d += `H${x(pts[i][0]).toFixed(1)}`;
    d += `${s.step ? 'V' : 'L'}${s.step ? y(pts[i][1]).toFixed(1) : `${x(pts[i][0]).toFixed(1)},${y(pts[i][1]).toFixed(1)}`}`;
  }
  if (s.step) d += `H${x(end).toFixed(1)}`;
  return d;
}

function niceRange(lo, hi) {
  if (hi <= lo) hi = lo + 1;
  const step = niceStep((hi - lo) / 4);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

function yTicks(lo, hi) {
  const step = niceStep((hi - lo) / 4);
  const out = [];
  for (let v = lo; v <= hi + step / 1e6; v += step) out.push(Math.round(v / step) * step);
  return out;
}

const parisParts = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: 'numeric', hourCycle: 'h23', day: 'numeric', month: 'numeric', year: 'numeric' });

/**
 * Ticks on whole Paris hours (every 1 to 12 h) or Paris midnights (every 1, 2 or 7 days),
 * found by walking the UTC hours: Paris's offset is whole hours, so each of its hours
 * starts on one, and a DST change just makes a day 23 or 25 hours long.
 */
function timeTicks(t0, t1) {
  const spanH = (t1 - t0) / HOUR_MS;
  const everyH = [1, 2, 3, 6, 12, 24, 48, 168, 336].find((h) => spanH / h <= 8);
  // Past 16 weeks: the 1st of every 1 to 12 months (a month ≈ 730 h).
  const everyMonths = everyH ? 0 : ([1, 2, 3, 6].find((m) => spanH / (m * 730) <= 8) ?? 12);
  const ticks = [];
  for (let at = Math.ceil(t0 / HOUR_MS) * HOUR_MS; at <= t1; at += HOUR_MS) {
    const parts = Object.fromEntries(parisParts.formatToParts(at).map((p) => [p.type, Number(p.value)]));
    const day = Math.round(Date.UTC(parts.year, parts.month - 1, parts.day) / 86_400_000);
    if (everyMonths) {
      if (parts.hour === 0 && parts.day === 1 && (parts.month - 1) % everyMonths === 0) ticks.push({ at, label: formatParis(at, 'month') });
      continue;
    }
    const keep = everyH < 24 ? parts.hour % everyH === 0 : parts.hour === 0 && day % (everyH / 24) === 0;
    if (keep) ticks.push({ at, label: everyH < 24 && parts.hour !== 0 ? formatParis(at, 'time') : formatParis(at, 'day') });
  }
  return ticks;
}

/** An instant in Paris civil time: `full` (date and time), `time` (HH:MM), `day` (day and month) or `month` (month and year). */
export function formatParis(tMs, style = 'full') {
  const options =
    style === 'month'
      ? { month: 'short', year: '2-digit' }
      : style === 'time'
      ? { hour: '2-digit', minute: '2-digit' }
      : style === 'day'
        ? { day: 'numeric', month: 'short' }
        : { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(language.get(), { timeZone: TZ, ...options }).format(new Date(tMs));
}

/** The instant of a Paris wall-clock time on a date `YYYY-MM-DD` (the offset of that day, DST included). */
export function parisInstant(date, hour = 0, minute = 0) {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d, hour, minute);
  const offsetAt = (at) => {
    const p = Object.fromEntries(parisParts.formatToParts(at).map((q) => [q.type, Number(q.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour) - Math.floor(at / HOUR_MS) * HOUR_MS;
  };
  return guess - offsetAt(guess - offsetAt(guess));
}
