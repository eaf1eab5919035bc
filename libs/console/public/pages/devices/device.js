import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, withQuery } from '../../app/api.js';
import { Chart } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, formatTime, t } from '../../app/i18n.js';
import { PeriodSwitch, periodRange } from './tenants.js';

/** The numeric fields charted per device type, one chart per unit (DEVICE-CONTRACT.md's payloads). */
const CHARTS = {
  'lighting-controller': [{ unit: '%', fields: ['level_pct'] }, { unit: 'W', fields: ['power_w'] }],
  'lighting-cabinet': [{ unit: 'W', fields: ['power_w', 'l1_power_w', 'l2_power_w', 'l3_power_w'] }, { unit: 'V', fields: ['l1_voltage_v', 'l2_voltage_v', 'l3_voltage_v'] }],
  'boiler-room': [{ unit: '°C', fields: ['flow_c', 'return_c', 'room_c', 'outdoor_c'] }, { unit: 'bar', fields: ['pressure_bar'] }, { unit: '%', fields: ['modulation_pct'] }],
  'air-station': [{ unit: 'µg/m³', fields: ['pm10_ugm3', 'pm25_ugm3', 'no2_ugm3', 'o3_ugm3', 'so2_ugm3'] }],
  'co2-sensor': [{ unit: 'ppm', fields: ['co2_ppm'] }, { unit: '°C', fields: ['temp_c'] }],
  'parking-spot': [{ unit: '%', fields: ['battery_pct'] }],
  'car-park': [{ unit: '', fields: ['occupied', 'capacity'] }],
};
/** Devices that take a lighting override. */
const LUMINAIRES = ['lighting-controller'];
const FINAL_STATUSES = ['acknowledged', 'failed', 'expired'];
const POLL_MS = 2_000;
const DURATIONS_MIN = [30, 60, 120, 240, 480, 720];

/**
 * `#/equipements/:id`: a device's registry record, latest state, history, open alarms and,
 * for a luminaire, an override. A device the session may not see is a 404 from the API (as
 * if it did not exist): the page says so and shows nothing of it.
 */
export default function DevicePage({ params }) {
  const [device, setDevice] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    setDevice(null);
    setError(null);
    api.get(`devices/${encodeURIComponent(params.id)}`).then(
      (d) => live && setDevice(d),
      (failure) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [params.id]);

  if (error instanceof ApiError && [400, 403, 404].includes(error.status)) {
    return html`
      <h1 tabindex="-1">${t('device.refused')}</h1>
      <p>${t('device.refusedText')}</p>
      <p><a href="#/equipements">${t('device.backToList')}</a></p>
    `;
  }
  if (error) return html`<h1 tabindex="-1">${params.id}</h1><div role="alert"><p>${unexpectedError(error)}</p></div>`;
  if (!device) return html`<h1 tabindex="-1">${params.id}</h1><p role="status">${t('app.loading')}</p>`;
  return html`
    <p class="breadcrumb"><a href="#/equipements">${t('devices.title')}</a></p>
    <h1 tabindex="-1">${device.attributes?.name ? `${device.attributes.name} (${device.id})` : device.id}</h1>
    <div class="columns">
      <${Registry} device=${device} />
      <${LatestState} device=${device} />
    </div>
    ${LUMINAIRES.includes(device.type) && !device.retiredAt && html`<${Override} device=${device} />`}
    <${History} device=${device} />
    <${OpenAlarms} device=${device} />
  `;
}

function Registry({ device }) {
  const { name, cabinet, ...rest } = device.attributes ?? {};
  const rows = [
    [t('device.id'), device.id],
    [t('device.name'), name ?? '—'],
    [t('devices.type'), t(`deviceType.${device.type}`)],
    [t('devices.domain'), t(`domain.${device.domain}`)],
    [t('scope.tenant'), device.tenant],
    [t('device.cabinet'), cabinet ?? '—'],
    [t('device.devEui'), device.devEui ?? '—'],
    [t('device.model'), device.model ?? '—'],
    [t('device.created'), formatTime(device.createdAt)],
    ...(device.retiredAt ? [[t('device.retired'), formatTime(device.retiredAt)]] : []),
    ...Object.entries(rest).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v) : String(v)]),
  ];
  return html`
    <section aria-labelledby="registry-title" class="panel">
      <h2 id="registry-title">${t('device.registry')}</h2>
      <dl class="pairs">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
    </section>
  `;
}

function LatestState({ device }) {
  const [state, setState] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    api.get(`devices/${encodeURIComponent(device.id)}/state`).then(
      (s) => live && setState(s),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [device.id]);
  const telemetry = state?.telemetry;
  const online = state?.status?.online;
  return html`
    <section aria-labelledby="state-title" class="panel">
      <h2 id="state-title">${t('device.state')}</h2>
      ${error && html`<div role="alert"><p>${error}</p></div>`}
      ${!state && !error && html`<p role="status">${t('app.loading')}</p>`}
      ${state && html`<p>${t('device.connection')} : <strong>${online === undefined ? t('device.unknown') : online ? t('device.online') : t('device.offline')}</strong></p>`}
      ${state && !telemetry && html`<p>${t('device.noReading')}</p>`}
      ${telemetry &&
      html`<dl class="pairs" data-state="telemetry">
        <div><dt>${t('device.readAt')}</dt><dd>${formatTime(telemetry.time)}</dd></div>
        ${Object.entries(telemetry)
          .filter(([k]) => k !== 'time')
          .map(([k, v]) => html`<div><dt>${t(`field.${k}`) === `field.${k}` ? k : t(`field.${k}`)}</dt><dd>${typeof v === 'number' ? formatNumber(v) : typeof v === 'boolean' ? t(v ? 'device.yes' : 'device.no') : String(v)}</dd></div>`)}
      </dl>`}
    </section>
  `;
}

function History({ device }) {
  const [period, setPeriod] = useState('24h');
  const [history, setHistory] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setHistory(null);
    const [from, to] = periodRange(period);
    api.get(withQuery(`devices/${encodeURIComponent(device.id)}/history`, { from, to })).then(
      (h) => live && (setHistory(h), setError('')),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [device.id, period]);

  const charts = (CHARTS[device.type] ?? [])
    .map((c) => ({ ...c, fields: c.fields.filter((f) => history?.points.some((p) => typeof p[f] === 'number')) }))
    .filter((c) => c.fields.length > 0);
  return html`
    <section aria-labelledby="history-title">
      <h2 id="history-title">${t('device.history')}</h2>
      <${PeriodSwitch} value=${period} onChange=${setPeriod} />
      ${error && html`<div role="alert"><p>${error}</p></div>`}
      <p role="status" class="as-of">
        ${!history ? t('app.loading') : history.every ? t('device.downsampled', { every: history.every, n: history.points.length }) : t('device.raw', { n: history.points.length })}
      </p>
      ${history && charts.length === 0 && html`<p>${t('device.noHistory')}</p>`}
      ${history &&
      charts.map(
        (c, i) => html`<${Chart}
          id=${`history-${i}`}
          title=${t('device.historyOf', { fields: c.fields.map(fieldLabel).join(', ') })}
          unit=${c.unit}
          from=${history.from}
          to=${history.to}
          series=${c.fields.map((f) => ({ label: fieldLabel(f), points: history.points.map((p) => ({ t: p.time, v: p[f] })) }))}
        />`,
      )}
    </section>
  `;
}

const fieldLabel = (f) => (t(`field.${f}`) === `field.${f}` ? f : t(`field.${f}`));

function OpenAlarms({ device }) {
  const [alarms, setAlarms] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    api.get(withQuery('alarms', { device: device.id, state: 'open', limit: 100 })).then(
      (page) => live && setAlarms(page.alarms),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [device.id]);
  return html`
    <section aria-labelledby="alarms-title">
      <h2 id="alarms-title">${t('device.alarms')}</h2>
      ${error && html`<div role="alert"><p>${error}</p></div>`}
      ${alarms && alarms.length === 0 && html`<p>${t('device.noAlarms')}</p>`}
      ${alarms?.length > 0 &&
      html`<ul class="alarm-list">
        ${alarms.map(
          (a) => html`<li class=${`severity-line severity-${a.severity}`}>
            <a href=${`#/alarmes/${a.id}`}>${a.type}</a> · ${t(`alarmSeverity.${a.severity}`)} · ${t('device.since', { time: formatTime(a.since) })}${a.acknowledgedAt ? ` · ${t('device.acknowledged')}` : ''}
          </li>`,
        )}
      </ul>`}
    </section>
  `;
}

/** A level held until an expiry (`POST /commands`), then the command followed until it ends. */
function Override({ device }) {
  const [level, setLevel] = useState('50');
  const [duration, setDuration] = useState('60');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [command, setCommand] = useState(null);
  const polls = useRef(0);

  useEffect(() => {
    if (!command || FINAL_STATUSES.includes(command.status)) return undefined;
    // Every 2 s for a minute, then every 10 s: a device that does not answer may take until the expiry.
    const wait = polls.current++ < 30 ? POLL_MS : 5 * POLL_MS;
    const timer = setTimeout(() => {
      api.get(`commands/${encodeURIComponent(command.cmdId)}`).then(setCommand, (failure) => setError(unexpectedError(failure)));
    }, wait);
    return () => clearTimeout(timer);
  }, [command]);

  const submit = async (event) => {
    event.preventDefault();
    const pct = Number(level);
    if (!/^\d+$/.test(level.trim()) || pct < 0 || pct > 100) return setError(t('override.badLevel'));
    setError('');
    setBusy(true);
    try {
      const expiresAt = new Date(Date.now() + Number(duration) * 60_000).toISOString();
      const sent = await api.post('commands', { target: { device: device.id }, command: { level_pct: pct }, expires_at: expiresAt });
      polls.current = 0;
      setCommand(sent.commands[0]);
    } catch (failure) {
      setError(unexpectedError(failure));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section aria-labelledby="override-title" class="panel">
      <h2 id="override-title">${t('override.title')}</h2>
      <p class="hint">${t('override.intro')}</p>
      <form class="inline-form" onSubmit=${submit} noValidate>
        <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
        <div class="field">
          <label for="override-level">${t('override.level')}</label>
          <input id="override-level" type="number" min="0" max="100" step="1" inputmode="numeric" value=${level} onInput=${(e) => setLevel(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="override-duration">${t('override.duration')}</label>
          <select id="override-duration" value=${duration} onChange=${(e) => setDuration(e.currentTarget.value)}>
            ${DURATIONS_MIN.map((m) => html`<option value=${String(m)}>${m < 60 ? t('time.minutes', { n: m }) : t('time.hours', { n: m / 60 })}</option>`)}
          </select>
        </div>
        <button type="submit" class="primary" disabled=${busy}>${t('override.submit')}</button>
      </form>
      <div aria-live="polite" class="command">
        ${command &&
        html`<dl class="pairs" data-command=${command.cmdId}>
          <div><dt>${t('command.id')}</dt><dd>${command.cmdId}</dd></div>
          <div><dt>${t('command.level')}</dt><dd>${formatNumber(command.body?.level_pct ?? 0)} %</dd></div>
          <div><dt>${t('command.status')}</dt><dd data-status=${command.status}>${t(`command.${command.status}`)}</dd></div>
          <div><dt>${t('command.expires')}</dt><dd>${command.expiresAt ? formatTime(command.expiresAt) : '—'}</dd></div>
          ${command.ackedAt && html`<div><dt>${t('command.acked')}</dt><dd>${formatTime(command.ackedAt)}</dd></div>`}
          ${command.error && html`<div><dt>${t('command.error')}</dt><dd>${command.error}</dd></div>`}
        </dl>`}
      </div>
    </section>
  `;
}
