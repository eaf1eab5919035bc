import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { Chart, parisInstant } from '../../app/components/chart.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { language, t } from '../../app/i18n.js';

/** A program with no offset and no step: lit exactly from sunset to sunrise, whose preview gives the sun times. */
const SUN = { id: 'soleil', name: 'Soleil' };

/** Today's date in Paris, `YYYY-MM-DD`: the night that begins this evening. */
function tonight() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function nextDay(date) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The night of a chosen date (noon to noon, Paris time) for a stored program, at the centre
 * of the Aisne or where one of the commune's lamps stands: `POST …/programs/preview`, the
 * code that drives the lamps. Sunset and sunrise come from the same route, previewing a
 * program lit exactly from one to the other.
 */
export function NightPreview({ tenant, program }) {
  const [date, setDate] = useState(tonight);
  const [place, setPlace] = useState('');
  const [lamps, setLamps] = useState([]);
  const [result, setResult] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.get(withQuery('devices', { tenant, type: 'lighting-controller', limit: 200 })).then(
      (page) => live && setLamps(page.devices.filter((d) => typeof d.attributes?.lat === 'number' && typeof d.attributes?.lon === 'number')),
      () => live && setLamps([]),
    );
    return () => {
      live = false;
    };
  }, [tenant]);

  const run = async () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return setError(t('preview.badDate'));
    setBusy(true);
    setError('');
    const lamp = lamps.find((d) => d.id === place);
    const where = lamp ? { lat: lamp.attributes.lat, lon: lamp.attributes.lon } : {};
    const from = new Date(parisInstant(date, 12)).toISOString();
    const to = new Date(parisInstant(nextDay(date), 12)).toISOString();
    const path = `tenants/${encodeURIComponent(tenant)}/programs/preview`;
    try {
      const [night, sun] = await Promise.all([api.post(path, { programId: program.id, from, to, ...where }), api.post(path, { program: SUN, from, to, ...where })]);
      setResult({ date, from, to, night, sun, lamp: lamp?.id ?? null });
    } catch (failure) {
      setError(unexpectedError(failure));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    run();
  }, [program]);

  const submit = (event) => {
    event.preventDefault();
    run();
  };

  const markers = result ? sunMarkers(result.sun.transitions) : [];
  return html`
    <section aria-labelledby="preview-title" class="panel">
      <h2 id="preview-title">${t('preview.title', { name: program.name })}</h2>
      <form class="inline-form" onSubmit=${submit} noValidate>
        <div class="field">
          <label for="preview-date">${t('preview.date')}</label>
          <input id="preview-date" type="date" value=${date} onInput=${(e) => setDate(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="preview-place">${t('preview.place')}</label>
          <select id="preview-place" value=${place} onChange=${(e) => setPlace(e.currentTarget.value)}>
            <option value="">${t('preview.centre')}</option>
            ${lamps.map((d) => html`<option value=${d.id}>${d.attributes?.name ? `${d.attributes.name} (${d.id})` : d.id}</option>`)}
          </select>
        </div>
        <button type="submit" class="primary" disabled=${busy}>${t('preview.submit')}</button>
      </form>
      <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
      <div aria-live="polite">
        ${result &&
        html`<${Chart}
          id="night-preview"
          title=${t('preview.chart', { name: program.name, date: formatDate(result.date) })}
          unit="%"
          from=${result.from}
          to=${result.to}
          yMin=${0}
          yMax=${100}
          markers=${markers}
          series=${[{ label: t('preview.level'), step: true, points: result.night.transitions.map((tr) => ({ t: tr.at, v: tr.levelPct })) }]}
        />`}
      </div>
    </section>
  `;
}

/** `YYYY-MM-DD` as the reader's language writes a day ("24 décembre 2026"). */
function formatDate(date) {
  return new Intl.DateTimeFormat(language.get(), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** Sunset where the sun program lights up, sunrise where it goes dark again. */
function sunMarkers(transitions) {
  const out = [];
  for (let i = 1; i < transitions.length; i++) {
    const lit = transitions[i].levelPct > 0;
    if (lit !== transitions[i - 1].levelPct > 0) out.push({ t: transitions[i].at, label: t(lit ? 'preview.sunset' : 'preview.sunrise') });
  }
  return out;
}
