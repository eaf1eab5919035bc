// The one path to the data: the public HTTP API, with the session cookie. State-changing
// requests carry the session's CSRF token (the cookie alone would let another site's form
// act in the user's name).
const BASE = '/api/v1/';

let csrfToken = null;
let onUnauthenticated = () => {};

export class ApiError extends Error {
  constructor(status, body, retryAfterS) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    /** Seconds the server asks to wait (429, 503), or null. */
    this.retryAfterS = retryAfterS;
  }

  /** True when the answer's issues name this field (`body.token`, `body.password`). */
  names(field) {
    return (this.body?.issues ?? []).some((issue) => issue.field === field);
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when an authenticated request answers 401: the session expired or was closed. */
export function whenUnauthenticated(callback) {
  onUnauthenticated = callback;
}

export async function request(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(BASE + path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok) {
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    const error = new ApiError(response.status, data, Number.isFinite(retryAfter) ? retryAfter : null);
    if (response.status === 401 && csrfToken) onUnauthenticated(error);
    throw error;
  }
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  put: (path, body) => request('PUT', path, body ?? {}),
  delete: (path) => request('DELETE', path),
};

/** `path?k=v&…`, leaving out undefined values. */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
