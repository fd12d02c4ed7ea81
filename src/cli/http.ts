// Minimal FATE-Flow v1 HTTP client on Node's global fetch. Every call resolves to an envelope;
// transport failures become client-side envelopes (retcode 100) like fate_flow_client.py's.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_SERVER } from './usage.js';

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
  ) {}

  url(path: string): string {
    return `${this.server}${path}`;
  }

  /** POST a JSON body. */
  async post(path: string, body: unknown): Promise<Envelope> {
    return this.send(this.url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  }

  /** POST a file as multipart/form-data part `file`, streamed from disk, other fields as query parameters. */
  async postFile(path: string, filePath: string, query: Readonly<Record<string, string>>): Promise<Envelope> {
    const url = new URL(this.url(path));
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let blob: Blob;
    try {
      blob = (await openAsBlob(filePath, { type: 'application/octet-stream' })) as Blob;
    } catch (err) {
      return { retcode: 100, retmsg: `cannot read ${filePath}: ${(err as Error).message}` };
    }
    const form = new FormData();
    form.append('file', blob, basename(filePath));
    return this.send(url.href, { method: 'POST', headers: { accept: 'application/json' }, body: form });
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
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && typeof (parsed as Envelope).retcode === 'number') return parsed as Envelope;
    } catch {
      // not JSON: fall through
    }
    const snippet = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    return {
      retcode: 100,
      retmsg: `unexpected answer from ${init.method} ${new URL(url).pathname}: HTTP ${res.status} ${res.statusText}${snippet ? ` ${snippet}` : ''}`,
    };
  }
}
