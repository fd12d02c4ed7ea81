// A task's outcome from its job rows, and the result table `task  status  job_id  seconds` that
// `fedflow testsuite` prints (one block per suite, like FATE's test_result file). Pure.

export interface TaskResult {
  suite: string;
  task: string;
  /** A job's end status (success, failed, canceled, timeout), or FATE's `submit_fail`. */
  status: string;
  jobId?: string;
  seconds?: number;
  /** Why it did not succeed, when known (printed under the table). */
  reason?: string;
}

export interface PartyRow {
  f_role?: unknown;
  f_party_id?: unknown;
  f_status?: unknown;
  f_is_initiator?: unknown;
  f_reason?: unknown;
}

/**
 * FATE's test runner looks at the first row's status; a task passes here only when every party's
 * row says success, so a party that failed while the initiator's row says success is not missed.
 */
export function jobOutcome(initiatorStatus: string, rows: readonly PartyRow[]): { status: string; reason?: string } {
  if (initiatorStatus !== 'success') {
    const why = rows.find((r) => r.f_status === initiatorStatus && r.f_reason)?.f_reason ?? rows.find((r) => r.f_reason)?.f_reason;
    return why ? { status: initiatorStatus, reason: String(why) } : { status: initiatorStatus };
  }
  const bad = rows.find((r) => r.f_status !== 'success');
  if (!bad) return { status: 'success' };
  return { status: String(bad.f_status ?? 'unknown'), reason: `${String(bad.f_role)} ${String(bad.f_party_id)} ended ${String(bad.f_status)}${bad.f_reason ? `: ${String(bad.f_reason)}` : ''}` };
}

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - s.length));

/** Columns aligned with two spaces; seconds with one decimal; `-` for what a task never got. */
export function formatResults(results: readonly TaskResult[]): string {
  const head = ['task', 'status', 'job_id', 'seconds'];
  const rows = results.map((r) => [r.task, r.status, r.jobId ?? '-', r.seconds === undefined ? '-' : r.seconds.toFixed(1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
  const out = [line(head), ...rows.map(line)];
  const reasons = results.filter((r) => r.status !== 'success' && r.reason);
  if (reasons.length > 0) out.push('', ...reasons.map((r) => `${r.task}: ${r.reason}`));
  return `${out.join('\n')}\n`;
}

/** Exit status 0 only when every task succeeded. */
export function exitStatus(results: readonly TaskResult[]): number {
  return results.every((r) => r.status === 'success') ? 0 : 1;
}
