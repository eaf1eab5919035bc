import { useState } from 'preact/hooks';
import { api } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { Alert, Field } from '../../app/components/field.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';

/**
 * `#/mot-de-passe-oublie`: asks for a reset link. The answer is the same whether the address
 * has an account or not (the server answers 202 either way), so the page cannot be used to
 * find out who has one.
 */
export default function ResetRequestPage() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    if (!email.trim()) return setError(t('reset.missing'));
    setBusy(true);
    setError('');
    try {
      await api.post('password-reset', { email: email.trim() });
      setSent(true);
    } catch (failure) {
      setError(unexpectedError(failure));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <div class="narrow">
      <h1 tabindex="-1">${t('reset.requestTitle')}</h1>
      <div role="status">${sent && html`<p class="notice">${t('reset.sent')}</p>`}</div>
      ${!sent &&
      html`
        <p>${t('reset.intro')}</p>
        <form onSubmit=${submit} noValidate>
          <${Alert} message=${error} />
          <${Field} id="email" label=${t('login.email')} type="email" autocomplete="email" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} />
          <button type="submit" class="primary" disabled=${busy}>${t('reset.submit')}</button>
        </form>
      `}
      <p><a href="#/connexion">${t('reset.backToLogin')}</a></p>
    </div>
  `;
}
