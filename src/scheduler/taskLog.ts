// Every task's own log file, where FATE 1.4 keeps it: <data-dir>/logs/<job_id>/<role>/<party_id>/
// <component>/INFO.log (errors also in ERROR.log). /v1/job/log hands the job's folder out as a
// tar.gz. Lines are appended through one stream per file (in order, off the event loop); a log that
// cannot be written never fails the task: the node's own log says why.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** The job's log folder; its parts are checked by the caller (job ids, roles and party ids are plain names). */
export const jobLogDir = (logsDir: string, jobId: string): string => join(logsDir, jobId);

export const taskLogDir = (logsDir: string, jobId: string, role: string, partyId: string, component: string): string =>
  join(logsDir, jobId, role, partyId, component);

export class TaskLog {
  private readonly streams: Partial<Record<'INFO' | 'ERROR', WriteStream>> = {};
  private lastProgress = -1;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      log.warn({ err: error, dir }, 'task log folder not created');
    }
  }

  info(message: string): void {
    this.write('INFO', message);
  }

  error(message: string): void {
    this.write('INFO', `ERROR ${message}`);
    this.write('ERROR', message);
  }

  /** Progress in 10-point steps (a component may report every row). */
  progress(percent: number): void {
    const step = Math.floor(percent / 10) * 10;
    if (step <= this.lastProgress) return;
    this.lastProgress = step;
    this.info(`progress ${Math.min(100, Math.round(percent))}%`);
  }

  /** Resolves once every line is on disk. */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.streams).map((s) => new Promise<void>((resolve) => s!.end(resolve))));
  }

  private write(level: 'INFO' | 'ERROR', message: string): void {
    let stream = this.streams[level];
    if (!stream) {
      stream = createWriteStream(join(this.dir, `${level}.log`), { flags: 'a' });
      stream.on('error', (error) => this.log.warn({ err: error, dir: this.dir }, 'task log not written'));
      this.streams[level] = stream;
    }
    stream.write(`[${level}] [${new Date(this.now()).toISOString()}] ${message}\n`);
  }
}
