// An answer that is not a success: HTTP 200 with the envelope's retcode (FATE clients only read it).

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly retcode: number,
    message: string,
    readonly extra: { data?: unknown; jobId?: string } = {},
  ) {
    super(message);
  }
}

/** retcode 100: bad input or an exception (FATE's EXCEPTION_ERROR). */
export const badRequest = (message: string): ApiError => new ApiError(100, message);
/** retcode 101: not found / logical failure. */
export const notFound = (message: string): ApiError => new ApiError(101, message);

/** A transport-level failure with an HTTP status (malformed JSON, body too large). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
