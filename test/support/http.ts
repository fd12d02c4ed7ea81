// Small helpers for end-to-end tests against a real node on 127.0.0.1.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_DATA } from './fixtures.js';

/** The example CSVs (test/fixtures/data, copied from ../shared/data). */
export const SHARED_DATA = FIXTURE_DATA;

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `fedflow-${prefix}-`));

export interface Answer {
  status: number;
  body: Record<string, any>;
}

export async function post(base: string, path: string, body: unknown): Promise<Answer> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, any>;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

export async function waitForJob(base: string, jobId: string, timeoutMs = 60_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await post(base, '/v1/job/query', { job_id: jobId });
    const row = body.data?.[0];
    if (row && ['success', 'failed', 'canceled', 'timeout'].includes(row.f_status)) return row;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
