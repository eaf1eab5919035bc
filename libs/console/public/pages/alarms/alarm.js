import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, t } from '../../app/i18n.js';
import { listHash, parisTime, SeverityBadge, StateBadge, typeName } from './common.js';

/**
 * `#/alarmes/<id>`: an alarm, the alarms it explains, its history and the actions a person
 * takes on it. An alarm outside the user's scope is a 404 from the API, shown as "not
 * found": the page never learns whether it exists.
 */
export default function AlarmPage({ params }) {
  const id = /^\d{1,15}$/.test(params.id) ? Number(params.id) : null;
  const [alarm, setAlarm] = useState(null);
  const [missing, setMissing] = useState(id === null);
  const [error, setError] = useState('');
  const [tenantName, setTenantName] = useState(null);

  const reload = async () => {
    const found = await api.get(`alarms/${id}`);
    setAlarm(found);
    return found;
  };

  useEffect(() => {
    if (id === null) return;
    let live = true;
    setAlarm(null);
    setMissing(false);
    setError('');
    api.get(`alarms/${id}`).then(
      (found) => {
        if (!live) return;
        setAlarm(found);
        api.get(`tenants/${encodeURIComponent(found.tenant)}`).then(
          (tenant) => live && setTenantName(tenant.name),
          () => undefined,
        );
      },
      (failure) => {
        if (!live) return;
        if (failure instanceof ApiError && (failure.status === 404 || failure.status === 400)) setMissing(true);
        else setError(unexpectedError(failure));
      },
    );
    return () => {
      live = false;
    };
  }, [id]);

  const back = html`<p><a href=${listHash()}>${t('alarm.back')}</a></p>`;
  if (missing)
    return html`
      <h1 tabindex="-1">${t('alarm.notFoundTitle')}</h1>
      <p>${t('alarm.notFoundText')}</p>
      ${back}
    `;
  if (error)
    return html`
      <h1 tabindex="-1">${t('alarm.title', { id: params.id })}</h1>
      <div class="alert" role="alert"><p>${error}</p></div>
      ${back}
    `;
  if (!alarm) return html`<h1 tabindex="-1">${t('alarm.title', { id: params.id })}</h1><p role="status">${t('app.loading')}</p>`;

  return html`
    <h1 tabindex="-1">${t('alarm.heading', { id: alarm.id, type: typeName(alarm.type) })}</h1>
    ${back}
    <div class="alarm-layout">
      <section aria-labelledby="alarm-facts" class="panel">
        <h2 id="alarm-facts">${t('alarm.facts')}</h2>
        <${Facts} alarm=${alarm} tenantName=${tenantName} />
      </section>
      <${Actions} alarm=${alarm} reload=${reload} />
    </div>
    ${alarm.explains.length > 0 &&
    html`
      <section aria-labelledby="alarm-explains">
        <h2 id="alarm-explains">${t('alarm.explains', { n: alarm.explains.length })}</h2>
        <ul class="explains">
          ${alarm.explains.map((child) => html`<li><a href=${`#/alarmes/${child}`}>${t('alarm.number', { id: child })}</a></li>`)}
        </ul>
      </section>
    `}
    <${History} events=${alarm.history} />
  `;
}

function Facts({ alarm, tenantName }) {
  const rows = [
    ['severity', html`<${SeverityBadge} severity=${alarm.severity} />`],
    ['state', html`<${StateBadge} state=${alarm.state} />`],
    ['type', html`${typeName(alarm.type)} <code>${alarm.type}</code>`],
    ['domain', t(`domain.${alarm.domain}`)],
    ['kind', t(`alarm.kind.${alarm.kind}`)],
    ['source', t(`alarm.source.${alarm.source}`)],
    ['device', alarm.device],
    ['commune', tenantName ? `${tenantName} (${alarm.tenant})` : alarm.tenant],
    ['since', parisTime(alarm.since)],
    ['raisedAt', parisTime(alarm.raisedAt)],
    alarm.value !== null && ['value', formatNumber(alarm.value)],
    ['assignee', alarm.assignee ?? t('alarms.nobody')],
    alarm.acknowledgedAt && ['acknowledged', t('alarm.byAt', { by: alarm.acknowledgedBy ?? '?', at: parisTime(alarm.acknowledgedAt) })],
    alarm.clearedAt && ['cleared', t('alarm.byAt', { by: alarm.clearedBy ?? '?', at: parisTime(alarm.clearedAt) })],
    alarm.parentId && ['parent', html`<a href=${`#/alarmes/${alarm.parentId}`}>${t('alarm.number', { id: alarm.parentId })}</a>`],
    alarm.savings && ['savings', t('alarm.savingsValue', { kwh: formatNumber(alarm.savings.kwh), eur: formatNumber(alarm.savings.eur), kgco2: formatNumber(alarm.savings.kgco2) })],
  ].filter(Boolean);
  return html`
    <dl class="facts">
      ${rows.map(
        ([key, value]) => html`
          <div data-fact=${key}>
            <dt>${t(`alarm.fact.${key}`)}</dt>
            <dd>${value}</dd>
          </div>
        `,
      )}
    </dl>
  `;
}

/**
 * The actions, each through the API with the session's CSRF header; one optional comment
 * goes with whichever is taken (a comment alone is an action of its own).
 */
function Actions({ alarm, reload }) {
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState(alarm.assignee ?? '');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const [error, setError] = useState('');
  useEffect(() => setAssignee(alarm.assignee ?? ''), [alarm.assignee]);

  const act = async (action, path, body) => {
    setBusy(true);
    setError('');
    setDone('');
    try {
      await api.post(`alarms/${alarm.id}/${path}`, body);
      setComment('');
      await reload();
      setDone(t(`alarm.done.${action}`));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) {
        setError(t('alarm.conflict', { message: failure.message }));
        await reload().catch(() => undefined);
      } else if (failure instanceof ApiError && failure.status === 400) setError(t('alarm.invalid', { message: issuesText(failure) }));
      else setError(unexpectedError(failure));
    } finally {
      setBusy(false);
    }
  };
  const withComment = (body = {}) => (comment.trim() ? { ...body, comment: comment.trim() } : body);

  const open = alarm.state !== 'cleared';
  return html`
    <section aria-labelledby="alarm-actions" class="panel">
      <h2 id="alarm-actions">${t('alarm.actions')}</h2>
      <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
      <div role="status">${done && html`<p class="notice">${done}</p>`}</div>
      <form onSubmit=${(e) => e.preventDefault()} class="actions">
        <div class="field">
          <label for="alarm-comment">${t('alarm.comment')}</label>
          <p class="hint" id="alarm-comment-hint">${t('alarm.commentHint')}</p>
          <textarea id="alarm-comment" rows="3" maxlength="2000" aria-describedby="alarm-comment-hint" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)}></textarea>
        </div>
        <div class="action-buttons">
          ${alarm.state === 'active' && html`<button type="button" class="primary" disabled=${busy} onClick=${() => act('acknowledged', 'acknowledge', withComment())}>${t('alarm.acknowledge')}</button>`}
          ${open && html`<button type="button" disabled=${busy} onClick=${() => act('cleared', 'clear', withComment())}>${t('alarm.clear')}</button>`}
          <button type="button" disabled=${busy || !comment.trim()} onClick=${() => act('commented', 'comments', { comment: comment.trim() })}>${t('alarm.addComment')}</button>
        </div>
        ${open &&
        html`
          <div class="field assign">
            <label for="alarm-assignee">${t('alarm.assignTo')}</label>
            <input id="alarm-assignee" type="text" maxlength="200" value=${assignee} onInput=${(e) => setAssignee(e.currentTarget.value)} />
          </div>
          <div class="action-buttons">
            <button type="button" disabled=${busy || !assignee.trim() || assignee.trim() === alarm.assignee} onClick=${() => act('assigned', 'assign', withComment({ assignee: assignee.trim() }))}>${t('alarm.assign')}</button>
            ${alarm.assignee && html`<button type="button" disabled=${busy} onClick=${() => act('unassigned', 'assign', withComment({ assignee: null }))}>${t('alarm.unassign')}</button>`}
          </div>
        `}
      </form>
    </section>
  `;
}

function History({ events }) {
  return html`
    <section aria-labelledby="alarm-history">
      <h2 id="alarm-history">${t('alarm.history')}</h2>
      ${events.length === 0 && html`<p>${t('alarm.noHistory')}</p>`}
      ${events.length > 0 &&
      html`
        <div class="table-wrap">
          <table class="data history">
            <thead>
              <tr>
                <th scope="col">${t('alarm.event.at')}</th>
                <th scope="col">${t('alarm.event.event')}</th>
                <th scope="col">${t('alarm.event.actor')}</th>
                <th scope="col">${t('alarm.event.detail')}</th>
                <th scope="col">${t('alarm.event.comment')}</th>
              </tr>
            </thead>
            <tbody>
              ${events.map(
                (e) => html`
                  <tr data-event=${e.event}>
                    <td>${parisTime(e.at)}</td>
                    <td>${t(`alarm.eventName.${e.event}`)}</td>
                    <td>${actorName(e.actor)}</td>
                    <td>${detailText(e)}</td>
                    <td class="comment">${e.comment ?? ''}</td>
                  </tr>
                `,
              )}
            </tbody>
          </table>
        </div>
      `}
    </section>
  `;
}

function actorName(actor) {
  if (actor === 'rules') return t('alarm.actor.rules');
  if (actor === 'device') return t('alarm.actor.device');
  return actor ?? '';
}

/** The detail means the severity (raised, escalated), the assignee, or the explaining alarm. */
function detailText(e) {
  if (!e.detail) return '';
  if ((e.event === 'raised' || e.event === 'escalated') && ['critical', 'major', 'minor', 'info'].includes(e.detail)) return t(`alarms.severity.${e.detail}`);
  if (e.event === 'suppressed' || e.event === 'released') return t('alarm.number', { id: e.detail });
  return e.detail;
}

function issuesText(failure) {
  const issues = failure.body?.issues ?? [];
  return issues.length ? issues.map((i) => i.message).join(' ; ') : failure.message;
}
