// FATE's Upload as a component: streams a CSV file into the new table location the runtime gives
// it (tableFiles.writeTo), in two threads of its own (see runUploadTask.ts), so memory stays
// bounded whatever the file size. The runtime records the table (the table decider decides) from
// the returned writtenTable; a stopped or failed load leaves no file behind.
import type { Component } from '../contract.js';
import { runUploadTask } from './runUploadTask.js';

export const upload: Component = async (input, { tracker, signal }) => {
  const files = input.tableFiles;
  if (files?.writeTo === undefined) throw new Error('Upload runs only as an upload job (/v1/data/upload)');
  const file = String(input.params.file ?? '');
  const { writeTo, read: { base } } = files;
  const result = await runUploadTask(
    { tablesDir: files.tablesDir, location: writeTo, file, head: Number(input.params.head) === 0 ? 0 : 1, ...(base !== undefined ? { copyFrom: base } : {}) },
    { signal, onProgress: (percent) => tracker.setProgress(percent) },
  );
  return { writtenTable: { location: writeTo, ...result } };
};
