// Worker thread of the download task: writes the rows of a table location to a text file, one
// `key<delimitor>value` line per row, in storage order, without header.
// The file is written as `<output>.partial`, flushed to disk and only then renamed, so the output
// name never holds a half-written file.
import { closeSync, createWriteStream, fsyncSync, mkdirSync, openSync, renameSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { TableStore } from '../../store/tables/tableStore.js';
import { DOWNLOAD_CANCELED, partialPathOf, type DownloadCancelMessage, type DownloadTaskInput, type DownloadWorkerMessage } from './runDownloadTask.js';

const PROGRESS_EVERY = 10_000;
/** Lines are joined into strings of about this many characters before a write. */
const WRITE_CHARS = 1 << 20;

/** Resolves on 'drain', or on 'close' after an error (the error itself is kept by the caller). */
function drained(out: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

async function download(data: DownloadTaskInput, isCanceled: () => boolean, post: (m: DownloadWorkerMessage) => void): Promise<number> {
  const store = new TableStore(data.tablesDir);
  if (!store.exists(data.location)) throw new Error(`table location ${data.location} does not exist`);
  const total = store.count(data.location);
  mkdirSync(dirname(data.outputPath), { recursive: true });
  const partial = partialPathOf(data.outputPath);
  // flush: fsync before close, so that the rename below publishes complete data.
  const out = createWriteStream(partial, { flush: true, highWaterMark: WRITE_CHARS });
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  try {
    const sep = data.delimitor;
    let text = '';
    let lines = 0;
    for (const [key, value] of store.read(data.location)) {
      text += value === '' ? key + '\n' : key + sep + value + '\n';
      lines++;
      if (text.length >= WRITE_CHARS) {
        if (failure) throw failure;
        if (isCanceled()) throw new Error(DOWNLOAD_CANCELED);
        const more = out.write(text);
        text = '';
        // Backpressure: wait until the stream took the buffered text. Otherwise still yield, so
        // that a cancel message gets in.
        if (!more) await drained(out);
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (lines % PROGRESS_EVERY === 0) post({ type: 'progress', percent: Math.min(100, Math.floor((lines * 100) / total)), lines });
    }
    if (failure) throw failure;
    out.end(text);
    await finished(out);
    renameSync(partial, data.outputPath);
    const dir = openSync(dirname(data.outputPath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return lines;
  } finally {
    // On failure: closed before the worker reports (a terminated thread would leave the fd open).
    if (!out.closed) {
      const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
      out.destroy();
      await closed;
    }
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  let canceled = false;
  port.on('message', (m: DownloadCancelMessage) => {
    if (m?.type === 'cancel') canceled = true;
  });
  const post = (m: DownloadWorkerMessage): void => port.postMessage(m);
  download(workerData as DownloadTaskInput, () => canceled, post).then(
    (count) => post({ type: 'done', count }),
    (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  ).finally(() => port.unref());
}
