import { createStore } from './store.js';

/** A message for the next page (after sign-out, or a password set: "now sign in"), by key. */
export const notice = createStore(null);

export function showNotice(key) {
  notice.set(key);
}

/** The pending notice, once. */
export function takeNotice() {
  const key = notice.get();
  notice.set(null);
  return key;
}
