// Polls POST /v1/job/query {job_id} until the job reaches an end status.
import type { Envelope } from './http.js';
import type { JobBoard, JobReporter, TaskRow } from './progress.js';

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

export interface FollowTarget {
  jobId: string;
  /** The initiator: its row is the one followed (all parties' rows share a status otherwise anyway). */
  role?: string;
  partyId?: string;
}

/**
 * submit-job --wait: every poll asks /v1/job/query for the initiator's row, then (when that worked)
 * /v1/job/task/query {job_id} for the task rows shown on the board. A failed task query is not an
 * error (FATE answers 101 until the first task reports); the job row alone decides the end.
 */
export async function followJob(
  post: (path: string, body: Record<string, unknown>) => Promise<Envelope>,
  target: FollowTarget,
  board: JobBoard,
  opts: WaitOptions,
): Promise<WaitResult> {
  const { jobId, role, partyId } = target;
  const filter: Record<string, unknown> = { job_id: jobId };
  if (role !== undefined && partyId !== undefined) Object.assign(filter, { role, party_id: partyId });
  const query = async (): Promise<Envelope> => {
    const env = await post('/v1/job/query', filter);
    if (env.retcode !== 0 || !Array.isArray(env.data)) return env;
    const rows = env.data as JobRow[];
    const row =
      rows.find((r) => String(r.f_role) === role && String(r.f_party_id) === partyId) ??
      rows.find((r) => Number(r.f_is_initiator) === 1) ??
      rows[0];
    const tasks = await post('/v1/job/task/query', { job_id: jobId });
    if (tasks.retcode === 0 && Array.isArray(tasks.data)) board.tasks(tasks.data as TaskRow[]);
    return { ...env, data: row ? [row] : [] };
  };
  return waitForJob(query, jobId, board, opts);
}
