import { api } from '../../app/api.js';
import { NewPasswordForm } from '../../app/components/new-password-form.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';

/** `#/reinitialisation/<token>`: the link of the password-reset e-mail. */
export default function ResetConfirmPage({ params }) {
  const send = (password) => api.post('password-reset/confirm', { token: params.token, password });
  return html`
    <div class="narrow">
      <h1 tabindex="-1">${t('reset.confirmTitle')}</h1>
      <${NewPasswordForm} send=${send} badTokenMessage=${t('reset.badToken')} />
      <p><a href="#/mot-de-passe-oublie">${t('reset.again')}</a></p>
    </div>
  `;
}
