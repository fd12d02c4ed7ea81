// Reads a JSON request body with a size limit. Any content type is accepted as long as the text
// is JSON (curl -d sends form-urlencoded by default); malformed JSON is HTTP 400, too large 413.
import type { Context } from 'koa';
import { HttpError, badRequest } from './errors.js';

export async function readJsonObject(ctx: Context, limit: number): Promise<Record<string, unknown>> {
  // A signed request's body was already read to check its signature (src/api/auth).
  const raw = Buffer.isBuffer(ctx.state.rawBody) ? ctx.state.rawBody : await readRawBody(ctx, limit);
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** The whole body as bytes, refused with HTTP 413 past `limit`. */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
