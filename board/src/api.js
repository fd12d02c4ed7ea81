// The board's only way to the node: the FATE-style /v1 API (POST, JSON envelope), the board's
// GET reads, and one shared EventSource on /v1/board/events for live changes.

export class ApiError extends Error {}

/** POSTs to a /v1 endpoint; resolves the envelope, rejects on HTTP errors. retcode != 0 is left to callers. */
export async function post(path, body = {}) {
  const res = await fetch(`/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new ApiError(`${path}: HTTP ${res.status}`);
  return res.json();
}

export async function get(path, query = {}) {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const res = await fetch(`/v1${path}${params.size ? `?${params}` : ''}`);
  const body = await res.json().catch(() => ({ retcode: 100, retmsg: `HTTP ${res.status}` }));
  if (!res.ok || body.retcode !== 0) throw new ApiError(body.retmsg ?? `HTTP ${res.status}`);
  return body.data;
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

/** Coalesces bursts (a task writes many events) into one call after `ms`. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
