// Minimal FATE-Flow v1 HTTP client. Every call resolves to an envelope; transport failures become
// client-side envelopes (retcode 100) like fate_flow_client.py's.
// JSON calls use the global fetch. File uploads use node:http(s) with a hand-built multipart body
// piped from disk: Node 20's fetch (undici 6) keeps every chunk of a request body in memory until
// the request ends (nodejs/undici#4058), so FormData + fs.openAsBlob costs RAM = file size.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_SERVER } from './usage.js';
import { signedHeaders, type Credentials } from '../api/auth/signature.js';

export interface Envelope {
  retcode: number;
  retmsg?: string;
  data?: unknown;
  jobId?: string;
  meta?: unknown;
  [key: string]: unknown;
}

export const CONNECTION_REFUSED: Envelope = Object.freeze({
  retcode: 100,
  retmsg: 'Connection refused, Please check if the fate flow service is started',
});

/** `--server`, else FEDFLOW_SERVER, else the default; adds http:// when no scheme, drops trailing '/'. */
export function resolveServer(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  let url = (flag ?? env.FEDFLOW_SERVER ?? '').trim() || DEFAULT_SERVER;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
  return url.replace(/\/+$/, '');
}

/** Network error codes found on a fetch failure (undici nests them in `cause`, sometimes an AggregateError). */
function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const codes = typeof e.code === 'string' ? [e.code] : [];
  if (Array.isArray(e.errors)) for (const sub of e.errors) codes.push(...errorCodes(sub, depth + 1));
  codes.push(...errorCodes(e.cause, depth + 1));
  return codes;
}

export function transportFailure(err: unknown): Envelope {
  const codes = errorCodes(err);
  if (codes.includes('ECONNREFUSED')) return { ...CONNECTION_REFUSED };
  const cause = (err as { cause?: { message?: string } })?.cause?.message;
  const detail = [codes[0], cause ?? (err as Error)?.message].filter(Boolean).join(' ');
  return { retcode: 100, retmsg: `Connection error (${detail}), Please check if the fate flow service is started` };
}

export class FlowClient {
  constructor(
    readonly server: string,
    private readonly fetchImpl: typeof globalThis.fetch = globalThis.fetch,
    /** Signs every request as FATE-Flow 1.11's client does (FEDFLOW_APP_KEY / FEDFLOW_APP_SECRET). */
    private readonly credentials?: Credentials,
  ) {}

  /** The signature headers for a request to `url` (none without credentials). */
  private sign(url: URL, json?: string): Record<string, string> {
    return this.credentials ? signedHeaders(this.credentials, url.pathname + url.search, json === undefined ? {} : { json }) : {};
  }

  url(path: string): string {
    return `${this.server}${path}`;
  }

  /** POST a JSON body. */
  async post(path: string, body: unknown): Promise<Envelope> {
    const url = this.url(path);
    const json = JSON.stringify(body ?? {});
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.sign(new URL(url), json) },
      body: json,
    });
  }

  /**
   * POST a file as multipart/form-data part `file` (streamed from disk, constant memory, exact
   * Content-Length), other fields as URL query parameters. onProgress(sentBytes, totalBytes) is
   * called as file chunks are handed to the socket.
   */
  async postFile(
    path: string,
    filePath: string,
    query: Readonly<Record<string, string>>,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<Envelope> {
    const url = new URL(this.url(path));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let size: number;
    try {
      const st = await stat(filePath);
      if (!st.isFile()) return { retcode: 100, retmsg: `cannot read ${filePath}: not a regular file` };
      size = st.size;
    } catch (err) {
      return { retcode: 100, retmsg: `cannot read ${filePath}: ${(err as Error).message}` };
    }
    const { head, tail, contentType } = multipartFrame(basename(filePath));
    const total = head.length + size + tail.length;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

    return new Promise<Envelope>((resolve) => {
      let settled = false;
      const settle = (env: Envelope): void => {
        if (!settled) resolve(env);
        settled = true;
      };
      const req = send(url, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': contentType, 'content-length': total, accept: 'application/json', connection: 'close', ...this.sign(url) },
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => settle(interpret(Buffer.concat(chunks).toString('utf8'), res.statusCode ?? 0, res.statusMessage ?? '', 'POST', url)));
        res.on('error', (err) => settle(transportFailure(err)));
      });
      req.on('error', (err) => settle(transportFailure(err)));
      async function* body(): AsyncGenerator<Buffer> {
        yield head;
        if (size > 0) {
          let sent = 0;
          for await (const chunk of createReadStream(filePath, { start: 0, end: size - 1 })) {
            sent += (chunk as Buffer).length;
            yield chunk as Buffer;
            onProgress?.(sent, size);
          }
        }
        yield tail;
      }
      // A server may answer (and close) before reading everything: its answer wins over the write error.
      pipeline(body, req).catch((err: unknown) => setTimeout(() => settle(transportFailure(err)), 50));
    });
  }

  /**
   * GET a file answer (FATE's send_file: job/log, output/data/download), parameters as the query
   * string (fetch sends no GET body). A JSON answer, or any non-2xx, is the server's envelope.
   */
  async getFile(path: string, query: Readonly<Record<string, string>>): Promise<{ ok: true; bytes: Buffer } | { ok: false; env: Envelope }> {
    const url = new URL(this.url(path));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let res: Response;
    let bytes: Buffer;
    try {
      res = await this.fetchImpl(url, { method: 'GET', headers: { accept: 'application/gzip, application/json' } });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      return { ok: false, env: transportFailure(err) };
    }
    const type = res.headers.get('content-type') ?? '';
    if (res.ok && !type.includes('json')) return { ok: true, bytes };
    return { ok: false, env: interpret(bytes.toString('utf8'), res.status, res.statusText, 'GET', url) };
  }

  private async send(url: string, init: RequestInit): Promise<Envelope> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, init);
    } catch (err) {
      return transportFailure(err);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      return transportFailure(err);
    }
    return interpret(text, res.status, res.statusText, init.method ?? 'POST', new URL(url));
  }
}

/** Multipart framing around one file part (RFC 7578; quotes and line breaks in the name escaped like browsers do). */
export function multipartFrame(filename: string): { head: Buffer; tail: Buffer; contentType: string } {
  const boundary = `----fedflow${randomBytes(12).toString('hex')}`;
  const safe = filename.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return {
    head: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safe}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** The envelope in an answer body; anything else (HTML error page, garbage) becomes retcode 100. */
function interpret(text: string, status: number, statusText: string, method: string, url: URL): Envelope {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as Envelope).retcode === 'number') return parsed as Envelope;
  } catch {
    // not JSON: fall through
  }
  const snippet = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return {
    retcode: 100,
    retmsg: `unexpected answer from ${method} ${url.pathname}: HTTP ${status} ${statusText}${snippet ? ` ${snippet}` : ''}`,
  };
}
