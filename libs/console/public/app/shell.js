import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { language, LANGUAGES, pick, setLanguage, t } from './i18n.js';
import { navigationFor, PAGES } from './pages.js';
import { currentDestination, match, navigate, rememberDestination, route } from './router.js';
import { logout, session } from './session.js';
import { showNotice } from './notice.js';
import { useStore } from './store.js';

export function App() {
  const current = useStore(session);
  const path = useStore(route);
  useStore(language);
  const view = viewOf(path, current);

  useEffect(() => {
    if (view.kind === 'redirect') navigate(view.to);
  }, [view.kind, view.to]);
  useEffect(() => {
    document.title = view.kind === 'page' ? `${pick(view.page.title)} · Hyperviseur` : 'Hyperviseur';
  });

  if (current.status === 'loading') return html`<p class="loading" role="status">${t('app.loading')}</p>`;
  if (view.kind === 'redirect') return null;
  return html`
    <${Layout} current=${current} path=${path}>
      ${view.kind === 'page' && html`<${PageView} page=${view.page} params=${view.params} path=${path} />`}
      ${view.kind === 'refused' && html`<${Message} title=${t('refused.title')} text=${t('refused.text')} home=${hasHome(current)} />`}
      ${view.kind === 'not-found' && html`<${Message} title=${t('notFound.title')} text=${t('notFound.text')} home=${hasHome(current)} />`}
    <//>
  `;
}

/** What the path shows to this session: a page, a redirection, a refusal or nothing found. */
function viewOf(path, current) {
  if (current.status === 'loading') return { kind: 'loading' };
  const signedIn = current.status === 'signed-in';
  for (const page of PAGES) {
    const params = match(page.path, path);
    if (!params) continue;
    if (page.roles === 'anonymous') {
      if (signedIn) return { kind: 'redirect', to: currentDestination() };
      return { kind: 'page', page, params };
    }
    if (!signedIn) {
      rememberDestination(path);
      return { kind: 'redirect', to: '/connexion' };
    }
    if (!page.roles.includes(current.user.role)) {
      // A role without the overview lands on the first page of its navigation (the public role: open data).
      const home = page.path === '/' ? navigationFor(current.user.role)[0] : undefined;
      return home ? { kind: 'redirect', to: home.path } : { kind: 'refused' };
    }
    return { kind: 'page', page, params };
  }
  return { kind: 'not-found' };
}

function Layout({ current, path, children }) {
  const signedIn = current.status === 'signed-in';
  const skip = (event) => {
    // The link's own #contenu would be taken for a route.
    event.preventDefault();
    document.getElementById('contenu')?.focus();
  };
  return html`
    <a class="skip-link" href="#contenu" onClick=${skip}>${t('app.skip')}</a>
    <header class="top">
      <p class="brand">Hyperviseur</p>
      ${signedIn && html`<${Navigation} role=${current.user.role} path=${path} />`}
      <div class="tools">
        <${LanguageSwitch} />
        ${signedIn && html`<${UserBox} current=${current} />`}
      </div>
    </header>
    <main id="contenu" tabindex="-1">${children}</main>
  `;
}

function Navigation({ role, path }) {
  const pages = navigationFor(role);
  if (!pages.length) return null;
  return html`
    <nav aria-label=${t('app.navigation')}>
      <ul>
        ${pages.map(
          (page) => html`<li><a href=${`#${page.path}`} aria-current=${page.path === path ? 'page' : undefined}>${pick(page.title)}</a></li>`,
        )}
      </ul>
    </nav>
  `;
}

function LanguageSwitch() {
  const current = useStore(language);
  return html`
    <div class="language" role="group" aria-label=${t('app.language')}>
      ${LANGUAGES.map(
        ({ code, name }) =>
          html`<button type="button" lang=${code} aria-pressed=${current === code ? 'true' : 'false'} onClick=${() => setLanguage(code)}>${name}</button>`,
      )}
    </div>
  `;
}

function UserBox({ current }) {
  const { user, tenantName } = current;
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await logout();
    } catch {
      // The session is forgotten on this side whatever the server answered.
    }
    showNotice('login.signedOut');
    navigate('/connexion');
  };
  const scope = user.tenant ? ` · ${tenantName ?? user.tenant}` : '';
  return html`
    <div class="user">
      <p>
        <span class="user-name">${user.name}</span>
        <span class="user-scope">${t(`role.${user.role}`)}${scope}</span>
      </p>
      <button type="button" onClick=${signOut} disabled=${busy}>${t('app.logout')}</button>
    </div>
  `;
}

function PageView({ page, params, path }) {
  const [loaded, setLoaded] = useState(null);
  const firstPage = useRef(true);
  useEffect(() => {
    let live = true;
    page.load().then(
      (module) => live && setLoaded({ page, Page: module.default }),
      (error) => live && setLoaded({ page, error }),
    );
    return () => {
      live = false;
    };
  }, [page]);
  const ready = loaded?.page === page;
  useEffect(() => {
    if (!ready) return;
    // After a navigation, focus goes to the new page's title so that a screen reader reads
    // it; on the first page it stays at the top, where the skip link is.
    if (firstPage.current) firstPage.current = false;
    else document.querySelector('#contenu h1')?.focus();
  }, [ready, path]);
  if (!ready) return html`<p role="status">${t('app.loading')}</p>`;
  if (loaded.error) return html`<${Message} title=${t('app.loadFailed')} text=${String(loaded.error.message ?? loaded.error)} />`;
  return html`<${loaded.Page} params=${params} />`;
}

function Message({ title, text, home }) {
  return html`
    <h1 tabindex="-1">${title}</h1>
    <p>${text}</p>
    ${home && html`<p><a href="#/">${t('app.home')}</a></p>`}
  `;
}

/** Whether `#/` opens a page for this session (a visitor's goes to sign in; some roles have none). */
function hasHome(current) {
  return current.status !== 'signed-in' || navigationFor(current.user.role).some((page) => page.path === '/');
}

