import { useState } from 'preact/hooks';
import { ApiError } from '../../app/api.js';
import { Alert, Field } from '../../app/components/field.js';
import { unexpectedError, waitText } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';
import { takeNotice } from '../../app/notice.js';
import { login, session } from '../../app/session.js';
import { goToDestination } from '../../app/router.js';
import { useStore } from '../../app/store.js';

export default function LoginPage() {
  const current = useStore(session);
  const [notice] = useState(() => takeNotice() ?? (current.expired ? 'login.expired' : null));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      await login(email.trim(), password);
      goToDestination();
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return html`
    <div class="narrow">
      <h1 tabindex="-1">${t('login.title')}</h1>
      ${notice && html`<p class="notice" role="status">${t(notice)}</p>`}
      <form onSubmit=${submit} noValidate>
        <${Alert} message=${error} />
        <${Field} id="email" label=${t('login.email')} type="email" autocomplete="username" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
        <${Field} id="password" label=${t('login.password')} type="password" autocomplete="current-password" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled=${busy}>${t('login.submit')}</button>
      </form>
      <p><a href="#/mot-de-passe-oublie">${t('login.forgotten')}</a></p>
    </div>
  `;
}

function messageOf(failure) {
  if (failure instanceof ApiError && failure.status === 401) return t('login.wrong');
  if (failure instanceof ApiError && failure.status === 429) return t('login.locked', { wait: waitText(failure.retryAfterS ?? 60) });
  return unexpectedError(failure);
}
