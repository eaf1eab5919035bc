import { api } from '../../app/api.js';
import { NewPasswordForm } from '../../app/components/new-password-form.js';
import { html } from '../../app/html.js';
import { t } from '../../app/i18n.js';

/** `#/invitation/<token>`: the link of the invitation e-mail; the invited person chooses a password. */
export default function InvitationPage({ params }) {
  const send = (password) => api.post('invitations/accept', { token: params.token, password });
  return html`
    <div class="narrow">
      <h1 tabindex="-1">${t('invitation.title')}</h1>
      <p>${t('invitation.intro')}</p>
      <${NewPasswordForm} send=${send} badTokenMessage=${t('invitation.badToken')} />
    </div>
  `;
}
