// FATE-Flow 1.11's client signature (fate_client's flow_sdk / flow_cli sign exactly this way):
// SIGNATURE = base64(HMAC-SHA1(secret, six lines joined by '\n')):
//   TIMESTAMP (ms), NONCE, APP_KEY, the path with its query string (no trailing '?'),
//   the raw body when it is JSON (else empty), the form fields sorted and RFC 3986-encoded when
//   the body is a form (else empty).
// Pure apart from node:crypto, so the node, the CLI and serving share it.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { compareCodePoints } from '../../text/codePointOrder.js';

export interface SignedParts {
  readonly timestamp: string;
  readonly nonce: string;
  readonly appKey: string;
  /** Path and query as sent on the request line, e.g. `/v1/job/query` or `/v1/data/upload?x=1`. */
  readonly pathWithQuery: string;
  /** The raw JSON body (empty when the body is not JSON). */
  readonly jsonBody?: Buffer | string;
  /** Form fields (url-encoded bodies); absent or empty when the body is not a form. */
  readonly form?: Readonly<Record<string, string>>;
}

/** Python's `quote(s, safe='-._~')`: every byte of the UTF-8 form but RFC 3986's unreserved ones escaped. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `urlencode(sorted(form.items()), quote_via=quote, safe='-._~')`: sorted by key (then value) as Python sorts tuples. */
export function formLine(form: Readonly<Record<string, string>> | undefined): string {
  if (!form) return '';
  const entries = Object.entries(form).sort(([a, x], [b, y]) => compareCodePoints(a, b) || compareCodePoints(x, y));
  return entries.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
}

export function signature(secret: string, parts: SignedParts): string {
  const path = parts.pathWithQuery.endsWith('?') ? parts.pathWithQuery.slice(0, -1) : parts.pathWithQuery;
  const body = parts.jsonBody === undefined ? Buffer.alloc(0) : Buffer.isBuffer(parts.jsonBody) ? parts.jsonBody : Buffer.from(parts.jsonBody, 'utf8');
  const nl = Buffer.from('\n');
  const message = Buffer.concat([
    Buffer.from(parts.timestamp), nl, Buffer.from(parts.nonce), nl, Buffer.from(parts.appKey), nl, Buffer.from(path), nl, body, nl,
    Buffer.from(formLine(parts.form)),
  ]);
  return createHmac('sha1', secret).update(message).digest('base64');
}

/** Constant-time comparison of two base64 signatures. */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Credentials {
  readonly appKey: string;
  readonly secret: string;
}

/** FEDFLOW_APP_KEY + FEDFLOW_APP_SECRET (both or neither). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  const appKey = env.FEDFLOW_APP_KEY?.trim();
  const secret = env.FEDFLOW_APP_SECRET;
  return appKey && secret ? { appKey, secret } : undefined;
}

/** The four headers a client adds (what fate_client adds: a ms timestamp and a fresh nonce). */
export function signedHeaders(
  credentials: Credentials,
  pathWithQuery: string,
  body: { json?: Buffer | string; form?: Readonly<Record<string, string>> } = {},
  now: number = Date.now(),
  nonce: string = randomUUID(),
): Record<string, string> {
  const timestamp = String(Math.round(now));
  const sig = signature(credentials.secret, {
    timestamp, nonce, appKey: credentials.appKey, pathWithQuery,
    ...(body.json !== undefined ? { jsonBody: body.json } : {}),
    ...(body.form !== undefined ? { form: body.form } : {}),
  });
  return { TIMESTAMP: timestamp, NONCE: nonce, APP_KEY: credentials.appKey, SIGNATURE: sig };
}
