import { createStore } from './store.js';

// Pages are hash routes (`/#/connexion`): the server serves one shell at `/`, and a typed
// or bookmarked address always reaches the console.
export const route = createStore(currentPath());

window.addEventListener('hashchange', () => route.set(currentPath()));

/** Where a person sent to the sign-in page was going. */
let destination = '/';

export function rememberDestination(path) {
  destination = path;
}

export function currentDestination() {
  return destination;
}

/** After signing in: back where the person was going (the overview by default). */
export function goToDestination() {
  const to = destination;
  destination = '/';
  navigate(to);
}

export function navigate(path) {
  if (currentPath() === path) route.set(path);
  else location.hash = `#${path}`;
}

/** The params of `pattern` (`/invitation/:token`) in `path`, or null when it does not match. */
export function match(pattern, path) {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!got[i]) return null;
      params[want[i].slice(1)] = decodeURIComponent(got[i]);
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

function currentPath() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  return path.startsWith('/') ? path : '/';
}
