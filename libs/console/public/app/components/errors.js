import { ApiError } from '../api.js';
import { t } from '../i18n.js';

/** "3 minutes", "45 secondes": how long to wait, from a Retry-After in seconds. */
export function waitText(seconds) {
  if (seconds >= 90) return t('time.minutes', { n: Math.ceil(seconds / 60) });
  return t('time.seconds', { n: Math.max(1, seconds) });
}

/** The message for an error nobody expected: the server down, or an answer of its own. */
export function unexpectedError(error) {
  if (!(error instanceof ApiError)) return t('error.unreachable');
  if (error.status === 429) return t('error.tooMany', { wait: waitText(error.retryAfterS ?? 60) });
  if (error.status >= 500) return t('error.server', { status: error.status });
  return t('error.refused', { status: error.status, message: error.message });
}
