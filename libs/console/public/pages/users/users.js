import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { language, t } from '../../app/i18n.js';
import { session } from '../../app/session.js';
import { useStore } from '../../app/store.js';

/** The roles each administrator may give: an EPCI only those of itself and its communes (the API's rule too). */
const GIVABLE_ROLES = {
  operator: ['operator', 'epci', 'commune', 'cdn', 'public'],
  epci: ['epci', 'commune'],
};
/** Roles whose account names its collectivité, of the same kind. */
const SCOPED_ROLES = ['epci', 'commune'];

/**
 * `#/utilisateurs`: the people's accounts the user administers (an operator everyone's, an
 * EPCI those of itself and its communes), their invitation, and turning them off and on.
 */
export default function UsersPage() {
  const { user: me } = useStore(session);
  const [users, setUsers] = useState(null);
  const [tenants, setTenants] = useState({ epci: [], commune: [] });
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  const names = new Map([...tenants.epci, ...tenants.commune].map((x) => [x.id, x.name]));

  const load = async () => {
    try {
      setUsers((await api.get('users')).users);
    } catch (failure) {
      setError(unexpectedError(failure));
    }
  };
  useEffect(() => {
    load();
    let live = true;
    Promise.all(['epci', 'commune'].map((kind) => api.get(withQuery('tenants', { kind })).then((r) => r.tenants))).then(
      ([epci, commune]) => live && setTenants({ epci: byName(epci), commune: byName(commune) }),
      (failure) => live && setError(unexpectedError(failure)),
    );
    return () => {
      live = false;
    };
  }, []);

  const act = async (account, action) => {
    setError('');
    setNotice('');
    try {
      const answer = await api.post(`users/${account.id}/${action}`);
      await load();
      setNotice(action === 'invitation' ? t(answer.invitation?.sent ? 'users.reinvited' : 'users.reinviteFailed', { email: account.email }) : t(`users.done.${action}`, { name: account.name }));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 409 ? t('users.conflict', { message: failure.message }) : unexpectedError(failure));
    }
  };

  return html`
    <h1 tabindex="-1">${t('users.title')}</h1>
    <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
    <div role="status">${notice && html`<p class="notice">${notice}</p>`}</div>
    <section aria-labelledby="users-list">
      <h2 id="users-list">${t('users.list')}</h2>
      ${!users && !error && html`<p>${t('app.loading')}</p>`}
      ${users && users.length === 0 && html`<p>${t('users.none')}</p>`}
      ${users &&
      users.length > 0 &&
      html`
        <div class="table-wrap">
          <table class="data users-table">
            <thead>
              <tr>
                <th scope="col">${t('users.field.name')}</th>
                <th scope="col">${t('users.field.email')}</th>
                <th scope="col">${t('users.field.role')}</th>
                <th scope="col">${t('users.field.tenant')}</th>
                <th scope="col">${t('users.field.state')}</th>
                <th scope="col">${t('users.field.lastLogin')}</th>
                <th scope="col">${t('users.field.actions')}</th>
              </tr>
            </thead>
            <tbody>
              ${users.map(
                (account) => html`
                  <tr key=${account.id} data-user=${account.email}>
                    <td>${account.name}</td>
                    <td>${account.email}</td>
                    <td>${t(`role.${account.role}`)}</td>
                    <td>${account.tenant ? (names.get(account.tenant) ?? account.tenant) : ''}</td>
                    <td><span class=${`badge badge-user-${account.state}`}>${t(`users.state.${account.state}`)}</span></td>
                    <td>${account.lastLoginAt ? parisTime(account.lastLoginAt) : html`<span class="muted">${t('users.never')}</span>`}</td>
                    <td class="row-actions">
                      ${account.state === 'invited' && html`<button type="button" onClick=${() => act(account, 'invitation')} aria-label=${t('users.reinviteFor', { name: account.name })}>${t('users.reinvite')}</button>`}
                      ${account.state !== 'disabled' && account.id !== me.id && html`<button type="button" onClick=${() => act(account, 'disable')} aria-label=${t('users.disableFor', { name: account.name })}>${t('users.disable')}</button>`}
                      ${account.state === 'disabled' && html`<button type="button" onClick=${() => act(account, 'enable')} aria-label=${t('users.enableFor', { name: account.name })}>${t('users.enable')}</button>`}
                    </td>
                  </tr>
                `,
              )}
            </tbody>
          </table>
        </div>
      `}
    </section>
    <${CreateUser} roles=${GIVABLE_ROLES[me.role] ?? []} tenants=${tenants} created=${async (answer) => {
      await load();
      setError('');
      setNotice(invitationNotice(answer));
    }} />
  `;
}

const EMPTY = { email: '', name: '', role: '', tenant: '' };

function CreateUser({ roles, tenants, created }) {
  const [form, setForm] = useState(EMPTY);
  const [issues, setIssues] = useState({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const scoped = SCOPED_ROLES.includes(form.role);
  const choices = scoped ? tenants[form.role] : [];
  const set = (key) => (event) => setForm({ ...form, [key]: event.currentTarget.value, ...(key === 'role' ? { tenant: '' } : {}) });

  const submit = async (event) => {
    event.preventDefault();
    const missing = {};
    if (!form.email.trim()) missing.email = t('users.required');
    if (!form.name.trim()) missing.name = t('users.required');
    if (!form.role) missing.role = t('users.required');
    if (scoped && !form.tenant) missing.tenant = t('users.required');
    setIssues(missing);
    setError('');
    if (Object.keys(missing).length) return setError(t('users.fix'));
    setBusy(true);
    try {
      const answer = await api.post('users', { email: form.email.trim(), name: form.name.trim(), role: form.role, ...(scoped ? { tenant: form.tenant } : {}) });
      setForm(EMPTY);
      await created(answer);
    } catch (failure) {
      const named = fieldIssues(failure);
      if (named) {
        setIssues(named);
        setError(t('users.fix'));
      } else if (failure instanceof ApiError && failure.status === 409) setError(t('users.duplicate'));
      else setError(unexpectedError(failure));
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (key, hint) => [hint, issues[key] ? `user-${key}-error` : null].filter(Boolean).join(' ') || undefined;
  const errorOf = (key) => issues[key] && html`<p class="field-error" id=${`user-${key}-error`}>${issues[key]}</p>`;
  return html`
    <section aria-labelledby="users-create" class="panel">
      <h2 id="users-create">${t('users.create')}</h2>
      <p>${t('users.createIntro')}</p>
      <form onSubmit=${submit} noValidate>
        <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
        <div class="field">
          <label for="user-email">${t('users.field.email')}</label>
          <input id="user-email" type="email" autocomplete="off" value=${form.email} onInput=${set('email')} aria-invalid=${issues.email ? 'true' : undefined} aria-describedby=${describedBy('email')} />
          ${errorOf('email')}
        </div>
        <div class="field">
          <label for="user-name">${t('users.field.name')}</label>
          <input id="user-name" type="text" autocomplete="off" value=${form.name} onInput=${set('name')} aria-invalid=${issues.name ? 'true' : undefined} aria-describedby=${describedBy('name')} />
          ${errorOf('name')}
        </div>
        <div class="field">
          <label for="user-role">${t('users.field.role')}</label>
          <select id="user-role" value=${form.role} onChange=${set('role')} aria-invalid=${issues.role ? 'true' : undefined} aria-describedby=${describedBy('role')}>
            <option value="" selected=${form.role === ''}>${t('users.chooseRole')}</option>
            ${roles.map((role) => html`<option value=${role} selected=${form.role === role}>${t(`role.${role}`)}</option>`)}
          </select>
          ${errorOf('role')}
        </div>
        ${scoped &&
        html`
          <div class="field">
            <label for="user-tenant">${t('users.field.tenant')}</label>
            <select id="user-tenant" value=${form.tenant} onChange=${set('tenant')} aria-invalid=${issues.tenant ? 'true' : undefined} aria-describedby=${describedBy('tenant')}>
              <option value="" selected=${form.tenant === ''}>${t('users.chooseTenant')}</option>
              ${choices.map((x) => html`<option value=${x.id} selected=${form.tenant === x.id}>${x.name} (${x.id})</option>`)}
            </select>
            ${errorOf('tenant')}
          </div>
        `}
        <button type="submit" class="primary" disabled=${busy}>${t('users.submit')}</button>
      </form>
    </section>
  `;
}

/** The API's issues (`body.email`, …) by the form's field, or null when none names one. */
function fieldIssues(failure) {
  if (!(failure instanceof ApiError) || failure.status !== 400) return null;
  const named = {};
  for (const issue of failure.body?.issues ?? []) {
    const field = /^body\.(email|name|role|tenant)\b/.exec(issue.field ?? '')?.[1];
    if (field) named[field] = t(`users.issue.${field}`, { detail: issue.message });
  }
  return Object.keys(named).length ? named : null;
}

function invitationNotice(answer) {
  return answer.invitation?.sent ? t('users.invited', { email: answer.email }) : t('users.notSent', { email: answer.email });
}

function byName(list) {
  return [...list].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

function parisTime(iso) {
  return new Intl.DateTimeFormat(language.get(), { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}
