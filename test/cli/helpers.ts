// Test helpers: a scriptable fake flow server (node:http on 127.0.0.1:0) and an in-process CLI runner.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Handler = (req: Recorded) => { status?: number; contentType?: string; body: unknown } | unknown;

export interface FakeServer {
  url: string;
  requests: Recorded[];
  routes: Map<string, Handler>;
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const routes = new Map<string, Handler>();
  // A short request timeout makes a malformed upload (body shorter than its Content-Length) fail fast.
  const server: Server = createServer({ requestTimeout: 3000, connectionsCheckingInterval: 250 }, (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const rec: Recorded = {
        method: req.method ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        contentType: String(req.headers['content-type'] ?? ''),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(rec);
      const route = routes.get(rec.path);
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>Not Found</h1></body></html>');
        return;
      }
      const out = route(rec) as { status?: number; contentType?: string; body?: unknown } | undefined;
      const raw = out && typeof out === 'object' && 'body' in out ? out : { body: out };
      const text = typeof raw.body === 'string' || Buffer.isBuffer(raw.body) ? raw.body : JSON.stringify(raw.body);
      res.writeHead(raw.status ?? 200, { 'content-type': raw.contentType ?? 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], ctx: Partial<CliContext> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTTY: false,
    stderrColumns: 0,
    stdoutIsTTY: false,
    env: {},
    pollIntervalMs: 1,
    maxPollErrors: 3,
    exit: () => undefined,
    onShutdownSignal: () => () => undefined,
    loadNodeApi: () => Promise.reject(new Error('node api not stubbed in this test')),
    ...ctx,
  });
  return { code, stdout, stderr };
}

/** The JSON body of a recorded request. */
export const jsonBody = (req: Recorded): unknown => JSON.parse(req.body.toString());

/** Answers /v1/job/query with the given rows in turn (the last one repeats). */
export function jobSequence(jobId: string, steps: Array<Partial<Record<string, unknown>>>): Handler {
  let i = 0;
  return () => {
    const step = steps[Math.min(i++, steps.length - 1)]!;
    if ('retcode' in step) return step;
    return {
      retcode: 0,
      retmsg: 'success',
      data: [{ f_job_id: jobId, f_role: 'local', f_party_id: '0', f_dsl: '{}', f_runtime_conf: '{}', ...step }],
    };
  };
}
