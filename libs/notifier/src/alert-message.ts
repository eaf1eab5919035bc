import type { AlertPayload } from './delivery.repository';

const SEVERITY_FR: Record<string, string> = { info: 'information', minor: 'mineure', major: 'majeure', critical: 'critique' };

/** The e-mail of an alert, in French for the collectivités, in text and HTML (values escaped). */
export function alertEmail(payload: AlertPayload): { subject: string; text: string; html: string } {
  const a = payload.alarm;
  const severity = SEVERITY_FR[a.severity] ?? a.severity;
  const subject = `[Hyperviseur] Alarme ${severity} : ${a.type} sur ${a.device} (${a.tenantName})`;
  const lines: Array<[string, string]> = [
    ['Collectivité', `${a.tenantName} (${a.tenant})`],
    ['Équipement', a.device],
    ['Domaine', a.domain],
    ['Alarme', `${a.type} (${a.kind})`],
    ['Gravité', severity],
    ['Depuis', a.since],
    ...(a.value !== null ? ([['Valeur', String(a.value)]] as Array<[string, string]>) : []),
  ];
  const text = `${subject}\n\n${lines.map(([k, v]) => `${k} : ${v}`).join('\n')}\n\nRéférence : ${payload.id}\n`;
  const rows = lines.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const html = `<!doctype html><html><body><h1>${escapeHtml(subject)}</h1><table>${rows}</table><p>Référence : ${escapeHtml(payload.id)}</p></body></html>`;
  return { subject, text, html };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
