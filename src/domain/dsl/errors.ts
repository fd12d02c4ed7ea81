// The one error type of the DSL/conf modules and the result shape their entry points return.
// Inner functions throw DslError; entry points (normalizeRuntimeConf, parseDsl, planJob) turn it
// into an Outcome so user input never escapes as an exception.

export type DslErrorKind =
  /** The DSL or conf is wrong; the message is the contract's (retcode 100). */
  | 'invalid'
  /** work_mode 0 sent to a cluster server: the caller decides (forward to :9381 or refuse). */
  | 'standalone-job-on-cluster';

export class DslError extends Error {
  override readonly name = 'DslError';
  constructor(
    message: string,
    readonly kind: DslErrorKind = 'invalid',
  ) {
    super(message);
  }
}

export type Failure = { readonly ok: false; readonly kind: DslErrorKind; readonly message: string };
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

export function failureOf(error: unknown): Failure {
  if (error instanceof DslError) return { ok: false, kind: error.kind, message: error.message };
  // Anything else is treated like FATE's catch-all: retcode 100 with the exception text.
  return { ok: false, kind: 'invalid', message: error instanceof Error ? error.message : String(error) };
}

export function attempt<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return failureOf(error);
  }
}
