// Main-thread side of the upload task: checks the file, runs the load in two worker threads (a
// reader and a writer, see uploadWorker.ts; the node's event loop stays free while a large file is
// inserted), relays progress, and makes sure a failed or canceled load leaves no file behind.
import { statSync } from 'node:fs';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
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
  /** Keys per sorted run of the key order (store/tables/keyOrder.ts); tests use tiny values to spill and merge runs. */
  keyRunKeys?: number;
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

/** workerData of the writer thread (see uploadWorker.ts); `port` leads to the reader. */
export interface UploadWriterData {
  role: 'writer';
  tablesDir: string;
  location: string;
  file: string;
  copyFrom?: string;
  keyRunKeys?: number;
  port: MessagePort;
  /** Shared cancel flag and chunk count (see CANCEL_FLAG, CHUNKS_DONE). */
  cancel: Int32Array;
}

/** workerData of the reader thread; `port` leads to the writer. */
export interface UploadReaderData {
  role: 'reader';
  file: string;
  head: 0 | 1;
  chunkBytes?: number;
  port: MessagePort;
  cancel: Int32Array;
}

export type UploadWorkerData = UploadWriterData | UploadReaderData;

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
/**
 * Index of the cancel flag in the Int32Array (over a SharedArrayBuffer) both threads share: set
 * to 1 on cancel. The threads read it between chunks, so a cancel is seen within one chunk even
 * while messages wait behind the chunks (measured: a cancel message alone took 0.5 to over 1 s to
 * get through, and a thread terminated instead leaves its files open).
 */
export const CANCEL_FLAG = 0;
/**
 * Index, in the same shared Int32Array, of the count of chunks the writer has finished: the reader
 * compares it with the chunks it sent to see whether the writer is behind (then it writes a chunk's
 * lines itself) without waiting for the writer's messages, which it only sees between chunks.
 */
export const CHUNKS_DONE = 1;
const SHARED_WORDS = 2;
/** How long a canceled worker may take to stop by itself before it is terminated. */
const CANCEL_GRACE_MS = 1000;
/** How long the reader may take to notice that the writer is gone. */
const READER_GRACE_MS = 1000;

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
    // A component's output kept as a packed or columnar table holds instances, not CSV lines: nothing to append to.
    if (input.copyFrom !== undefined && (store.isPacked(input.copyFrom) || store.isColumnar(input.copyFrom))) {
      throw new Error('the table holds a component output, not uploaded lines: drop 0 cannot add rows to it (drop 1 replaces it)');
    }
  } catch (error) {
    return Promise.reject(error);
  }
  if (hooks.signal?.aborted) return Promise.reject(new Error(UPLOAD_CANCELED));

  const workerUrl = new URL('./uploadWorker.js', import.meta.url);
  return new Promise<UploadTaskResult>((resolve, reject) => {
    // Both threads start at once; the channel carries the chunks from the reader to the writer.
    const { port1, port2 } = new MessageChannel();
    const cancel = new Int32Array(new SharedArrayBuffer(4 * SHARED_WORDS));
    const writerData: UploadWriterData = {
      role: 'writer',
      tablesDir: input.tablesDir,
      location: input.location,
      file: input.file,
      ...(input.copyFrom !== undefined ? { copyFrom: input.copyFrom } : {}),
      ...(input.keyRunKeys !== undefined ? { keyRunKeys: input.keyRunKeys } : {}),
      port: port1,
      cancel,
    };
    const readerData: UploadReaderData = {
      role: 'reader',
      file: input.file,
      head: input.head,
      ...(input.highWaterMark !== undefined ? { chunkBytes: input.highWaterMark } : {}),
      port: port2,
      cancel,
    };
    const writer = new Worker(workerUrl, { workerData: writerData, transferList: [port1] });
    const reader = new Worker(workerUrl, { workerData: readerData, transferList: [port2] });
    let settled = false;
    let canceled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    // Every way out waits for both threads to be gone, so the partial file is closed before it is
    // deleted and no thread outlives the task. The reader stops by itself once the writer is gone
    // (it closes its file then); it is terminated only if it does not.
    const finish = (outcome: { result: UploadTaskResult } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(graceTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      // Canceled wins over a result that raced with it: the caller no longer wants the table.
      const final = canceled ? { error: new Error(UPLOAD_CANCELED) } : outcome;
      void stopThreads(writer, reader).finally(() => {
        if ('result' in final) return resolve(final.result);
        try {
          store.drop(input.location);
        } catch {
          // The caller drops unrecorded locations too, and orphans go at the next start.
        }
        reject(final.error);
      });
    };
    // Ask the writer to stop (it closes its files between two chunks); terminate it if it does not
    // answer in time, e.g. while SQLite sorts the keys.
    const onAbort = (): void => {
      if (settled || canceled) return;
      canceled = true;
      Atomics.store(cancel, CANCEL_FLAG, 1);
      writer.postMessage({ type: 'cancel' } satisfies UploadCancelMessage);
      graceTimer = setTimeout(() => finish({ error: new Error(UPLOAD_CANCELED) }), CANCEL_GRACE_MS);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });

    writer.on('message', (msg: UploadWorkerMessage) => {
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
    const crashed = (error: unknown): void => finish({ error: error instanceof Error ? error : new Error(String(error)) });
    writer.on('error', crashed);
    reader.on('error', crashed);
    writer.on('exit', (code) => finish({ error: new Error(`upload worker stopped unexpectedly (exit code ${code})`) }));
    // The reader's expected failures (file unreadable, not UTF-8) reach the writer and come from it.
    reader.on('exit', (code) => {
      if (code !== 0) finish({ error: new Error(`upload reader stopped unexpectedly (exit code ${code})`) });
    });
  });
}

async function stopThreads(writer: Worker, reader: Worker): Promise<void> {
  await writer.terminate();
  const exited = new Promise<void>((resolve) => {
    reader.once('exit', () => resolve());
    // Already gone: 'exit' was emitted before; threadId is -1 then.
    if (reader.threadId === -1) resolve();
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), READER_GRACE_MS)));
  if ((await Promise.race([exited, late])) === 'late') await reader.terminate();
  clearTimeout(timer);
}
