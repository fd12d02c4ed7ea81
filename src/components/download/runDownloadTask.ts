// Main-thread side of the download task: runs the export in a worker thread, relays progress,
// and removes the partial output when the export fails or is canceled.
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface DownloadTaskInput {
  tablesDir: string;
  location: string;
  outputPath: string;
  /** Between key and value on each line. */
  delimitor: string;
}

export interface DownloadTaskResult {
  count: number;
}

export interface DownloadTaskHooks {
  onProgress?: (percent: number, lines: number) => void;
  signal?: AbortSignal;
}

/** What the worker posts. */
export type DownloadWorkerMessage =
  | { type: 'progress'; percent: number; lines: number }
  | { type: 'done'; count: number }
  | { type: 'error'; message: string };

export const DOWNLOAD_CANCELED = 'download canceled';
/** How long a canceled worker may take to stop by itself before it is terminated. */
const CANCEL_GRACE_MS = 1000;

/** The message the worker honours to stop early. */
export interface DownloadCancelMessage {
  type: 'cancel';
}

/** The file written until the export is complete; renamed to outputPath at the end. */
export function partialPathOf(outputPath: string): string {
  return `${outputPath}.partial`;
}

export function runDownloadTask(input: DownloadTaskInput, hooks: DownloadTaskHooks = {}): Promise<DownloadTaskResult> {
  if (hooks.signal?.aborted) return Promise.reject(new Error(DOWNLOAD_CANCELED));
  const data: DownloadTaskInput = {
    tablesDir: input.tablesDir,
    location: input.location,
    outputPath: input.outputPath,
    delimitor: input.delimitor,
  };
  return new Promise<DownloadTaskResult>((resolve, reject) => {
    const worker = new Worker(new URL('./downloadWorker.js', import.meta.url), { workerData: data });
    let settled = false;
    let canceled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: { result: DownloadTaskResult } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      const final = canceled ? { error: new Error(DOWNLOAD_CANCELED) } : outcome;
      // Wait for the thread to be gone: it may still hold the partial file open.
      void worker.terminate().finally(() => {
        if ('result' in final) return resolve(final.result);
        rmSync(partialPathOf(input.outputPath), { force: true });
        reject(final.error);
      });
    };
    // Ask the worker to stop (it closes its files); terminate it if it does not answer in time.
    const onAbort = (): void => {
      if (settled || canceled) return;
      canceled = true;
      worker.postMessage({ type: 'cancel' } satisfies DownloadCancelMessage);
      graceTimer = setTimeout(() => finish({ error: new Error(DOWNLOAD_CANCELED) }), CANCEL_GRACE_MS);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (msg: DownloadWorkerMessage) => {
      if (settled) return;
      if (msg.type === 'progress') {
        try {
          hooks.onProgress?.(msg.percent, msg.lines);
        } catch {
          // A failing observer must not fail the export.
        }
      } else if (msg.type === 'done') finish({ result: { count: msg.count } });
      else finish({ error: new Error(msg.message) });
    });
    worker.on('error', (error) => finish({ error: error instanceof Error ? error : new Error(String(error)) }));
    worker.on('exit', (code) => finish({ error: new Error(`download worker stopped unexpectedly (exit code ${code})`) }));
  });
}
