// FATE's response envelope. FATE 1.1–1.4 drop every key but retcode whose value is falsy
// (null, "", 0, false, [], {}): clients see `{"retcode":0,"retmsg":"no data"}` without `data`.
// The rule is switchable because FATE 1.5 drops only nulls.

export interface Envelope {
  retcode: number;
  retmsg?: string;
  data?: unknown;
  jobId?: string;
  meta?: unknown;
}

export type OmissionRule = 'falsy' | 'null';

function isFalsy(value: unknown): boolean {
  if (!value) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

/** Keys come out in FATE's (sorted) order: data, jobId, meta, retcode, retmsg. */
export function envelope(body: Envelope, rule: OmissionRule = 'falsy'): Envelope {
  const out: Record<string, unknown> = {};
  for (const key of ['data', 'jobId', 'meta', 'retcode', 'retmsg'] as const) {
    const value = body[key];
    const omit = key !== 'retcode' && (rule === 'falsy' ? isFalsy(value) : value === null || value === undefined);
    if (!omit) out[key] = value;
  }
  return out as unknown as Envelope;
}

export const ok = (fields: Omit<Envelope, 'retcode'> = {}): Envelope => ({ retcode: 0, retmsg: 'success', ...fields });
