// The board's only way to the node: the FATE-style /v1 API (POST, JSON envelope), the board's
// GET reads, and one shared EventSource on /v1/board/events for live changes.

export class ApiError extends Error {}

/** FATE's retcode for a refused authentication: the board then asks for a login. */
export const AUTHENTICATION_ERROR = 109;

/**
 * The board's session on a node with app keys: the HttpOnly cookie rides along by itself; the
 * CSRF token (from the login answer or GET /v1/board/session) goes in a header on every POST.
 */
export const auth = { state: 'unknown', appKey: undefined, role: undefined, csrf: undefined };

function loginRequired(body) {
  if (body?.retcode !== AUTHENTICATION_ERROR) return;
  auth.state = 'required';
  dispatchEvent(new CustomEvent('fedflow:login-required', { detail: body.retmsg }));
}

const headers = (extra = {}) => ({ ...(auth.csrf ? { 'x-fedflow-csrf': auth.csrf } : {}), ...extra });

/**
 * POSTs wait for the first session check (they need its CSRF token); GETs do not, so the first
 * page's read runs alongside it.
 */
let sessionChecked = Promise.resolve();

/** POSTs to a /v1 endpoint; resolves the envelope, rejects on HTTP errors. retcode != 0 is left to callers. */
export async function post(path, body = {}) {
  await sessionChecked.catch(() => {});
  const res = await fetch(`/v1${path}`, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  if (!res.ok) throw new ApiError(`${path}: HTTP ${res.status}`);
  const answer = await res.json();
  loginRequired(answer);
  return answer;
}

export async function get(path, query = {}) {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const res = await fetch(`/v1${path}${params.size ? `?${params}` : ''}`, { headers: headers() });
  const body = await res.json().catch(() => ({ retcode: 100, retmsg: `HTTP ${res.status}` }));
  loginRequired(body);
  if (!res.ok || body.retcode !== 0) throw new ApiError(body.retmsg ?? `HTTP ${res.status}`);
  return body.data;
}

/** Asks the node who the board is: `off` (no app keys), `on` (a live session) or `required`. */
export function checkSession() {
  const checked = askSession();
  sessionChecked = checked;
  return checked;
}

async function askSession() {
  const res = await fetch('/v1/board/session', { headers: headers() });
  const body = await res.json().catch(() => ({ retcode: 100 }));
  if (body.retcode === AUTHENTICATION_ERROR) return (auth.state = 'required');
  if (body.retcode !== 0) throw new ApiError(body.retmsg ?? `HTTP ${res.status}`);
  Object.assign(auth, { state: body.data.auth, appKey: body.data.app_key, role: body.data.role, csrf: body.data.csrf_token });
  return auth.state;
}

/**
 * Opens a session: the one request the browser signs (FATE-Flow's scheme, sign.js). The secret is
 * used here and dropped; the node answers an HttpOnly cookie and the CSRF token.
 */
export async function login(appKey, secret) {
  const { signedHeaders } = await import('./sign.js');
  const body = JSON.stringify({ board: true });
  const res = await fetch('/v1/board/session', { method: 'POST', headers: { 'content-type': 'application/json', ...(await signedHeaders(appKey, secret, '/v1/board/session', body)) }, body });
  const answer = await res.json().catch(() => ({ retcode: 100, retmsg: `HTTP ${res.status}` }));
  if (answer.retcode !== 0) throw new ApiError(answer.retmsg);
  Object.assign(auth, { state: answer.data.auth, appKey: answer.data.app_key, role: answer.data.role, csrf: answer.data.csrf_token });
  restartLive();
  return auth;
}

export async function logout() {
  await post('/board/session/end', {}).catch(() => {});
  Object.assign(auth, { state: 'required', appKey: undefined, role: undefined, csrf: undefined });
  dispatchEvent(new CustomEvent('fedflow:login-required', { detail: 'logged out' }));
}

/** Data of a successful answer, or `fallback` when the node answers "no data" or an error. */
export async function postData(path, body, fallback = undefined) {
  try {
    const answer = await post(path, body);
    return answer.retcode === 0 && answer.data !== undefined ? answer : { ...answer, data: fallback };
  } catch {
    return { retcode: 100, data: fallback };
  }
}

const listeners = new Set();
let source;
export const live = { connected: false, position: '0' };

/** Calls `listener(change)` for each job/component change; returns the way to stop. */
export function onChange(listener) {
  listeners.add(listener);
  if (!source) {
    // EventSource reconnects by itself and sends Last-Event-ID, so the node resumes where it stopped.
    source = new EventSource('/v1/board/events');
    source.addEventListener('hello', (e) => {
      live.connected = true;
      live.position = JSON.parse(e.data).position;
      document.body.dataset.live = 'on';
    });
    source.addEventListener('change', (e) => {
      const change = JSON.parse(e.data);
      live.position = change.position;
      for (const l of listeners) l(change);
    });
    source.addEventListener('reset', () => {
      for (const l of listeners) l({ type: 'reset' });
    });
    source.onerror = () => {
      live.connected = false;
      document.body.dataset.live = 'off';
    };
  }
  return () => listeners.delete(listener);
}

/** After a login the stream is opened again, now with the session cookie. */
function restartLive() {
  if (!source) return;
  source.close();
  source = undefined;
  if (listeners.size) onChange([...listeners][0]);
}

/** Coalesces bursts (a task writes many events) into one call after `ms`. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
