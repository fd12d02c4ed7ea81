// Plain-JSON helpers shared by the DSL/conf modules. User documents are untrusted: every lookup
// is an own-property lookup (a module called "constructor" or a key "__proto__" stays data), and
// copies are deep so a plan never aliases the caller's objects.

export type JsonPrimitive = string | number | boolean | null;
export type Json = JsonPrimitive | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `obj[key]` only when `key` is the object's own property. */
export function own(obj: unknown, key: string): unknown {
  return isPlainObject(obj) && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function hasOwn(obj: unknown, key: string): boolean {
  return isPlainObject(obj) && Object.prototype.hasOwnProperty.call(obj, key);
}

/** Sets an own, enumerable property, even for the key `__proto__`. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  // Only `__proto__` has a setter on a plain object; every other key is an ordinary assignment,
  // which is much cheaper than defineProperty (plans are built on every submit and every start).
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Deep copy of a JSON value; `undefined` and functions inside objects are dropped, as JSON would. */
export function cloneJson(value: unknown): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : cloneJson(v)));
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && typeof v !== 'function') setOwn(out, k, cloneJson(v));
    }
    return out;
  }
  return null;
}

export const cloneObject = (value: JsonObject): JsonObject => cloneJson(value) as JsonObject;

/**
 * Deep merge of `patch` into a copy of `base`: objects merge key by key, anything else replaces.
 * With `keep`, top-level keys of `patch` that `keep` rejects are ignored.
 */
export function mergeJson(base: JsonObject, patch: JsonObject, keep?: (key: string) => boolean): JsonObject {
  const out = cloneObject(base);
  for (const [k, v] of Object.entries(patch)) {
    if (keep && !keep(k)) continue;
    const current = own(out, k);
    setOwn(out, k, isPlainObject(current) && isPlainObject(v) ? mergeJson(current, v) : cloneJson(v));
  }
  return out;
}

/** Python-ish rendering of a value inside an error message. */
export const show = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : value === undefined ? 'None' : JSON.stringify(value);
