// DataIO (FATE 1.x federatedml/util/data_io.py): turns an uploaded table of delimiter-joined
// strings into Instances (float features + optional label). Three readers, by `input_format`:
// dense (this file: columns by the upload's header, optional missing fill / outlier replace),
// sparse (sparseReader.ts, libsvm-like fid:value) and tag (tagReader.ts, tags or tag:value).
// Fit stores what it learned in DataIOMeta/DataIOParam (model.ts); with `input.model` (predict)
// the stored format, header and fill values are replayed.
//
// Representation: whatever the input and `output_format`, components downstream receive
// `Instance.features` as a dense number[] over the schema's header. FATE's SparseVector holds the
// same numbers (absent entries read 0, its output view shows them densely), so every component
// works unchanged and no second feature type runs through the code base. What `output_format:
// "sparse"` changes in FATE's numbers is kept: a dense cell with |v| < 1e-8 is not stored, so it
// reads 0.
import { columnarTable, partitionBounds, rangedColumns, type InstanceColumns, type KeyBytes, type RowRanges } from '../../tableData/columns.js';
import type { DataTable, Instance, Schema } from '../../tableData/dataTable.js';
import type { Component, ComponentInput } from '../contract.js';
import { rawLinesIfAny, rawLinesOf, type LineBytes, type LineRanges } from '../../tableData/rawLines.js';
import { denseRangeReader, NotColumnar, readDenseColumns, type DenseColumnsResult, type DenseLayout } from './denseColumns.js';
import { FLOAT_TYPES, INT_TYPES, parseLabelValue } from './cells.js';
import { DEFAULT_MISSING_VALUES, applyFill, fitFill, type Replacement } from './fill.js';
import { buildModel, loadModel, type LoadedModel } from './model.js';
import { nanTokensOf, parseRow } from './row.js';
import { settingsFromParams, type Settings } from './settings.js';
import { readSparse } from './sparseReader.js';
import { streamedFills } from './streamedFill.js';
import { readTag } from './tagReader.js';
import { mapPartitionTasks } from '../../compute/partitionTasks.js';
import type { DataIOPartitionInput, DataIOPartitionJob, DataIOPartitionResult } from './partitionKernel.js';

/** The partition workers' kernel (partitionKernel.ts), by name: only they import it (it loads Arrow at once). */
const PARTITION_KERNEL = { module: new URL('./partitionKernel.js', import.meta.url).href, name: 'writeDataIOPartition' };

export { DEFAULT_MISSING_VALUES } from './fill.js';

function pickInput(input: ComponentInput): DataTable<string> {
  const table = input.data.data ?? input.data.train_data ?? input.data.eval_data;
  if (!table) throw new Error('DataIO: no input data (expected data, train_data or eval_data)');
  return table as DataTable<string>;
}

// The two loops over every row live in functions of their own: the component's body is large, and
// optimising it whole (on-stack, while a loop runs) was a large share of a light job's compile time.

/** Feature cells per row (strings), labels aside. */
function splitCells(tableRows: DataTable['rows'], width: number, delimitor: string, labelIdx: number): { keys: string[]; rows: string[][]; labelCells: string[] } {
  const keys: string[] = [];
  const rows: string[][] = [];
  const labelCells: string[] = [];
  for (const [key, value] of tableRows) {
    const cells = width === 0 ? [] : String(value).split(delimitor);
    if (cells.length !== width) {
      throw new Error(`DataIO: row ${JSON.stringify(key)} has ${cells.length} columns, the header has ${width}`);
    }
    if (labelIdx >= 0) labelCells.push(cells.splice(labelIdx, 1)[0]!);
    keys.push(key);
    rows.push(cells);
  }
  return { keys, rows, labelCells };
}

function toInstances(keys: string[], rows: string[][], labelCells: string[] | undefined, header: string[], s: Settings, nanTokens: readonly string[]): [string, Instance][] {
  const out: [string, Instance][] = [];
  for (let r = 0; r < rows.length; r++) {
    const key = keys[r]!;
    const features = parseRow(rows[r]!, key, header, s, nanTokens);
    const instance: Instance = labelCells
      ? { features, label: parseLabelValue(labelCells[r]!, key, s.labelName, s.labelType) }
      : { features };
    out.push([key, instance]);
  }
  return out;
}

/**
 * splitCells + toInstances in one pass, for the common case (no missing fill, no outlier replace, no
 * column realignment): no array of cell strings per row is kept, which at a million rows was most
 * of DataIO's garbage. Same cells, same parse, same errors.
 */
function parseRows(tableRows: DataTable['rows'], width: number, labelIdx: number, header: string[], s: Settings, nanTokens: readonly string[], signal: AbortSignal): [string, Instance][] {
  const out = new Array<[string, Instance]>(tableRows.length);
  for (let r = 0; r < tableRows.length; r++) {
    if ((r & 0xffff) === 0) signal.throwIfAborted();
    const [key, value] = tableRows[r]!;
    const cells = width === 0 ? [] : String(value).split(s.delimitor);
    if (cells.length !== width) {
      throw new Error(`DataIO: row ${JSON.stringify(key)} has ${cells.length} columns, the header has ${width}`);
    }
    // map over the cells (the label cell cut out): an exact-size packed array, as splitCells+toInstances
    // built it (push would leave up to twice the capacity: 20 features took 41 slots).
    const label = labelIdx >= 0 ? parseLabelValue(cells.splice(labelIdx, 1)[0]!, key, s.labelName, s.labelType) : undefined;
    const features = parseRow(cells, key, header, s, nanTokens);
    out[r] = [key, labelIdx >= 0 ? { features, label: label! } : { features }];
  }
  return out;
}

interface ReadResult {
  readonly schema: Schema;
  readonly rows: [string, Instance][];
  /** The dense columnar path's output (then `rows` is empty and unused). */
  readonly columns?: InstanceColumns;
  readonly header: string[];
  readonly sidName: string;
  readonly missing: { rep?: Replacement; ratio?: number[] };
  readonly outlier: { rep?: Replacement; ratio?: number[] };
}

/**
 * How many dense tables DataIO read whole, not a partition at a time (a partition the byte reader
 * cannot read, read again by the row path to throw its error, counts too): tests check a big upload was not.
 */
let denseReadsWhole = 0;
export const dataIODenseReadsWhole = (): number => denseReadsWhole;

function readDense(table: DataTable<string>, s: Settings, loaded: LoadedModel | undefined, signal: AbortSignal, columnarPath: boolean, partitionedMinRows = PARTITIONED_MIN_ROWS, fitPartitions?: number, workers = 1): ReadResult {
  const inputHeader = [...table.schema.header];
  const sidName = table.schema.sid_name;
  let labelIdx = -1;
  if (s.withLabel) {
    labelIdx = inputHeader.indexOf(s.labelName);
    if (labelIdx < 0 && !loaded) {
      throw new Error(`DataIO: label column ${JSON.stringify(s.labelName)} is not in the header [${inputHeader.join(', ')}]`);
    }
  }
  const dataHeader = inputHeader.filter((_, i) => i !== labelIdx);

  const partitioned = columnarPath ? readDensePartitioned(table, s, loaded, inputHeader, labelIdx, dataHeader, partitionedMinRows, signal, fitPartitions, workers) : undefined;
  if (partitioned) return partitioned;
  denseReadsWhole++;
  const columnar = columnarPath && readDenseColumnar(table, s, loaded, inputHeader, labelIdx, dataHeader, signal);
  if (columnar) return columnar;

  const sameHeader = !loaded || (loaded.header.length === dataHeader.length && loaded.header.every((h, i) => h === dataHeader[i]));
  if (!s.missing.enabled && !s.outlier.enabled && sameHeader) {
    const header = loaded ? loaded.header : dataHeader;
    const rows = parseRows(table.rows, inputHeader.length, labelIdx, header, s, nanTokensOf(s, undefined), signal);
    const schema: Schema = s.withLabel ? { header: [...header], sid_name: sidName, label_name: s.labelName } : { header: [...header], sid_name: sidName };
    return { schema, rows, header, sidName, missing: {}, outlier: {} };
  }

  const { keys, rows, labelCells } = splitCells(table.rows, inputHeader.length, s.delimitor, labelIdx);
  signal.throwIfAborted();

  // Predict: align columns to the fitted header (by name).
  let header = dataHeader;
  if (loaded) {
    const fitHeader = loaded.header;
    const same = fitHeader.length === dataHeader.length && fitHeader.every((h, i) => h === dataHeader[i]);
    if (!same) {
      const index = fitHeader.map((h) => dataHeader.indexOf(h));
      if (fitHeader.length !== dataHeader.length || index.some((i) => i < 0)) {
        throw new Error(`DataIO: predict data header [${dataHeader.join(', ')}] does not match the model header [${fitHeader.join(', ')}]`);
      }
      for (let r = 0; r < rows.length; r++) rows[r] = index.map((i) => rows[r]![i]!);
    }
    header = fitHeader;
  }
  const width = header.length;

  let missingRep: Replacement | undefined;
  let missingRatio: number[] | undefined;
  if (s.missing.enabled) {
    missingRep = loaded ? loaded.missing! : (() => {
      const tokens = s.missing.tokens ?? DEFAULT_MISSING_VALUES;
      return { tokens, fill: fitFill(rows, width, s.missing, tokens) };
    })();
    missingRatio = applyFill(rows, width, missingRep);
  }
  let outlierRep: Replacement | undefined;
  let outlierRatio: number[] | undefined;
  if (s.outlier.enabled) {
    outlierRep = loaded ? loaded.outlier! : (() => {
      const tokens = s.outlier.tokens ?? DEFAULT_MISSING_VALUES;
      return { tokens, fill: fitFill(rows, width, s.outlier, tokens) };
    })();
    outlierRatio = applyFill(rows, width, outlierRep);
  }
  signal.throwIfAborted();

  const nanTokens = nanTokensOf(s, missingRep);
  const out = toInstances(keys, rows, labelIdx >= 0 ? labelCells : undefined, header, s, nanTokens);
  const schema: Schema = s.withLabel
    ? { header: [...header], sid_name: sidName, label_name: s.labelName }
    : { header: [...header], sid_name: sidName };
  return {
    schema, rows: out, header, sidName,
    missing: { ...(missingRep ? { rep: missingRep } : {}), ...(missingRatio ? { ratio: missingRatio } : {}) },
    outlier: { ...(outlierRep ? { rep: outlierRep } : {}), ...(outlierRatio ? { ratio: outlierRatio } : {}) },
  };
}

/**
 * The dense table read straight into columns (denseColumns.ts), or undefined when the row path
 * must read it: a layout this path does not cover (no cells, an empty delimiter, a fitted header
 * that is not a permutation of the data's, or one that does not match: the row path says so), or
 * a line it cannot read (the row path then reports that line's error as it always did).
 */
function readDenseColumnar(table: DataTable<string>, s: Settings, loaded: LoadedModel | undefined, inputHeader: string[], labelIdx: number, dataHeader: string[], signal: AbortSignal): ReadResult | undefined {
  const dense = denseLayoutOf(s, loaded, inputHeader, labelIdx, dataHeader);
  if (!dense) return undefined;
  const { layout, header } = dense;
  // A model that says a fill ran but holds none: the row path's business.
  if ((s.missing.enabled && loaded && !loaded.missing) || (s.outlier.enabled && loaded && !loaded.outlier)) return undefined;
  const fill = (enabled: boolean, settings: Settings['missing'], rep: Replacement | undefined) =>
    enabled ? { settings, ...(loaded ? { loaded: rep! } : {}) } : undefined;
  const missing = fill(s.missing.enabled, s.missing, loaded?.missing);
  const outlier = fill(s.outlier.enabled, s.outlier, loaded?.outlier);
  let read: DenseColumnsResult;
  try {
    read = readDenseColumns(
      rawLinesOf(table), layout, parseOptionsOf(s),
      { ...(missing ? { missing } : {}), ...(outlier ? { outlier } : {}), defaultTokens: DEFAULT_MISSING_VALUES },
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw error;
    // The row path reads it again and reports what is wrong, exactly as before.
    return undefined;
  }
  const sidName = table.schema.sid_name;
  return {
    schema: denseSchema(s, header, sidName), rows: [], columns: read.columns, header, sidName,
    missing: read.missing ? { rep: read.missing.rep, ratio: read.missing.ratio } : {},
    outlier: read.outlier ? { rep: read.outlier.rep, ratio: read.outlier.ratio } : {},
  };
}

/**
 * Where each cell of a line goes (the fitted header's order when predicting), or undefined when the
 * columnar paths do not cover the layout: no cells, an empty delimiter, a fitted header that is not
 * a permutation of the data's.
 */
function denseLayoutOf(s: Settings, loaded: LoadedModel | undefined, inputHeader: string[], labelIdx: number, dataHeader: string[]): { layout: DenseLayout; header: string[] } | undefined {
  const width = inputHeader.length;
  if (width === 0 || s.delimitor === '') return undefined;
  const header = loaded ? loaded.header : dataHeader;
  // Output column of each data cell (by the fitted header's names when predicting).
  const colOfData = new Int32Array(dataHeader.length).fill(-1);
  if (header.length !== dataHeader.length) return undefined;
  for (let c = 0; c < header.length; c++) {
    const d = header === dataHeader ? c : dataHeader.indexOf(header[c]!);
    if (d < 0 || colOfData[d] !== -1) return undefined;
    colOfData[d] = c;
  }
  const colOf = new Int32Array(width).fill(-1);
  for (let j = 0, d = 0; j < width; j++) if (j !== labelIdx) colOf[j] = colOfData[d++]!;
  return { layout: { width, labelIdx, colOf, features: header.length }, header };
}

const parseOptionsOf = (s: Settings) =>
  ({ delimitor: s.delimitor, dataType: s.dataType, labelType: s.labelType, outputFormat: s.outputFormat, nanTokens: (rep: Replacement | undefined) => nanTokensOf(s, rep) });

const denseSchema = (s: Settings, header: string[], sidName: string): Schema =>
  s.withLabel ? { header: [...header], sid_name: sidName, label_name: s.labelName } : { header: [...header], sid_name: sidName };

/**
 * Above this many rows a big upload (one that storage can sort into ranges, rawLines.ts LineRanges)
 * is read a partition at a time: its output's values are made by partition as the writer asks
 * (columns.ts rangedColumns), so they are never whole in memory (issue 17: at 10M rows × 20
 * features, 1.6 GB in the host's DataIO). The runtime's bound for handing a table to the next task
 * in memory (scheduler/recentOutputs.ts, 2,500,000 rows): a smaller output is kept whole for the
 * next task anyway, a bigger one is read back from its partitions by the next task.
 */
export const PARTITIONED_MIN_ROWS = 2_500_001;

/**
 * A big dense upload read a partition at a time (see PARTITIONED_MIN_ROWS), or undefined when this
 * path does not cover it (then readDenseColumnar): lines that cannot be read as bytes, a layout the
 * columnar paths do not cover, fills streamedFill.ts does not cover. A missing fill or an outlier
 * replace is fitted first by passes over the lines sorted into the writer's default ranges
 * (`fitPartitions`, tests: another cut), which the writer then reads again when it cuts the same.
 * The lines are read when the writer asks for each partition: a line the byte reader cannot read
 * is then read again by the row path, with that partition's rows, which throws the row path's own
 * error (the first bad row in key order, as when the whole table is read: partitions come in key
 * order, and the rows of an earlier one were read by both paths alike).
 * With `workers` > 1 (the task's partition workers, ComponentContext) the writer may instead have the
 * partitions made and written on that many worker threads (`writeFiles`, see writeOnWorkers).
 */
function readDensePartitioned(table: DataTable<string>, s: Settings, loaded: LoadedModel | undefined, inputHeader: string[], labelIdx: number, dataHeader: string[], minRows: number, signal: AbortSignal, fitPartitions?: number, workers = 1): ReadResult | undefined {
  const raw = rawLinesIfAny(table);
  const n = raw?.keys.length ?? 0;
  if (!raw?.ranges || n < minRows) return undefined;
  const dense = denseLayoutOf(s, loaded, inputHeader, labelIdx, dataHeader);
  if (!dense) return undefined;
  const { layout, header } = dense;
  const sliceRanges = raw.ranges;
  const fills = streamedFills(sliceRanges, partitionBounds(n, fitPartitions), layout, s, loaded, signal);
  if (!fills) return undefined;
  const read = denseRangeReader(layout, parseOptionsOf(s), signal, fills.reps);
  if (!read) {
    fills.ranges?.close();
    return undefined;
  }
  // A bad line's partition is read again by the row path with these replacements (not refitted on the partition).
  const replay: LoadedModel | undefined = loaded ?? (fills.reps.missing || fills.reps.outlier ? { s, header, sidName: table.schema.sid_name, ...fills.reps } : undefined);
  let bounds: readonly number[] = [];
  let ranges: LineRanges | undefined;
  /** The fit's ranges, for the first cut if it is theirs (the default cut): the lines are not sorted twice. */
  let fitRanges = fills.ranges;
  const values: RowRanges = {
    width: layout.features,
    labelled: layout.labelIdx >= 0,
    cut(cut) {
      const fitBounds = fills.bounds!;
      if (fitRanges && cut.length === fitBounds.length && cut.every((b, i) => b === fitBounds[i])) {
        ranges = fitRanges;
        fitRanges = undefined;
        bounds = cut;
        return;
      }
      fitRanges?.close();
      fitRanges = undefined;
      ranges?.close();
      ranges = undefined;
      bounds = cut;
    },
    rows(from, to) {
      const p = bounds.indexOf(from);
      if (p < 0 || bounds[p + 1] !== to) throw new Error(`DataIO: rows ${from}..${to} are not one of the ranges cut`);
      // The lines sorted into the cut's ranges on the first ask (the writer's first partition).
      ranges ??= sliceRanges(bounds);
      const lines = ranges.lines(p);
      try {
        return read(lines, to - from);
      } catch (error) {
        if (!(error instanceof NotColumnar)) throw error;
        const rows = rowsOfRange(raw.keys, from, lines, to - from);
        readDense({ schema: table.schema, rows }, s, replay, signal, false);
        throw new Error(`DataIO: rows ${from}..${to} could not be read into columns (${error.message}), though the row path reads them`);
      }
    },
    ...(workers > 1
      ? {
        writeFiles: async (fileOf: (p: number) => string, keys: (from: number, to: number) => KeyBytes): Promise<void> => {
          const cut = bounds;
          const job: DataIOPartitionJob = {
            layout, delimitor: s.delimitor, dataType: s.dataType, labelType: s.labelType, outputFormat: s.outputFormat,
            nanTokens: nanTokensOf(s, fills.reps.missing), fills: fills.reps,
          };
          let results: DataIOPartitionResult[];
          // The lines sorted aside on the first partition's deal, while the workers start.
          const lineRanges = (): LineRanges => (ranges ??= sliceRanges(cut));
          try {
            results = await writeOnWorkers(lineRanges, cut, job, workers, fileOf, keys, signal);
          } catch (error) {
            ranges?.close();
            throw error;
          }
          // The first partition (in key order) a line of which the byte reader could not read: read
          // again here, by the row path, for the error the writer's own pass would have thrown.
          const bad = results.findIndex((r) => 'notColumnar' in r);
          try {
            if (bad >= 0) values.rows(cut[bad]!, cut[bad + 1]!);
          } finally {
            lineRanges().close();
          }
        },
      }
      : {}),
  };
  return {
    schema: denseSchema(s, header, table.schema.sid_name), rows: [], columns: rangedColumns(raw.keys, values), header,
    sidName: table.schema.sid_name, missing: fills.missing ?? {}, outlier: fills.outlier ?? {},
  };
}

/**
 * The cut's partitions made and written on `workers` worker threads by the computing API's map
 * (compute/partitionTasks.ts, partitionKernel.ts): `ranges` (the lines sorted aside) made on the
 * first partition's deal; each worker reads its partition's lines from the ranges' scratch file
 * itself, parses them and writes the partition's file; the task's thread only deals the
 * partitions, with their key bytes. Each result says the partition's row count or that a line
 * could not be read as bytes.
 */
async function writeOnWorkers(
  ranges: () => LineRanges, cut: readonly number[], job: DataIOPartitionJob, workers: number,
  fileOf: (p: number) => string, keys: (from: number, to: number) => KeyBytes, signal: AbortSignal,
): Promise<DataIOPartitionResult[]> {
  const results = await mapPartitionTasks<DataIOPartitionResult>({
    kernel: PARTITION_KERNEL, partitions: cut.length - 1, shared: job, threads: workers, signal,
    input: (p) => {
      const lines = ranges();
      if (!lines.place) throw new Error('DataIO: these line ranges cannot be read by another thread');
      const at = lines.place(p);
      const k = keys(cut[p]!, cut[p + 1]!);
      const value: DataIOPartitionInput = { file: fileOf(p), place: at, keyOffsets: k.offsets, keyBytes: k.bytes };
      return { value, transfer: [...new Set([at.tail.buffer, k.offsets.buffer, k.bytes.buffer])].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer) };
    },
  });
  results.forEach((r, p) => {
    if ('rows' in r && r.rows !== cut[p + 1]! - cut[p]!) throw new Error(`DataIO: partition ${p} was written with ${r.rows} rows, its range holds ${cut[p + 1]! - cut[p]!}`);
  });
  return results;
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** A range's rows as the row path reads them: [key, line text] (decoded as rawLines.ts decodes a line). */
function rowsOfRange(keys: readonly string[], from: number, lines: LineBytes, n: number): [string, string][] {
  const rows = new Array<[string, string]>(n);
  for (let r = 0; r < n; r++) rows[r] = [keys[from + r]!, utf8.decode(lines.bytes.subarray(lines.start[r]!, lines.end[r]!))];
  return rows;
}

/** The sparse and tag readers name the id column "sid" and always put a label name in the schema, as FATE does. */
function readOther(table: DataTable<string>, s: Settings, loaded: LoadedModel | undefined): ReadResult {
  if (table.rows.length === 0) throw new Error(`DataIO: the input table is empty (input_format ${s.inputFormat})`);
  if (s.inputFormat === 'sparse') {
    const r = readSparse(table, s, loaded?.header);
    return { schema: { header: [...r.header], sid_name: 'sid', label_name: s.labelName }, rows: r.rows, header: r.header, sidName: 'sid', missing: {}, outlier: {} };
  }
  // Fit names a tag table's label "label" (SparseTagReader.read_data); a model replays its name.
  const labelName = loaded ? s.labelName : s.withLabel ? 'label' : s.labelName;
  const settings: Settings = { ...s, labelName };
  const r = readTag(table, settings, loaded ? { header: loaded.header, ...(loaded.missing ? { missing: loaded.missing } : {}) } : undefined);
  return {
    schema: { header: [...r.header], sid_name: 'sid', label_name: labelName }, rows: r.rows, header: r.header, sidName: 'sid',
    missing: r.missing ? { rep: r.missing.rep, ratio: r.missing.ratio } : {}, outlier: {},
  };
}

/**
 * The component; `columnar: false` reads dense tables by rows only (the reference the columnar path
 * is tested against); `partitionedMinRows` (tests) the size from which a big upload is read a
 * partition at a time; `fitPartitions` (tests) the ranges a streamed fill's fit reads (default: the
 * writer's default cut).
 */
export const dataIOComponent = ({ columnar, partitionedMinRows, fitPartitions }: { columnar: boolean; partitionedMinRows?: number; fitPartitions?: number }): Component => async (input, { signal, partitionWorkers }) => {
  const table = pickInput(input);
  const loaded = input.model ? loadModel(input.model) : undefined;
  const s = loaded ? loaded.s : settingsFromParams(input.params);
  if (!s.needRun) return { data: table };
  if (![...FLOAT_TYPES, ...INT_TYPES].includes(s.dataType)) {
    throw new Error(`DataIO: data_type ${s.dataType} is not supported (float64/float/double/int/int64/long)`);
  }
  if (!['dense', 'sparse', 'tag'].includes(s.inputFormat)) throw new Error(`DataIO: input_format ${s.inputFormat} is not supported (dense, sparse, tag)`);
  if (!['dense', 'sparse'].includes(s.outputFormat)) throw new Error(`DataIO: output format ${s.outputFormat} is not define`);

  const read = s.inputFormat === 'dense' ? readDense(table, s, loaded, signal, columnar, partitionedMinRows, fitPartitions, partitionWorkers) : readOther(table, s, loaded);
  const model = loaded
    ? input.model!
    : buildModel({ ...s, labelName: read.schema.label_name ?? s.labelName }, read.header, read.sidName, read.missing, read.outlier);
  return { data: read.columns ? columnarTable(read.schema, read.columns) : { schema: read.schema, rows: read.rows }, model };
};

export const dataIO: Component = dataIOComponent({ columnar: true });
