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
