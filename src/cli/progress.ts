// Job progress display on stderr: a redrawn bar on a terminal, one line per change otherwise.

/** `[#####-----] 50% running` (progress clamped to 0..100). */
export function renderBar(progress: number, status: string, width = 20): string {
  const pct = Math.max(0, Math.min(100, Math.floor(Number.isFinite(progress) ? progress : 0)));
  const filled = Math.round((pct / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${status}`;
}

export interface JobReporter {
  update(status: string, progress: number): void;
  /** Ends the display (newline after a bar). */
  finish(): void;
}

export function createReporter(write: (text: string) => void, isTTY: boolean, jobId: string): JobReporter {
  let last: string | undefined;
  let drawn = false;
  return {
    update(status, progress) {
      const pct = Math.max(0, Math.min(100, Math.floor(Number.isFinite(progress) ? progress : 0)));
      if (isTTY) {
        write(`\r\x1b[2Kjob ${jobId} ${renderBar(pct, status)}`);
        drawn = true;
        return;
      }
      const line = `job ${jobId}: ${status} ${pct}%`;
      if (line !== last) write(`${line}\n`);
      last = line;
    },
    finish() {
      if (drawn) write('\n');
      drawn = false;
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export interface UploadMeter {
  progress(sent: number, total: number): void;
  finish(): void;
}

/** File-upload meter for a terminal: redrawn only when the whole percentage changes. */
export function createUploadMeter(write: (text: string) => void, label: string): UploadMeter {
  let lastPct = -1;
  return {
    progress(sent, total) {
      const pct = total > 0 ? Math.floor((sent / total) * 100) : 100;
      if (pct === lastPct) return;
      lastPct = pct;
      write(`\r\x1b[2Kuploading ${label} ${renderBar(pct, `${formatBytes(sent)} / ${formatBytes(total)}`)}`);
    },
    finish() {
      if (lastPct >= 0) write('\n');
      lastPct = -1;
    },
  };
}

/** A /v1/job/task/query row (the fields the job board reads). */
export interface TaskRow {
  f_component_name?: string;
  f_role?: string;
  f_party_id?: string | number;
  f_status?: string;
  f_create_time?: number | null;
  [key: string]: unknown;
}

export interface JobBoard extends JobReporter {
  /** Records the latest task rows; call before update() so a redraw shows them. */
  tasks(rows: readonly TaskRow[]): void;
  /** `component role:party` of every task last seen failed or timed out. */
  failedTasks(): string[];
}

/**
 * submit-job --wait display on stderr. On a terminal: the job's bar plus one line per component
 * (`name  role:party status ...`, `waiting` before its first task row), redrawn in place.
 * Otherwise one line per change: `job J: running 25%`, `job J: dataio_0 guest:9999 success`.
 * `components` (the DSL's, in DSL order) are listed first; components only seen in task rows follow.
 * `columns` > 0 cuts terminal lines to that width, so the in-place redraw never wraps.
 */
export function createJobBoard(write: (text: string) => void, isTTY: boolean, jobId: string, components: readonly string[] = [], columns = 0): JobBoard {
  const order: string[] = [...new Set(components)];
  const status = new Map<string, Map<string, string>>(order.map((c) => [c, new Map()]));
  const job = createReporter(write, false, jobId);
  let jobLine = '';
  let drawn = 0;

  const fit = (line: string): string => (columns > 1 && line.length > columns - 1 ? `${line.slice(0, Math.max(0, columns - 4))}...` : line);
  const draw = (): void => {
    const width = Math.max(0, ...order.map((c) => c.length));
    const lines = [
      jobLine,
      ...order.map((c) => {
        const parties = [...status.get(c)!].map(([party, s]) => `${party} ${s}`);
        return `  ${c.padEnd(width)}  ${parties.length ? parties.join('  ') : 'waiting'}`;
      }),
    ].map(fit);
    write(`${drawn > 1 ? `\x1b[${drawn - 1}A` : ''}${lines.map((l) => `\r\x1b[2K${l}`).join('\n')}`);
    drawn = lines.length;
  };

  return {
    tasks(rows) {
      const sorted = [...rows].sort((a, b) => Number(a.f_create_time ?? 0) - Number(b.f_create_time ?? 0));
      for (const row of sorted) {
        const component = typeof row.f_component_name === 'string' ? row.f_component_name : undefined;
        const s = typeof row.f_status === 'string' ? row.f_status : undefined;
        if (!component || !s) continue;
        let parties = status.get(component);
        if (!parties) {
          parties = new Map();
          status.set(component, parties);
          order.push(component);
        }
        const party = `${row.f_role ?? '?'}:${row.f_party_id ?? '?'}`;
        if (parties.get(party) === s) continue;
        parties.set(party, s);
        if (!isTTY) write(`job ${jobId}: ${component} ${party} ${s}\n`);
      }
    },
    update(s, progress) {
      if (!isTTY) return job.update(s, progress);
      jobLine = `job ${jobId} ${renderBar(progress, s)}`;
      draw();
    },
    finish() {
      if (drawn > 0) write('\n');
      drawn = 0;
    },
    failedTasks() {
      const out: string[] = [];
      for (const c of order) for (const [party, s] of status.get(c)!) if (s === 'failed' || s === 'timeout') out.push(`${c} ${party}`);
      return out;
    },
  };
}
