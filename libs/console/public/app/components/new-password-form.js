import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { showNotice } from '../notice.js';
import { navigate } from '../router.js';
import { unexpectedError } from './errors.js';
import { Alert, Field } from './field.js';

/** The server's rule too (accounts: at least 12 characters); checked here to answer at once. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * A password chosen twice, then `send(password)`; on success, the sign-in page with a notice.
 * Shared by the invitation and the password reset, which differ only by their route.
 */
export function NewPasswordForm({ send, badTokenMessage }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    if (password.length < MIN_PASSWORD_LENGTH) return setError(t('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
    if (password !== again) return setError(t('password.mismatch'));
    setBusy(true);
    setError('');
    try {
      await send(password);
      showNotice('password.saved');
      navigate('/connexion');
    } catch (failure) {
      setBusy(false);
      if (failure instanceof ApiError && failure.names('body.token')) setError(badTokenMessage);
      else if (failure instanceof ApiError && failure.names('body.password')) setError(t('password.refused'));
      else setError(unexpectedError(failure));
    }
  };

  return html`
    <form onSubmit=${submit} noValidate>
      <${Alert} message=${error} />
      <${Field}
        id="new-password"
        label=${t('password.new')}
        hint=${t('password.rule', { min: MIN_PASSWORD_LENGTH })}
        type="password"
        autocomplete="new-password"
        value=${password}
        onInput=${(e) => setPassword(e.currentTarget.value)}
      />
      <${Field} id="new-password-again" label=${t('password.again')} type="password" autocomplete="new-password" value=${again} onInput=${(e) => setAgain(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled=${busy}>${t('password.submit')}</button>
    </form>
  `;
}
