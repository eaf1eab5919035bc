import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, withQuery } from '../../app/api.js';
import { unexpectedError } from '../../app/components/errors.js';
import { html } from '../../app/html.js';
import { formatNumber, t } from '../../app/i18n.js';
import { ALARM_TYPES, DOMAINS, hashQuery, parisTime, rememberListHash, replaceHashQuery, SEVERITIES, SeverityBadge, STATES, StateBadge, typeName } from './common.js';

const PATH = '/alarmes';
const PAGE_SIZE = 25;
/** How often the current query is asked again: a fault shows within seconds, without a reload. */
const POLL_MS = 5_000;
/** The filters kept in the hash, with the value each takes when absent. */
const DEFAULTS = { severity: '', domain: '', state: 'open', tenant: '', type: '', assignee: '', unassigned: false, includeSuppressed: false, offset: 0 };

/**
 * `#/alarmes`: the inbox of the alarms the user may see, newest first, filtered and paged,
 * asked again every few seconds while the tab is visible; new alarms are announced.
 */
export default function AlarmsPage() {
  const [filters, setFilters] = useState(readFilters);
  const [page, setPage] = useState(null);
  const [error, setError] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const [fresh, setFresh] = useState(() => new Set());
  const [updatedAt, setUpdatedAt] = useState(null);
  const communes = useCommunes();
  /** The ids already shown for the current query: those that appear later are new. */
  const seen = useRef(null);
  const sequence = useRef(0);

  const query = useMemo(() => apiQuery(filters), [filters]);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    const params = hashParams(filters);
    replaceHashQuery(PATH, params);
    rememberListHash(location.hash);
  }, [filters]);

  // A typed or shared address (or Back) changes the hash's query: the filters follow it.
  useEffect(() => {
    const follow = () => {
      if (location.hash.replace(/^#/, '').split('?')[0] === PATH) setFilters(readFilters());
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    seen.current = null;
    setFresh(new Set());
    let live = true;
    const load = async () => {
      const mine = ++sequence.current;
      try {
        const answer = await api.get(withQuery('alarms', query));
        if (!live || mine !== sequence.current) return;
        if (answer.alarms.length === 0 && answer.total > 0 && query.offset > 0) {
          // Alarms went away (cleared) under this page: back to the last page there is.
          setFilters((f) => ({ ...f, offset: Math.floor((answer.total - 1) / PAGE_SIZE) * PAGE_SIZE }));
          return;
        }
        const ids = answer.alarms.map((a) => a.id);
        if (seen.current) {
          const added = answer.alarms.filter((a) => !seen.current.has(a.id));
          if (added.length) {
            setAnnouncement(announce(added, communes.ref.current));
            setFresh((before) => new Set([...before, ...added.map((a) => a.id)]));
          }
          for (const id of ids) seen.current.add(id);
        } else seen.current = new Set(ids);
        setPage(answer);
        setError('');
        setUpdatedAt(new Date().toISOString());
      } catch (failure) {
        if (live && mine === sequence.current) setError(unexpectedError(failure));
      }
    };
    load();
    const timer = setInterval(() => {
      // A hidden tab asks nothing; it catches up as soon as it is shown again.
      if (!document.hidden) load();
    }, POLL_MS);
    const visible = () => {
      if (!document.hidden) load();
    };
    document.addEventListener('visibilitychange', visible);
    return () => {
      live = false;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [queryKey]);

  const change = (patch) => setFilters((before) => ({ ...before, offset: 0, ...patch }));

  return html`
    <h1 tabindex="-1">${t('alarms.title')}</h1>
    <${Filters} filters=${filters} change=${change} communes=${communes.list} />
    <div class="alert" role="alert">${error && html`<p>${error}</p>`}</div>
    <div class="live-news" aria-live="polite" aria-atomic="true" data-live="alarms">${announcement && html`<p>${announcement}</p>`}</div>
    ${!page && !error && html`<p role="status">${t('app.loading')}</p>`}
    ${page && html`<${Results} page=${page} filters=${filters} fresh=${fresh} names=${communes.names} updatedAt=${updatedAt} setOffset=${(offset) => setFilters((f) => ({ ...f, offset }))} />`}
  `;
}

function Filters({ filters, change, communes }) {
  const [assignee, setAssignee] = useState(filters.assignee);
  useEffect(() => setAssignee(filters.assignee), [filters.assignee]);
  const submit = (event) => {
    event.preventDefault();
    if (assignee.trim() !== filters.assignee) change({ assignee: assignee.trim() });
  };
  const select = (id, label, value, options, onChange) => html`
    <div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
        ${options.map(([v, text]) => html`<option value=${v} selected=${v === value}>${text}</option>`)}
      </select>
    </div>
  `;
  const types = ALARM_TYPES.includes(filters.type) || !filters.type ? ALARM_TYPES : [filters.type, ...ALARM_TYPES];
  return html`
    <form class="filters" onSubmit=${submit} aria-label=${t('alarms.filters')}>
      ${select('filter-severity', t('alarms.field.severity'), filters.severity, [['', t('alarms.any')], ...SEVERITIES.map((s) => [s, t(`alarms.severity.${s}`)])], (severity) => change({ severity }))}
      ${select('filter-domain', t('alarms.field.domain'), filters.domain, [['', t('alarms.any')], ...DOMAINS.map((d) => [d, t(`domain.${d}`)])], (domain) => change({ domain }))}
      ${select('filter-state', t('alarms.field.state'), filters.state, [...STATES.map((s) => [s, t(`alarms.filterState.${s}`)]), ['all', t('alarms.filterState.all')]], (state) => change({ state }))}
      ${select('filter-tenant', t('alarms.field.commune'), filters.tenant, [['', t('alarms.anyCommune')], ...communes.map((c) => [c.id, c.name])], (tenant) => change({ tenant }))}
      ${select('filter-type', t('alarms.field.type'), filters.type, [['', t('alarms.any')], ...types.map((type) => [type, typeName(type)])], (type) => change({ type }))}
      <div class="field">
        <label for="filter-assignee">${t('alarms.field.assignee')}</label>
        <input
          id="filter-assignee"
          type="text"
          value=${assignee}
          disabled=${filters.unassigned}
          onInput=${(e) => setAssignee(e.currentTarget.value)}
          onChange=${(e) => change({ assignee: e.currentTarget.value.trim() })}
        />
      </div>
      <div class="checks">
        <label><input type="checkbox" id="filter-unassigned" checked=${filters.unassigned} onChange=${(e) => change({ unassigned: e.currentTarget.checked })} /> ${t('alarms.unassigned')}</label>
        <label><input type="checkbox" id="filter-suppressed" checked=${filters.includeSuppressed} onChange=${(e) => change({ includeSuppressed: e.currentTarget.checked })} /> ${t('alarms.includeSuppressed')}</label>
      </div>
      <div class="filter-buttons">
        <button type="submit">${t('alarms.apply')}</button>
        <button type="button" onClick=${() => change({ ...DEFAULTS })}>${t('alarms.reset')}</button>
      </div>
    </form>
  `;
}

function Results({ page, filters, fresh, names, updatedAt, setOffset }) {
  const { total, alarms, offset } = page;
  const rows = ordered(alarms);
  const last = offset + alarms.length;
  // The new page is read from its heading (the button pressed may be disabled on the last page).
  const go = (to) => {
    setOffset(to);
    document.getElementById('alarms-results')?.focus();
  };
  return html`
    <section aria-labelledby="alarms-results">
      <h2 id="alarms-results" tabindex="-1">${t('alarms.results', { n: total })}</h2>
      <p class="as-of">
        ${total > 0 && html`<span data-range>${t('alarms.range', { from: formatNumber(offset + 1), to: formatNumber(last), total: formatNumber(total) })}</span>`}
        ${updatedAt && html` · ${t('alarms.updatedAt', { time: parisTime(updatedAt) })}`}
      </p>
      ${total === 0 && html`<p>${t('alarms.none')}</p>`}
      ${alarms.length > 0 &&
      html`
        <div class="table-wrap">
          <table class="data alarms-table">
            <thead>
              <tr>
                <th scope="col">${t('alarms.field.severity')}</th>
                <th scope="col">${t('alarms.field.alarm')}</th>
                <th scope="col">${t('alarms.field.device')}</th>
                <th scope="col">${t('alarms.field.commune')}</th>
                <th scope="col">${t('alarms.field.state')}</th>
                <th scope="col">${t('alarms.field.assignee')}</th>
                <th scope="col">${t('alarms.field.raisedAt')}</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(({ alarm, child }) => html`<${Row} key=${alarm.id} alarm=${alarm} child=${child} isNew=${fresh.has(alarm.id)} names=${names} />`)}
            </tbody>
          </table>
        </div>
      `}
      ${total > PAGE_SIZE &&
      html`
        <nav class="pager" aria-label=${t('alarms.pages')}>
          <button type="button" disabled=${offset === 0} onClick=${() => go(Math.max(0, offset - PAGE_SIZE))}>${t('alarms.previous')}</button>
          <button type="button" disabled=${last >= total} onClick=${() => go(offset + PAGE_SIZE)}>${t('alarms.next')}</button>
        </nav>
      `}
      ${filters.includeSuppressed && html`<p class="hint">${t('alarms.suppressedHint')}</p>`}
    </section>
  `;
}

function Row({ alarm, child, isNew, names }) {
  return html`
    <tr data-alarm=${alarm.id} class=${[child ? 'child' : '', isNew ? 'new' : ''].join(' ').trim() || undefined}>
      <td><${SeverityBadge} severity=${alarm.severity} /></td>
      <td>
        ${child && html`<span class="explained" aria-hidden="true">↳ </span>`}
        <a href=${`#/alarmes/${alarm.id}`}>${typeName(alarm.type)}</a>
        ${isNew && html` <span class="badge badge-new">${t('alarms.new')}</span>`}
        ${alarm.parentId && html`<br /><span class="hint">${t('alarms.explainedBy', { id: alarm.parentId })}</span>`}
      </td>
      <td>${alarm.device}</td>
      <td>${names.get(alarm.tenant) ?? alarm.tenant}</td>
      <td><${StateBadge} state=${alarm.state} /></td>
      <td>${alarm.assignee ?? html`<span class="muted">${t('alarms.nobody')}</span>`}</td>
      <td>${parisTime(alarm.raisedAt)}</td>
    </tr>
  `;
}

/** Each alarm, the ones it explains (on this page) right below it. */
function ordered(alarms) {
  const here = new Set(alarms.map((a) => a.id));
  const children = new Map();
  for (const a of alarms) {
    if (a.parentId && here.has(a.parentId)) children.set(a.parentId, [...(children.get(a.parentId) ?? []), a]);
  }
  const rows = [];
  for (const a of alarms) {
    if (a.parentId && here.has(a.parentId)) continue;
    rows.push({ alarm: a, child: false });
    for (const c of children.get(a.id) ?? []) rows.push({ alarm: c, child: true });
  }
  return rows;
}

/** The communes the user sees (the API scopes the list), for the filter and the names in the table. */
function useCommunes() {
  const [list, setList] = useState([]);
  const current = useRef(new Map());
  useEffect(() => {
    let live = true;
    api.get(withQuery('tenants', { kind: 'commune' })).then(
      ({ tenants }) => {
        if (!live) return;
        const sorted = [...tenants].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
        current.current = new Map(sorted.map((c) => [c.id, c.name]));
        setList(sorted);
      },
      // The filter then offers "every commune" only, and the table shows codes.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return { list, names: current.current, ref: current };
}

function announce(added, names) {
  if (added.length > 1) return t('alarms.newMany', { n: added.length });
  const [a] = added;
  return t('alarms.newOne', { type: typeName(a.type), device: a.device, commune: names.get(a.tenant) ?? a.tenant });
}

function readFilters() {
  const q = hashQuery();
  const offset = Number.parseInt(q.get('offset') ?? '0', 10);
  return {
    severity: oneOf(q.get('severity'), SEVERITIES),
    domain: oneOf(q.get('domain'), DOMAINS),
    state: oneOf(q.get('state'), [...STATES, 'all']) || DEFAULTS.state,
    tenant: q.get('tenant') ?? '',
    type: /^[a-z0-9_]{1,64}$/.test(q.get('type') ?? '') ? q.get('type') : '',
    assignee: q.get('assignee') && q.get('assignee') !== '-' ? q.get('assignee') : '',
    unassigned: q.get('assignee') === '-',
    includeSuppressed: q.get('includeSuppressed') === 'true',
    offset: Number.isFinite(offset) && offset > 0 ? offset - (offset % PAGE_SIZE) : 0,
  };
}

function oneOf(value, allowed) {
  return allowed.includes(value) ? value : '';
}

/** The filters as the hash keeps them: only those that differ from the defaults. */
function hashParams(filters) {
  const params = new URLSearchParams();
  for (const key of ['severity', 'domain', 'tenant', 'type']) if (filters[key]) params.set(key, filters[key]);
  if (filters.state !== DEFAULTS.state) params.set('state', filters.state);
  if (filters.unassigned) params.set('assignee', '-');
  else if (filters.assignee) params.set('assignee', filters.assignee);
  if (filters.includeSuppressed) params.set('includeSuppressed', 'true');
  if (filters.offset) params.set('offset', String(filters.offset));
  return params;
}

function apiQuery(filters) {
  return {
    severity: filters.severity || undefined,
    domain: filters.domain || undefined,
    state: filters.state === 'all' ? undefined : filters.state,
    tenant: filters.tenant || undefined,
    type: filters.type || undefined,
    assignee: filters.unassigned ? '-' : filters.assignee || undefined,
    includeSuppressed: filters.includeSuppressed ? 'true' : undefined,
    limit: PAGE_SIZE,
    offset: filters.offset,
  };
}
