// Polls POST /v1/job/query {job_id} until the job reaches an end status.
import type { Envelope } from './http.js';
import type { JobReporter } from './progress.js';

export const END_STATUSES: ReadonlySet<string> = new Set(['success', 'failed', 'canceled', 'timeout']);

export interface JobRow {
  f_job_id?: string;
  f_status?: string;
  f_progress?: number | null;
  f_description?: string | null;
  /** Why the job failed or was canceled (fedflow's addition to FATE's row). */
  f_reason?: string | null;
  [key: string]: unknown;
}

export interface WaitOptions {
  intervalMs: number;
  /** Consecutive failed polls tolerated (the job may not be visible in the views yet). */
  maxErrors: number;
  sleep(ms: number): Promise<void>;
}

export type WaitResult =
  | { ok: true; status: 'success'; row: JobRow }
  | { ok: false; status: string; row?: JobRow; reason: string };

export async function waitForJob(
  query: (body: { job_id: string }) => Promise<Envelope>,
  jobId: string,
  reporter: JobReporter,
  opts: WaitOptions,
): Promise<WaitResult> {
  let errors = 0;
  try {
    for (;;) {
      const env = await query({ job_id: jobId });
      const rows = Array.isArray(env.data) ? (env.data as JobRow[]) : [];
      const row = rows[0];
      if (env.retcode !== 0 || !row || typeof row.f_status !== 'string') {
        errors++;
        if (errors > opts.maxErrors) {
          const why = env.retcode !== 0 ? `retcode ${env.retcode}: ${env.retmsg ?? ''}` : 'answer has no job row';
          return { ok: false, status: 'unknown', reason: `cannot query job ${jobId} (${why.trim()})` };
        }
      } else {
        errors = 0;
        const status = row.f_status;
        reporter.update(status, Number(row.f_progress ?? 0));
        if (status === 'success') return { ok: true, status, row };
        if (END_STATUSES.has(status)) {
          const reason = row.f_reason ? String(row.f_reason) : row.f_description ? String(row.f_description) : `job ${status}`;
          return { ok: false, status, row, reason };
        }
      }
      await opts.sleep(opts.intervalMs);
    }
  } finally {
    reporter.finish();
  }
}
