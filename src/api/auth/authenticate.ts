// One Koa middleware before the /v1 routes: checks FATE-Flow 1.11's signed-request headers,
// refuses with FATE's retcodes (109 authentication, 108 permission) and a message that says what
// is wrong, and puts the caller's app key and role on ctx.state (appKey, appRole) for the routes
// and the audit metadata. Without configured app keys it lets everything through (a standalone
// node on 127.0.0.1; startNode refuses other exposures, see httpExposure.ts).
import type { Context, Next } from 'koa';
import { readRawBody } from '../body.js';
import { ApiError } from '../errors.js';
import { isMultipart } from '../multipart.js';
import { requiredRole, roleAllows, type AppKey } from './appKeys.js';
import { NonceCache } from './nonceCache.js';
import { CSRF_HEADER, csrfMatches, sessionCookieName, type BoardSessions } from './boardSessions.js';
import { sameSignature, signature, type SignedParts } from './signature.js';

/** FATE's RetCode.AUTHENTICATION_ERROR and RetCode.PERMISSION_ERROR. */
export const AUTHENTICATION_ERROR = 109;
export const PERMISSION_ERROR = 108;
/** FATE-Flow's MAX_TIMESTAMP_INTERVAL. */
export const MAX_SKEW_MS = 60_000;

const REQUIRED = ['TIMESTAMP', 'NONCE', 'APP_KEY', 'SIGNATURE'] as const;

export interface AuthOptions {
  readonly appKeys: readonly AppKey[];
  /** Board sessions (boardSessions.ts): a request without signature headers may carry one. */
  readonly sessions?: BoardSessions;
  /** Largest body read to check a signature (the JSON body limit). */
  readonly bodyLimit: number;
  readonly now?: () => number;
}

const refuse = (message: string): ApiError => new ApiError(AUTHENTICATION_ERROR, message);

export function authenticate(o: AuthOptions) {
  const keys = new Map(o.appKeys.map((k) => [k.key, k]));
  const nonces = new NonceCache(MAX_SKEW_MS);
  const now = o.now ?? Date.now;
  return async function authenticateRequest(ctx: Context, next: Next): Promise<void> {
    if (keys.size === 0 || !ctx.path.startsWith('/v1')) return next();
    // The board's session (cookie) stands in for a signature; a signed request is checked as ever.
    const session = !ctx.get('APP_KEY') && !ctx.get('SIGNATURE') ? o.sessions?.get(ctx.cookies.get(sessionCookieName(ctx.req.socket.localPort))) : undefined;
    if (session) {
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && !csrfMatches(session, ctx.get(CSRF_HEADER))) {
        throw refuse(`board session: the ${CSRF_HEADER} header must carry the session's CSRF token`);
      }
      const needed = requiredRole(ctx.path);
      if (!roleAllows(session.role, needed)) {
        throw new ApiError(PERMISSION_ERROR, `app key ${session.appKey} has role ${session.role}; ${ctx.path} needs role ${needed} or above`);
      }
      ctx.state.appKey = session.appKey;
      ctx.state.appRole = session.role;
      ctx.state.boardSession = true;
      return next();
    }
    const h = Object.fromEntries(REQUIRED.map((name) => [name, ctx.get(name)])) as Record<(typeof REQUIRED)[number], string>;
    const missing = REQUIRED.filter((name) => !h[name]);
    if (missing.length) throw refuse(`authentication required: headers ${REQUIRED.join(', ')} must be set (missing ${missing.join(', ')}); the fedflow CLI signs when FEDFLOW_APP_KEY and FEDFLOW_APP_SECRET are set`);
    if (!/^\d{1,16}$/.test(h.TIMESTAMP)) throw refuse('Invalid TIMESTAMP: milliseconds since the epoch expected');
    const timestamp = Number(h.TIMESTAMP);
    const clock = now();
    if (Math.abs(clock - timestamp) >= MAX_SKEW_MS) {
      throw refuse(`TIMESTAMP is more than ${MAX_SKEW_MS / 1000} seconds away from the server time (${Math.round((timestamp - clock) / 1000)} s); check the client's clock`);
    }
    if (h.NONCE.length > 128) throw refuse('Invalid NONCE: at most 128 characters');
    const key = keys.get(h.APP_KEY);
    if (!key) throw refuse(`Unknown APP_KEY ${JSON.stringify(h.APP_KEY.slice(0, 64))}`);

    const candidates = await signedBodies(ctx, o.bodyLimit);
    const base = { timestamp: h.TIMESTAMP, nonce: h.NONCE, appKey: key.key, pathWithQuery: ctx.originalUrl };
    if (!candidates.some((c) => sameSignature(signature(key.secret, { ...base, ...c }), h.SIGNATURE))) {
      throw refuse('signature authentication failed: SIGNATURE does not match the request (check the app secret, and sign the path with its query string and the exact body)');
    }
    if (!nonces.claim(key.key, h.NONCE, timestamp, clock)) throw refuse('NONCE already used: every signed request needs a fresh nonce');

    const needed = requiredRole(ctx.path);
    if (!roleAllows(key.role, needed)) {
      throw new ApiError(PERMISSION_ERROR, `app key ${key.key} has role ${key.role}; ${ctx.path} needs role ${needed} or above`);
    }
    ctx.state.appKey = key.key;
    ctx.state.appRole = key.role;
    ctx.state.signedRequest = true;
    return next();
  };
}

type BodyLines = Pick<SignedParts, 'jsonBody' | 'form'>;

/**
 * The body lines a correct signature may have covered. The body is read here (and kept on
 * ctx.state.rawBody for the route) so the signature binds it; a multipart upload is streamed and
 * signs only its path and query (FATE's CLI sends upload's fields in the query string), so the
 * upload route refuses multipart form fields on a signed request.
 */
async function signedBodies(ctx: Context, limit: number): Promise<BodyLines[]> {
  if (isMultipart(ctx)) return [{}];
  const raw = await readRawBody(ctx, limit);
  ctx.state.rawBody = raw;
  if (raw.length === 0) return [{}];
  const type = ctx.get('content-type').toLowerCase();
  const out: BodyLines[] = [{ jsonBody: raw }];
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const form: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) if (!(k in form)) form[k] = v;
    out.push({ form });
  }
  // fate_client signs b'' for a falsy JSON body ({}, [], null...): requests' `if kwargs.get('json')`.
  if (falsyJson(raw)) out.push({});
  return out;
}

function falsyJson(raw: Buffer): boolean {
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return !v || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0);
  } catch {
    return false;
  }
}
