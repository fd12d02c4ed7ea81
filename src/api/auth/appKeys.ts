// App keys and their roles. admin: everything; user: data, jobs, tracking, models (not the party
// permissions); reader: queries only. A path not named below needs admin, so a route added later
// is closed until someone decides who may call it.

export const ROLES = ['reader', 'user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AppKey {
  readonly key: string;
  readonly secret: string;
  readonly role: Role;
}

const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/**
 * `<key>:<secret>[:<role>]` (role defaults to admin, FATE's single key could do everything).
 * A secret may hold ':' as long as the last part is not a role name.
 */
export function parseAppKey(spec: string): AppKey {
  const text = spec.trim();
  const first = text.indexOf(':');
  if (first <= 0) throw new Error(`app key must be <key>:<secret>[:<role>], got '${text.split(':')[0] ?? ''}:…'`);
  const key = text.slice(0, first);
  let secret = text.slice(first + 1);
  let role: Role = 'admin';
  const last = secret.lastIndexOf(':');
  if (last > 0 && isRole(secret.slice(last + 1))) {
    role = secret.slice(last + 1) as Role;
    secret = secret.slice(0, last);
  }
  // FATE signs with secret.encode('ascii'); keys go in a header.
  if (!/^[\x21-\x7e]+$/.test(key)) throw new Error(`app key '${key}' must be printable ASCII without spaces`);
  if (secret.length < 8 || !/^[\x20-\x7e]+$/.test(secret)) throw new Error(`app key ${key}: the secret must be at least 8 printable ASCII characters`);
  return Object.freeze({ key, secret, role });
}

/** A list (config file), or `FEDFLOW_APP_KEYS`' comma-separated text. Duplicate keys are refused. */
export function parseAppKeys(input: unknown): readonly AppKey[] {
  const specs = typeof input === 'string' ? input.split(',').map((s) => s.trim()).filter(Boolean) : input;
  if (!Array.isArray(specs)) throw new Error('appKeys must be a list of <key>:<secret>[:<role>]');
  const keys = specs.map((s) => {
    if (typeof s === 'string') return parseAppKey(s);
    if (s && typeof s === 'object' && typeof (s as AppKey).key === 'string') {
      const o = s as { key: string; secret?: unknown; role?: unknown };
      return parseAppKey(`${o.key}:${String(o.secret ?? '')}${o.role ? `:${String(o.role)}` : ''}`);
    }
    throw new Error('appKeys must be a list of <key>:<secret>[:<role>]');
  });
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.key)) throw new Error(`app key ${k.key} is given twice`);
    seen.add(k.key);
  }
  return Object.freeze(keys);
}

/** Read-only endpoints: a reader may call them. */
const QUERIES: readonly RegExp[] = [
  /^\/v1\/job\/(query|config|task\/query|list\/job|list\/task|data_view_query)$/,
  /^\/v1\/data\/upload\/history$/,
  /^\/v1\/table\/(table_info|list)$/,
  // Every tracking read; deleting metrics is work on a job (user).
  /^\/v1\/tracking\/(?!component\/metric\/delete$)/,
  /^\/v1\/job\/(log|data\/view\/query)$/,
  /^\/v1\/version\/get$/,
  /^\/v1\/board\//,
  /^\/v1\/pipeline\/dag\/dependency$/,
  /^\/v1\/permission\/(query|query\/privilege)$/,
  /^\/v1\/audit(\/|$)/,
  /^\/v1\/openapi\.json$/,
];
/** Work on data, jobs and models. */
const USER: readonly RegExp[] = [/^\/v1\/(data|table|job|model|tracking|pipeline)\//, /^\/v1\/testsuite(\/|$)/];

/** The weakest role allowed to call a path (the permission endpoints that change grants are admin only). */
export function requiredRole(path: string): Role {
  if (QUERIES.some((r) => r.test(path))) return 'reader';
  if (USER.some((r) => r.test(path))) return 'user';
  return 'admin';
}

export const roleAllows = (held: Role, needed: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(needed);
