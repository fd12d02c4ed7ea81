// The environment of a testsuite run, in FATE's examples/default_env.json format: which party ids
// play guest/host/arbiter (by position), work_mode, force_upload, and ip_map (where a party's
// uploads go). Pure: parseEnv checks a parsed JSON value; DEFAULT_ENV is FATE's test_default_env.json.

export type SuiteRole = 'guest' | 'host' | 'arbiter';
export const SUITE_ROLES: readonly SuiteRole[] = ['guest', 'host', 'arbiter'];

export interface SuiteEnv {
  /** Party ids per role, by position: `host_1` is role.host[1]. */
  role: Readonly<Record<SuiteRole, readonly number[]>>;
  /**
   * Where a party's data is uploaded. FATE maps a party id to an ssh host (-1 = this machine);
   * fedflow takes an http(s) URL of that party's node instead (-1 or absent = the `--server` node).
   */
  ipMap: Readonly<Record<string, string | -1>>;
  workMode: 0 | 1;
  backend: number;
  /** FATE's existing-table strategy: -1 keep an existing table (skip the upload), 0 append, 1 replace. */
  forceUpload: -1 | 0 | 1;
}

/** A bad env file or a bad reference into it (exit status 1, or one task's `submit_fail`). */
export class SuiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteError';
  }
}

/**
 * FATE 1.4.5's examples/test_default_env.json roles (guest 10000, hosts 9998…10002, arbiter 9999:
 * host_1 and arbiter are the same party) in standalone mode. force_upload is 1 here, not FATE's -1:
 * a rerun replaces the suite's tables instead of silently keeping whatever an earlier run left.
 */
export const DEFAULT_ENV: SuiteEnv = Object.freeze({
  role: Object.freeze({ guest: [10000], host: [9998, 9999, 10000, 10001, 10002], arbiter: [9999] }),
  ipMap: Object.freeze({}),
  workMode: 0,
  backend: 0,
  forceUpload: 1,
});

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function partyIds(value: unknown, where: string): number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SuiteError(`${where} must be a list of party ids`);
  return value.map((v, i) => {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new SuiteError(`${where}[${i}] must be a party id (a non-negative integer), got ${JSON.stringify(v)}`);
    return n;
  });
}

function choice<T extends number>(value: unknown, allowed: readonly T[], fallback: T, where: string): T {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (!allowed.includes(n as T)) throw new SuiteError(`${where} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return n as T;
}

/** Checks a parsed env file. Missing keys take DEFAULT_ENV's values; `role` must name at least a guest. */
export function parseEnv(value: unknown, name = 'env file'): SuiteEnv {
  if (!isObject(value)) throw new SuiteError(`${name} must hold a JSON object`);
  if (!isObject(value.role)) throw new SuiteError(`${name} has no "role" object ({"guest": [...], "host": [...], "arbiter": [...]})`);
  const roles = value.role;
  for (const key of Object.keys(roles)) {
    if (!(SUITE_ROLES as readonly string[]).includes(key)) throw new SuiteError(`${name}: unknown role "${key}" (guest, host or arbiter)`);
  }
  const role = {
    guest: partyIds(roles.guest, `${name} role.guest`),
    host: partyIds(roles.host, `${name} role.host`),
    arbiter: partyIds(roles.arbiter, `${name} role.arbiter`),
  };
  if (role.guest.length === 0) throw new SuiteError(`${name}: role.guest must name at least one party id`);
  const ipMap: Record<string, string | -1> = {};
  if (value.ip_map !== undefined) {
    if (!isObject(value.ip_map)) throw new SuiteError(`${name}: ip_map must be an object {party_id: -1 or node URL}`);
    for (const [party, where] of Object.entries(value.ip_map)) {
      if (where === -1 || where === '-1' || where === null) ipMap[party] = -1;
      else if (typeof where === 'string' && /^https?:\/\/\S+$/.test(where)) ipMap[party] = where.replace(/\/+$/, '');
      else {
        throw new SuiteError(
          `${name}: ip_map["${party}"] is ${JSON.stringify(where)}; fedflow uploads through a party's node, so give -1 (the --server node) or its URL (http://host:port), not an ssh host`,
        );
      }
    }
  }
  return {
    role,
    ipMap,
    workMode: choice(value.work_mode, [0, 1] as const, DEFAULT_ENV.workMode, `${name} work_mode`),
    backend: choice(value.backend, [0, 1] as const, 0, `${name} backend`),
    forceUpload: choice(value.force_upload, [-1, 0, 1] as const, DEFAULT_ENV.forceUpload, `${name} force_upload`),
  };
}

/** `guest_0`, `host_1`… → that party id. */
export function partyOf(env: SuiteEnv, roleRef: unknown): number {
  const m = typeof roleRef === 'string' ? /^(guest|host|arbiter)_(\d+)$/.exec(roleRef) : null;
  if (!m) throw new SuiteError(`role ${JSON.stringify(roleRef)} must look like guest_0, host_1 or arbiter_0`);
  const ids = env.role[m[1] as SuiteRole];
  const index = Number(m[2]);
  const id = ids[index];
  if (id === undefined) throw new SuiteError(`role ${roleRef}: the env has ${ids.length} ${m[1]} part${ids.length === 1 ? 'y' : 'ies'}`);
  return id;
}
