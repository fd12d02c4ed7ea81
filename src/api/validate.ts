// Field checks that answer in FATE's own words. The required-arguments message is exactly
// `the following arguments are required: <missing keys joined by ","> <bad keys as key=expected joined by ",">`.
import { badRequest } from './errors.js';

export function requiredArgumentsMessage(missing: readonly string[], bad: readonly string[]): string {
  return `the following arguments are required: ${missing.join(',')} ${bad.join(',')}`;
}

type Body = Record<string, unknown>;

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** Throws the contract's message when any of `keys` is absent (or null/empty). */
export function requireKeys(body: Body, keys: readonly string[]): void {
  const missing = keys.filter((k) => !present(body[k]));
  if (missing.length) throw badRequest(requiredArgumentsMessage(missing, []));
}

/** A value that must be one of `allowed`; numeric strings count (multipart sends strings). */
export function intIn(body: Body, key: string, allowed: readonly number[], expected: string): number {
  const n = toInt(body[key]);
  if (n === undefined || !allowed.includes(n)) throw badRequest(requiredArgumentsMessage([], [`${key}=${expected}`]));
  return n;
}

export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** A non-empty string of at most 256 characters with no control characters. */
export function name(body: Body, key: string): string {
  const v = body[key];
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string' || v.trim() === '' || v.length > 256 || /[\u0000-\u001f]/.test(v)) {
    throw badRequest(requiredArgumentsMessage([], [`${key}=<non-empty string>`]));
  }
  return v;
}

export function optionalString(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw badRequest(requiredArgumentsMessage([], [`${key}=<string>`]));
}

export function optionalInt(body: Body, key: string, min: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = toInt(v);
  if (n === undefined || n < min) throw badRequest(requiredArgumentsMessage([], [`${key}=<integer >= ${min}>`]));
  return n;
}
