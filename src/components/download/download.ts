// FATE's Download as a component: exports a table, one `key<delimitor>value` line per row, in a
// thread of its own (see runDownloadTask.ts) that streams the rows, so memory stays bounded. The
// runtime gives it the table's location (tableFiles.read.table) instead of the rows.
import type { Component } from '../contract.js';
import { runDownloadTask } from './runDownloadTask.js';

export const download: Component = async (input, { tracker, signal }) => {
  const location = input.tableFiles?.read.table;
  if (location === undefined) throw new Error('Download runs only as a download job (/v1/data/download)');
  const { count } = await runDownloadTask(
    { tablesDir: input.tableFiles!.tablesDir, location, outputPath: String(input.params.output_path ?? ''), delimitor: String(input.params.delimitor ?? ',') },
    { signal, onProgress: (percent) => tracker.setProgress(percent) },
  );
  tracker.setMetricMeta('download', 'data_access', { name: 'download', metric_type: 'DOWNLOAD' });
  tracker.logMetricData('download', 'data_access', [['count', count]]);
  return {};
};
