import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';
import { TenantSelect, useTenants } from '../devices/tenants.js';
import { ProgramForm } from './program-form.js';
import { NightPreview } from './preview.js';

const SCOPES = ['tenant', 'group', 'cabinet', 'device'];

/**
 * `#/eclairage`: a commune's lighting programs and what follows each, a program's editor,
 * its assignment, and the preview of a night computed by the API with the code that drives
 * the lamps.
 */
export default function LightingPage() {
  const { user } = useStore(session);
  const communes = useTenants('commune');
  const [tenant, setTenant] = useState(user.role === 'commune' ? user.tenant : '');
  const [catalogue, setCatalogue] = useState(null);
  const [selected, setSelected] = useState(null);
  const [error, setError] = useState('');
  const [reloads, setReloads] = useState(0);
  const [saved, setSaved] = useState('');

  useEffect(() => {
    if (!tenant && communes?.length) setTenant(communes[0].id);
  }, [communes, tenant]);

  useEffect(() => {
    if (!tenant) return undefined;
    let live = true;
    // A reload of the same commune keeps the page as it is until the answer.
    setCatalogue((shown) => (shown?.tenant === tenant ? shown : null));
    api.get(`tenants/${encodeURIComponent(tenant)}/programs`).then(
      (body) => {
        if (!live) return;
        setCatalogue({ ...body, tenant });
        setError('');
        setSelected((current) => body.programs.find((p) => p.id === current?.id) ?? body.programs[0] ?? null);
      },
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, [tenant, reloads]);

  const choose = (id) => setSaved('') || setSelected(catalogue.programs.find((p) => p.id === id) ?? null);
  const onSaved = (program) => {
    setSaved(t('program.saved', { name: program.name }));
    setSelected(program);
    setReloads((n) => n + 1);
  };

  return html`
    <h1 tabindex="-1">${t('lighting.title')}</h1>
    ${user.role !== 'commune' && html`<${TenantSelect} id="lighting-tenant" label=${t('scope.commune')} tenants=${communes} value=${tenant} onChange=${(v) => (setSelected(null), setTenant(v))} />`}
    ${error && html`<div role="alert"><p>${error}</p></div>`}
    ${tenant && !catalogue && !error && html`<p role="status">${t('app.loading')}</p>`}
    ${catalogue &&
    html`
      <section aria-labelledby="programs-title">
        <h2 id="programs-title">${t('lighting.programs')}</h2>
        <${ProgramTable} catalogue=${catalogue} selected=${selected} onChoose=${choose} />
        <p><button type="button" onClick=${() => setSelected({ id: '', name: '', sunset_offset_min: 0, sunrise_offset_min: 0, steps: [], extinction: null, exceptions: [], presence: null, isNew: true })}>${t('lighting.new')}</button></p>
      </section>
      ${selected &&
      html`
        <${ProgramForm} key=${`${tenant}/${selected.isNew ? '' : selected.id}`} tenant=${tenant} program=${selected} onSaved=${onSaved} />
        <p role="status" class="notice-line">${saved}</p>
        ${!selected.isNew && html`<${Assign} tenant=${tenant} program=${selected} onAssigned=${() => setReloads((n) => n + 1)} />`}
        ${!selected.isNew && html`<${NightPreview} key=${`${tenant}/${selected.id}`} tenant=${tenant} program=${selected} />`}
      `}
    `}
  `;
}

function ProgramTable({ catalogue, selected, onChoose }) {
  if (!catalogue.programs.length) return html`<p>${t('lighting.noPrograms')}</p>`;
  return html`
    <table class="data">
      <caption class="visually-hidden">${t('lighting.programs')}</caption>
      <thead>
        <tr>
          <th scope="col">${t('program.name')}</th>
          <th scope="col">${t('program.plan')}</th>
          <th scope="col">${t('lighting.followedBy')}</th>
        </tr>
      </thead>
      <tbody>
        ${catalogue.programs.map((p) => {
          const followers = catalogue.assignments.filter((a) => a.programId === p.id);
          return html`<tr data-program=${p.id}>
            <td>
              <button type="button" class="link" aria-pressed=${selected?.id === p.id ? 'true' : 'false'} onClick=${() => onChoose(p.id)}>${p.name}</button>
              <span class="muted"> (${p.id})</span>
            </td>
            <td>${planSummary(p)}</td>
            <td>${followers.length ? followers.map((a) => `${t(`assign.${a.scope}`)} ${a.scopeId}`).join(', ') : t('lighting.nobody')}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  `;
}

function planSummary(p) {
  const parts = (p.steps ?? []).map((s) => t('program.stepSummary', { at: s.at, level: formatNumber(s.level_pct) }));
  if (p.extinction) parts.push(t('program.extinctionSummary', p.extinction));
  return parts.length ? parts.join(' · ') : t('program.fullNight');
}

/** Makes the commune, a group, a cabinet or a device follow the program. */
function Assign({ tenant, program, onAssigned }) {
  const [scope, setScope] = useState('tenant');
  const [scopeId, setScopeId] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const [known, setKnown] = useState({ device: [], cabinet: [] });
  useEffect(() => {
    let live = true;
    // Suggestions for the id: the commune's luminaires and their cabinets (the API lists no groups).
    api.get(withQuery('devices', { tenant, domain: 'lighting', limit: 1000 })).then(
      (page) =>
        live &&
        setKnown({
          device: page.devices.filter((d) => d.type === 'lighting-controller').map((d) => d.id),
          cabinet: [...new Set(page.devices.map((d) => d.attributes?.cabinet).filter(Boolean))].sort(),
        }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [tenant]);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setDone('');
    try {
      const target = scope === 'tenant' ? tenant : scopeId.trim();
      await api.put(`tenants/${encodeURIComponent(tenant)}/program-assignments`, { scope, scopeId: target, programId: program.id });
      setDone(t('assign.done', { program: program.name, target: `${t(`assign.${scope}`)} ${target}` }));
      onAssigned();
    } catch (failure) {
      const issue = failure instanceof ApiError ? failure.body?.issues?.[0] : null;
      setError(issue ? `${issue.field} : ${issue.message}` : unexpectedError(failure));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <section aria-labelledby="assign-title" class="panel">
      <h2 id="assign-title">${t('assign.title', { name: program.name })}</h2>
      <form class="inline-form" onSubmit=${submit} noValidate>
        <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
        <div class="field">
          <label for="assign-scope">${t('assign.scope')}</label>
          <select id="assign-scope" value=${scope} onChange=${(e) => setScope(e.currentTarget.value)}>
            ${SCOPES.map((s) => html`<option value=${s}>${t(`assign.${s}`)}</option>`)}
          </select>
        </div>
        ${scope !== 'tenant' &&
        html`<div class="field">
          <label for="assign-id">${t(`assign.${scope}Id`)}</label>
          <input id="assign-id" list=${known[scope] ? 'assign-ids' : undefined} value=${scopeId} onInput=${(e) => setScopeId(e.currentTarget.value)} />
          ${known[scope] && html`<datalist id="assign-ids">${known[scope].map((id) => html`<option value=${id} />`)}</datalist>`}
        </div>`}
        <button type="submit" class="primary" disabled=${busy}>${t('assign.submit')}</button>
      </form>
      <p role="status">${done}</p>
    </section>
  `;
}
