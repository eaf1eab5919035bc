/**
 * The e-mails of people's accounts, French first (the collectivités' language), English
 * below. Links carry the token after `#`, so it never reaches a server log or a Referer.
 */
export interface AccountMail {
  subject: string;
  text: string;
  html: string;
}

export function invitationMail(input: { name: string; invitedBy: string; link: string; expiresAt: Date }): AccountMail {
  const until = parisTime(input.expiresAt);
  const text = [
    `Bonjour ${input.name},`,
    '',
    `${input.invitedBy} vous a ouvert un compte sur Hyperviseur, la plateforme des objets connectés du territoire.`,
    'Choisissez votre mot de passe en ouvrant ce lien :',
    input.link,
    `Ce lien ne sert qu'une fois et expire le ${until}.`,
    '',
    '---',
    `${input.invitedBy} opened an Hyperviseur account for you. Choose your password at the link above (single use, expires ${input.expiresAt.toISOString()}).`,
  ].join('\n');
  return { subject: 'Hyperviseur : votre invitation', text, html: htmlOf(text, input.link) };
}

export function resetMail(input: { name: string; link: string; expiresAt: Date }): AccountMail {
  const until = parisTime(input.expiresAt);
  const text = [
    `Bonjour ${input.name},`,
    '',
    'Une réinitialisation du mot de passe de votre compte Hyperviseur a été demandée.',
    'Pour choisir un nouveau mot de passe, ouvrez ce lien :',
    input.link,
    `Ce lien ne sert qu'une fois et expire le ${until}. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.`,
    '',
    '---',
    `A password reset was requested for your Hyperviseur account. Open the link above to choose a new password (single use, expires ${input.expiresAt.toISOString()}). If you did not ask, ignore this message.`,
  ].join('\n');
  return { subject: 'Hyperviseur : réinitialisation du mot de passe', text, html: htmlOf(text, input.link) };
}

function parisTime(at: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }).format(at);
}

function htmlOf(text: string, link: string): string {
  const escaped = escapeHtml(text).replace(escapeHtml(link), `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`);
  return `<!doctype html><html lang="fr"><body><p>${escaped.split('\n\n').map((p) => p.replace(/\n/g, '<br>')).join('</p><p>')}</p></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
