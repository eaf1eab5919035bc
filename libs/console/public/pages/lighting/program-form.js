import { useState } from 'preact/hooks';
import { api, ApiError } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';

const MAX_STEPS = 12;

/** The id of the input of an API issue's field: `body.steps[1].at` → `program-steps-1-at`. */
export const inputIdOf = (field) => `program-${field.replace(/^body\./, '').replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-')}`;

/** The program as the form edits it: numbers as typed, the extinction switched on or off. */
function draftOf(p) {
  return {
    id: p.id,
    name: p.name,
    sunset: String(p.sunset_offset_min ?? 0),
    sunrise: String(p.sunrise_offset_min ?? 0),
    steps: (p.steps ?? []).map((s) => ({ at: s.at, level: String(s.level_pct) })),
    extinctionOn: Boolean(p.extinction),
    extinction: p.extinction ?? { from: '01:00', to: '05:00' },
  };
}

const number = (s) => (s.trim() === '' ? s : Number(s));

/** The body of PUT …/programs/:id: what the form edits, and the rest of the program (exceptions, presence) as it was. */
export function programOf(draft, original) {
  return {
    id: draft.id.trim(),
    name: draft.name,
    sunset_offset_min: number(draft.sunset),
    sunrise_offset_min: number(draft.sunrise),
    steps: draft.steps.map((s) => ({ at: s.at, level_pct: number(s.level) })),
    extinction: draft.extinctionOn ? draft.extinction : null,
    exceptions: original.exceptions ?? [],
    presence: original.presence ?? null,
  };
}

/**
 * A program's editor: name, offsets, dimming steps and the extinction window. The server
 * validates (`lightingProgramSchema`) and its issues are shown next to the field they name.
 */
export function ProgramForm({ tenant, program, onSaved }) {
  const [draft, setDraft] = useState(() => draftOf(program));
  const [issues, setIssues] = useState({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (patch) => setDraft((d) => ({ ...d, ...patch }));
  const setStep = (i, patch) => set({ steps: draft.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setIssues({});
    const body = programOf(draft, program);
    try {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(body.id)) throw new ApiError(400, { issues: [{ field: 'body.id', message: t('program.badId') }] }, null);
      const stored = await api.put(`tenants/${encodeURIComponent(tenant)}/programs/${encodeURIComponent(body.id)}`, body);
      onSaved({ ...stored, updatedAt: new Date().toISOString() });
    } catch (failure) {
      const list = failure instanceof ApiError && failure.status === 400 ? (failure.body?.issues ?? []) : [];
      if (!list.length) return setError(unexpectedError(failure));
      const byInput = {};
      const elsewhere = [];
      for (const issue of list) {
        const id = inputIdOf(issue.field);
        if (document.getElementById(id)) byInput[id] = issue.message;
        else elsewhere.push(`${issue.field} : ${issue.message}`);
      }
      setIssues(byInput);
      setError(t('program.invalid', { n: list.length }) + (elsewhere.length ? ` ${elsewhere.join(' ; ')}` : ''));
    } finally {
      setBusy(false);
    }
  };

  const field = (id, label, input) => html`
    <div class="field">
      <label for=${id}>${label}</label>
      ${input({ id, 'aria-invalid': issues[id] ? 'true' : undefined, 'aria-describedby': issues[id] ? `${id}-error` : undefined })}
      ${issues[id] && html`<p class="field-error" id=${`${id}-error`}>${issues[id]}</p>`}
    </div>
  `;

  return html`
    <section aria-labelledby="program-title" class="panel">
      <h2 id="program-title">${program.isNew ? t('program.newTitle') : t('program.editTitle', { name: program.name })}</h2>
      <form onSubmit=${submit} noValidate>
        <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
        <div class="row">
          ${program.isNew && field('program-id', t('program.id'), (a) => html`<input ...${a} value=${draft.id} onInput=${(e) => set({ id: e.currentTarget.value })} />`)}
          ${field('program-name', t('program.name'), (a) => html`<input ...${a} value=${draft.name} onInput=${(e) => set({ name: e.currentTarget.value })} />`)}
          ${field('program-sunset_offset_min', t('program.sunsetOffset'), (a) => html`<input ...${a} type="number" min="-120" max="120" value=${draft.sunset} onInput=${(e) => set({ sunset: e.currentTarget.value })} />`)}
          ${field('program-sunrise_offset_min', t('program.sunriseOffset'), (a) => html`<input ...${a} type="number" min="-120" max="120" value=${draft.sunrise} onInput=${(e) => set({ sunrise: e.currentTarget.value })} />`)}
        </div>
        <fieldset>
          <legend>${t('program.steps')}</legend>
          <p class="hint">${t('program.stepsHint')}</p>
          ${draft.steps.map(
            (s, i) => html`<div class="row step">
              ${field(`program-steps-${i}-at`, t('program.stepAt', { n: i + 1 }), (a) => html`<input ...${a} type="time" value=${s.at} onInput=${(e) => setStep(i, { at: e.currentTarget.value })} />`)}
              ${field(`program-steps-${i}-level_pct`, t('program.stepLevel', { n: i + 1 }), (a) => html`<input ...${a} type="number" min="0" max="100" value=${s.level} onInput=${(e) => setStep(i, { level: e.currentTarget.value })} />`)}
              <button type="button" onClick=${() => set({ steps: draft.steps.filter((_, j) => j !== i) })}>${t('program.removeStep', { n: i + 1 })}</button>
            </div>`,
          )}
          ${draft.steps.length < MAX_STEPS && html`<button type="button" onClick=${() => set({ steps: [...draft.steps, { at: '23:00', level: '50' }] })}>${t('program.addStep')}</button>`}
        </fieldset>
        <fieldset>
          <legend>${t('program.extinction')}</legend>
          <div class="check">
            <input id="program-extinction-on" type="checkbox" checked=${draft.extinctionOn} onChange=${(e) => set({ extinctionOn: e.currentTarget.checked })} />
            <label for="program-extinction-on">${t('program.extinctionOn')}</label>
          </div>
          ${draft.extinctionOn &&
          html`<div class="row">
            ${field('program-extinction-from', t('program.extinctionFrom'), (a) => html`<input ...${a} type="time" value=${draft.extinction.from} onInput=${(e) => set({ extinction: { ...draft.extinction, from: e.currentTarget.value } })} />`)}
            ${field('program-extinction-to', t('program.extinctionTo'), (a) => html`<input ...${a} type="time" value=${draft.extinction.to} onInput=${(e) => set({ extinction: { ...draft.extinction, to: e.currentTarget.value } })} />`)}
          </div>`}
        </fieldset>
        ${(program.exceptions?.length > 0 || program.presence) && html`<p class="hint">${t('program.kept', { n: program.exceptions?.length ?? 0 })}</p>`}
        <button type="submit" class="primary" disabled=${busy}>${t('program.save')}</button>
      </form>
    </section>
  `;
}
