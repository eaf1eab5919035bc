import { api, ApiError, setCsrfToken, whenUnauthenticated } from './api.js';
import { createStore } from './store.js';

/**
 * `{ status: 'loading' | 'anonymous' | 'signed-in', user?, tenantName?, expired? }`.
 * The session itself is the HttpOnly cookie: the page never sees it, only the user it
 * stands for and the CSRF token that goes with it.
 */
export const session = createStore({ status: 'loading' });

whenUnauthenticated(() => signedOut({ expired: true }));

/** Picks up a session the cookie still holds (a reload, a second tab). */
export async function restoreSession() {
  try {
    await signedIn(await api.get('session'));
  } catch (error) {
    // 401: no session; anything else (the server unreachable): the sign-in page says so on use.
    signedOut(error instanceof ApiError ? {} : { unreachable: true });
  }
}

export async function login(email, password) {
  await signedIn(await api.post('session', { email, password }));
}

export async function logout() {
  try {
    await api.delete('session');
  } finally {
    signedOut();
  }
}

async function signedIn({ user, csrfToken, expiresAt }) {
  setCsrfToken(csrfToken);
  session.set({ status: 'signed-in', user, expiresAt, tenantName: null });
  if (user.tenant) {
    // The tenant's name for the header; its id will do if the territory cannot be read.
    try {
      const tenant = await api.get(`tenants/${encodeURIComponent(user.tenant)}`);
      if (session.get().user === user) session.set({ ...session.get(), tenantName: tenant.name });
    } catch {
      // Shown by id.
    }
  }
}

function signedOut(flags = {}) {
  setCsrfToken(null);
  session.set({ status: 'anonymous', ...flags });
}
