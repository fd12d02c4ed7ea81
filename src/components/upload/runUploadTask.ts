// Main-thread side of the upload task: checks the file, runs the load in a worker thread (the
// event loop of the node stays free while a large file is inserted), relays progress, and makes
// sure a failed or canceled load leaves no file behind.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { TableStore } from '../../store/tables/tableStore.js';

export interface UploadTaskInput {
  tablesDir: string;
  /** New location to create; must not exist yet. */
  location: string;
  file: string;
  head: 0 | 1;
  /** FATE `drop: 0`: the rows of this location are copied first, the new rows are added to them. */
  copyFrom?: string;
  /** Read size in bytes; tests use tiny values to cut characters and lines between chunks. */
  highWaterMark?: number;
}

export interface UploadTaskResult {
  countUpload: number;
  countActual: number;
  header?: string;
  sid?: string;
}

/** Memory figures of the worker at the end of a load (for benchmarks). */
export interface UploadWorkerStats {
  /** Peak resident set of the whole process (worker threads share it), KiB. */
  maxRssKiB: number;
  /** V8 heap of the worker thread, bytes. */
  heapTotalBytes: number;
}

export interface UploadTaskHooks {
  onProgress?: (percent: number, lines: number) => void;
  signal?: AbortSignal;
  onWorkerStats?: (stats: UploadWorkerStats) => void;
}

/** What the worker receives. */
export type UploadWorkerData = Required<Pick<UploadTaskInput, 'tablesDir' | 'location' | 'file' | 'head'>> &
  Pick<UploadTaskInput, 'copyFrom' | 'highWaterMark'>;

/** What the worker posts. */
export type UploadWorkerMessage =
  | { type: 'progress'; percent: number; lines: number }
  | ({ type: 'done'; stats: UploadWorkerStats } & UploadTaskResult)
  | { type: 'error'; message: string };

/** The message the worker honours to stop early. */
export interface UploadCancelMessage {
  type: 'cancel';
}

export const UPLOAD_CANCELED = 'upload canceled';
/** How long a canceled worker may take to stop by itself before it is terminated. */
const CANCEL_GRACE_MS = 1000;

/** FATE's messages for a file that cannot be uploaded, or undefined when it can be read. */
export function checkUploadFile(file: string): string | undefined {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return `${file} is not a file`;
    size = st.size;
  } catch {
    return `${file} is not exist, please check the configure`;
  }
  return size === 0 ? `${file} is an empty file` : undefined;
}

export function runUploadTask(input: UploadTaskInput, hooks: UploadTaskHooks = {}): Promise<UploadTaskResult> {
  const problem = checkUploadFile(input.file);
  if (problem) return Promise.reject(new Error(problem));
  let store: TableStore;
  try {
    store = new TableStore(input.tablesDir);
    // Never overwrite (nor, on failure, delete) a location that is already there.
    if (store.exists(input.location)) throw new Error(`table location ${input.location} already exists`);
    if (input.copyFrom !== undefined && !store.exists(input.copyFrom)) throw new Error(`table location ${input.copyFrom} does not exist`);
  } catch (error) {
    return Promise.reject(error);
  }
  if (hooks.signal?.aborted) return Promise.reject(new Error(UPLOAD_CANCELED));

  const data: UploadWorkerData = {
    tablesDir: input.tablesDir,
    location: input.location,
    file: input.file,
    head: input.head,
    ...(input.copyFrom !== undefined ? { copyFrom: input.copyFrom } : {}),
    ...(input.highWaterMark !== undefined ? { highWaterMark: input.highWaterMark } : {}),
  };
  return new Promise<UploadTaskResult>((resolve, reject) => {
    const worker = new Worker(new URL('./uploadWorker.js', import.meta.url), { workerData: data });
    let settled = false;
    let canceled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    // Every way out waits for the thread to be gone, so the partial file is closed before it is
    // deleted and no thread outlives the task.
    const finish = (outcome: { result: UploadTaskResult } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      // Canceled wins over a result that raced with it: the caller no longer wants the table.
      const final = canceled ? { error: new Error(UPLOAD_CANCELED) } : outcome;
      void worker.terminate().finally(() => {
        if ('result' in final) return resolve(final.result);
        try {
          store.drop(input.location);
        } catch {
          // The caller drops unrecorded locations too, and orphans go at the next start.
        }
        reject(final.error);
      });
    };
    // Ask the worker to stop (it closes its files between two chunks); terminate it if it does not
    // answer in time, e.g. while SQLite sorts the keys.
    const onAbort = (): void => {
      if (settled || canceled) return;
      canceled = true;
      worker.postMessage({ type: 'cancel' } satisfies UploadCancelMessage);
      graceTimer = setTimeout(() => finish({ error: new Error(UPLOAD_CANCELED) }), CANCEL_GRACE_MS);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (msg: UploadWorkerMessage) => {
      if (settled) return;
      if (msg.type === 'progress') {
        try {
          hooks.onProgress?.(msg.percent, msg.lines);
        } catch {
          // A failing observer must not fail the load.
        }
      } else if (msg.type === 'done') {
        const { type: _type, stats, ...result } = msg;
        try {
          hooks.onWorkerStats?.(stats);
        } catch {
          // as above
        }
        finish({ result });
      } else {
        finish({ error: new Error(msg.message) });
      }
    });
    worker.on('error', (error) => finish({ error: error instanceof Error ? error : new Error(String(error)) }));
    worker.on('exit', (code) => finish({ error: new Error(`upload worker stopped unexpectedly (exit code ${code})`) }));
  });
}
