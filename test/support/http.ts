// Small helpers for end-to-end tests against a real node on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { FIXTURE_DATA } from './fixtures.js';
import { checkAnswer } from './openapi.js';

/** The example CSVs (test/fixtures/data, copied from ../shared/data). */
export const SHARED_DATA = FIXTURE_DATA;

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `fedflow-${prefix}-`));

/**
 * Whether post() checks each answer against the OpenAPI document: on in tests, off in the
 * benchmarks (bench/*.bench.ts time round trips through post(); the check would add to them).
 */
export const openApiChecks = { enabled: !/[\\/]bench[\\/][^\\/]+\.bench\.js$/.test(process.argv[1] ?? '') };

export interface Answer {
  status: number;
  body: Record<string, any>;
}

/**
 * POST with node:http (a fresh loopback connection each time). Not fetch: undici adds 2–6 ms per
 * call on this machine, which would swamp the server latencies the benchmarks measure.
 */
export function post(base: string, path: string, body: unknown): Promise<Answer> {
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(base + path, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, any>;
        try {
          parsed = JSON.parse(text);
        } catch {
          resolve({ status: res.statusCode ?? 0, body: { text } });
          return;
        }
        // Every JSON answer an e2e test reads must match the node's OpenAPI document.
        try {
          if (openApiChecks.enabled) checkAnswer('POST', path, res.statusCode ?? 0, parsed);
        } catch (error) {
          reject(error);
          return;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function waitForJob(base: string, jobId: string, timeoutMs = 60_000, pollMs = 50): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await post(base, '/v1/job/query', { job_id: jobId });
    const row = body.data?.[0];
    if (row && ['success', 'failed', 'canceled', 'timeout'].includes(row.f_status)) return row;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
