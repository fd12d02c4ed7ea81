// DataIO's kernel for the computing API's worker-thread map (compute/partitionTasks.ts): one output
// partition of a big upload made and written on a worker (issue 17). The worker reads the
// partition's lines from where the sort aside put them (the scratch file's extents, shared by the
// process, and the tail of its bucket), parses them with the partition path's own range reader
// (denseColumns.ts denseRangeReader, the same replacements) and writes the partition's Arrow file
// with the writer's own batch and file writer: so the file is the one the task's thread would have
// written, and no parsed value crosses threads. A line the byte reader cannot read is reported, not
// thrown: the task's thread then reads that partition by the row path for the row path's error.
import type { LinePlace } from '../../tableData/rawLines.js';
import { instanceBatch, writeArrowFile, arrow } from '../../store/tables/columnarTable.js';
import { readLinePlace, type RangeBuffers } from '../../store/tables/lineRanges.js';
import { denseRangeReader, NotColumnar, type DenseLayout } from './denseColumns.js';
import type { Replacement } from './fill.js';

export interface DataIOPartitionJob {
  readonly layout: DenseLayout;
  readonly delimitor: string;
  readonly dataType: string;
  readonly labelType: string;
  readonly outputFormat: string;
  /** The NaN tokens, resolved in the task's thread (row.ts nanTokensOf with the missing replacement). */
  readonly nanTokens: readonly string[];
  readonly fills: { readonly missing?: Replacement; readonly outlier?: Replacement };
}

export interface DataIOPartitionInput {
  /** The partition's file, in the table's temporary directory. */
  readonly file: string;
  readonly place: LinePlace;
  /** The key column's UTF-8 bytes and offsets, as the writer's key column holds them (columnarTable.ts utf8Data). */
  readonly keyOffsets: Int32Array;
  readonly keyBytes: Uint8Array;
}

export type DataIOPartitionResult = { readonly rows: number } | { readonly notColumnar: string };

// Imported only by a partition worker (dataIO.ts names this module by its URL): Arrow is loaded
// now, while the task's thread still sorts the lines aside, not at the first partition's write.
arrow();

/** This worker's reader and buffers (made on its first partition, reused for the next ones). */
let reader: ReturnType<typeof denseRangeReader> | undefined;
let readerOf: DataIOPartitionJob | undefined;
const buffers: RangeBuffers = { text: new Uint8Array(0), start: new Float64Array(0), end: new Float64Array(0) };
const never = new AbortController().signal;

export function writeDataIOPartition(_partition: number, job: DataIOPartitionJob, input: DataIOPartitionInput): DataIOPartitionResult {
  const n = input.place.rows;
  if (input.keyOffsets.length !== n + 1) throw new Error(`DataIO partition ${input.place.range}: ${input.keyOffsets.length - 1} keys for ${n} lines`);
  if (readerOf !== job) {
    reader = denseRangeReader(job.layout, { ...job, nanTokens: () => job.nanTokens }, never, job.fills);
    readerOf = job;
  }
  if (!reader) throw new Error('DataIO partition kernel: the lines cannot be read as bytes (the task checked they could)');
  let values: ReturnType<NonNullable<typeof reader>>;
  try {
    values = reader(readLinePlace(input.place, buffers), n);
  } catch (error) {
    if (error instanceof NotColumnar) return { notColumnar: error.message };
    throw error;
  }
  const { Utf8, makeData } = arrow();
  const keys = makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: input.keyOffsets, data: input.keyBytes });
  writeArrowFile(input.file, instanceBatch({ keys: [], ...values }, 0, n, keys));
  return { rows: n };
}
