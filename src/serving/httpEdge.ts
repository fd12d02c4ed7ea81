// The serving node's HTTP side: POST /federation/v1/inference (FATE-Serving 1.x's path; 2.x's
// /federation/1.0/inference too). Plain node:http, keep-alive: the hot path is a JSON parse, a
// gRPC call to the host and a JSON answer, nothing else.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerInference, type GuestSide, type InferenceAnswer } from './guestInference.js';
import { Status } from './statusCodes.js';

const INFERENCE_PATHS = new Set(['/federation/v1/inference', '/federation/1.0/inference']);
const MAX_BODY_BYTES = 1 << 20;

export function createInferenceServer(g: GuestSide): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (!INFERENCE_PATHS.has(path)) return send(res, 404, { retcode: 404, retmsg: `no such endpoint: ${req.method} ${path}` });
    if (req.method !== 'POST') return send(res, 405, { retcode: 405, retmsg: `${path} takes POST` });
    readBody(req).then(
      async (text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (err) {
          return send(res, 200, { retcode: Status.PARAM_ERROR, retmsg: `the request body is not JSON: ${(err as Error).message}` });
        }
        send(res, 200, await answerInference(g, body));
      },
      (err: Error) => send(res, 413, { retcode: Status.PARAM_ERROR, retmsg: err.message }),
    );
  });
  server.keepAliveTimeout = 30_000;
  return server;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`the request body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, statusCode: number, answer: InferenceAnswer | { retcode: number; retmsg: string }): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(answer);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
