// multipart/form-data upload (FATE 1.4's default CLI mode): the file part is streamed to disk under
// the node's data directory (constant memory), other fields come as form fields or query parameters.
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Context } from 'koa';
import { ApiError, badRequest, HttpError } from './errors.js';

export interface MultipartUpload {
  fields: Record<string, string>;
  /** Saved path of the `file` part. */
  file?: string;
  /** File name the client sent. */
  fileName?: string;
}

export function isMultipart(ctx: Context): boolean {
  return /^multipart\/form-data/i.test(ctx.get('content-type'));
}

export async function receiveMultipart(ctx: Context, dir: string, limit: number): Promise<MultipartUpload> {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.query)) if (typeof v === 'string') fields[k] = v;
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: ctx.req.headers, defParamCharset: 'utf8', limits: { fileSize: limit, files: 1, fields: 64 } });
  } catch (error) {
    throw badRequest(`malformed multipart request: ${(error as Error).message}`);
  }
  const result: MultipartUpload = { fields };
  const writes: Promise<void>[] = [];
  let tooLarge = false;
  // A signature covers the path and query of a multipart request, not its form fields (FATE's
  // CLI sends upload's fields in the query string): on a signed request they are refused.
  const signed = ctx.state.signedRequest === true;
  let unsigned: string | undefined;
  bb.on('field', (name, value) => {
    if (signed) unsigned ??= name;
    else fields[name] = value;
  });
  bb.on('file', (name, stream, info) => {
    // A truncated body makes busboy fail the part's stream: without a listener that error would
    // end the process (found by test/api/fuzz.test.ts).
    stream.on('error', () => {});
    if (name !== 'file') {
      stream.resume();
      return;
    }
    mkdirSync(dir, { recursive: true });
    const safe = basename(info.filename || 'upload.csv').replace(/[^A-Za-z0-9_.-]/g, '_') || 'upload.csv';
    result.file = join(dir, safe);
    result.fileName = info.filename;
    stream.on('limit', () => {
      tooLarge = true;
    });
    const write = pipeline(stream, createWriteStream(result.file));
    // Awaited below unless the form itself fails first: never an unhandled rejection.
    write.catch(() => {});
    writes.push(write);
  });
  await pipeline(ctx.req, bb).catch((error: Error) => {
    throw badRequest(`malformed multipart request: ${error.message}`);
  });
  await Promise.all(writes);
  if (unsigned !== undefined) {
    if (result.file) rmSync(result.file, { force: true });
    throw new ApiError(109, `multipart field ${unsigned} is not covered by the request signature: send upload parameters in the query string`);
  }
  if (tooLarge) throw new HttpError(413, `uploaded file is larger than ${limit} bytes`);
  return result;
}
