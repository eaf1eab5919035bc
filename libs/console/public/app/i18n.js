import { createStore } from './store.js';
import fr from './i18n/fr.js';
import en from './i18n/en.js';

/** Every string a person reads comes from one of these catalogues; French first. */
export const CATALOGUES = { fr, en };
export const LANGUAGES = [
  { code: 'fr', name: 'Français' },
  { code: 'en', name: 'English' },
];
const DEFAULT_LANGUAGE = 'fr';
const STORAGE_KEY = 'hv.language';

export const language = createStore(storedLanguage());
document.documentElement.lang = language.get();

export function setLanguage(code) {
  if (!(code in CATALOGUES)) return;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Storage refused (private mode): the choice lasts until the page is reloaded.
  }
  document.documentElement.lang = code;
  language.set(code);
}

/** The message `key` in the current language; a function message receives `params`. */
export function t(key, params) {
  const message = CATALOGUES[language.get()][key] ?? CATALOGUES[DEFAULT_LANGUAGE][key];
  if (message === undefined) return key;
  return typeof message === 'function' ? message(params ?? {}) : message;
}

/** A localised value of a `{ fr, en }` pair (page titles in the registry). */
export function pick(pair) {
  return pair[language.get()] ?? pair[DEFAULT_LANGUAGE];
}

export function formatNumber(n) {
  return new Intl.NumberFormat(language.get()).format(n);
}

export function formatTime(iso) {
  return new Intl.DateTimeFormat(language.get(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

function storedLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored && stored in CATALOGUES ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}
