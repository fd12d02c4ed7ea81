// Large predict tables (a model's predictions, predictColumns.ts) as columnar partitions: the same
// directory layout and atomic rename as columnarTable.ts, kind `predict`, with the columns `key`,
// [`label`], `predict_result`, `predict_score`, then one `p<k>` probability column per class for a
// one-vs-rest model (binary details are 1 − score and score, derived on read); the type is in
// table.json. Written this way, a million predictions are ~30 MB of typed buffers written in one
// copy each, against a million JSON texts (`[1,1,0.93,{"0":0.07,"1":0.93},"train"]`) stringified and
// parsed back; Evaluation reads the score and label columns directly. Readers that want rows (the
// tracking endpoint's first 100, a download) get exactly the rows the JSON form gave them.
import { existsSync } from 'node:fs';
import type { Data, Field } from 'apache-arrow';
import type { DataTable, Schema } from '../../tableData/dataTable.js';
import { predictColumnsOf, predictTable, type PredictColumns } from '../../tableData/predictColumns.js';
import {
  arrow,
  batchOf,
  type ColumnarMeta,
  decodeUtf8Column,
  float64Column,
  readColumnarMeta,
  readPartitionColumns,
  utf8Data,
  writePartitions,
} from './columnarTable.js';
import { compareUtf8 } from './packedTable.js';
import type { TableStore } from './tableStore.js';
import { PACKED_MAX_ROWS } from './writeOutputTable.js';

export interface PredictMeta {
  readonly labelled: boolean;
  readonly type: string;
  /** One-vs-rest: the class names of the probability columns, in order. */
  readonly classes?: readonly string[];
}

/**
 * The task's output when it is a predict table of more than `maxPackedRows` rows: written as typed
 * partitions. Undefined (nothing written) for any other output, which writeOutputTable writes.
 */
export function writeLargePredictTable(tables: TableStore, location: string, data: DataTable, maxPackedRows = PACKED_MAX_ROWS): { count: number } | undefined {
  const columns = predictColumnsOf(data);
  if (!columns || columns.keys.length <= maxPackedRows) return undefined;
  return { count: writePredictColumns(tables.columnarPathOf(location), columns).count };
}

/**
 * A stored predict table as a predict-columns table (rows built only if asked), or undefined for any
 * other table. The keys are decoded on first use: Evaluation, the usual reader, needs only the
 * label and score columns (decoding and gathering a million keys was half of its input's load).
 */
export function readPredictTable(tables: TableStore, location: string, schema: Schema): DataTable | undefined {
  if (!tables.isColumnar(location)) return undefined;
  const dir = tables.columnarPathOf(location);
  const meta = readColumnarMeta(dir);
  if (meta.kind !== 'predict') return undefined;
  const keyColumns: Data[] = [];
  const parts = meta.partitionRows.map((_, p) => {
    const columns = readPartitionColumns(dir, p);
    keyColumns.push(columns[0]!);
    return predictPartition(meta, [], columns);
  });
  const columns = concatPredict(parts);
  let keys: string[] | undefined;
  const decodeKeys = (): string[] => {
    if (keys) return keys;
    const out = new Array<string>(columns.scores.length);
    let at = 0;
    for (const data of keyColumns) {
      const part = decodeUtf8Column(data);
      for (let i = 0; i < part.length; i++) out[at++] = part[i]!;
    }
    if (at !== out.length) throw new Error(`${dir}: ${at} keys for ${out.length} rows`);
    keyColumns.length = 0;
    return (keys = out);
  };
  return predictTable(schema, Object.defineProperty({ ...columns }, 'keys', { get: decodeKeys, enumerable: true }) as PredictColumns);
}

/** Writes `columns` (any key order; keys unique) as `partitions` partitions in key order. */
export function writePredictColumns(dir: string, columns: PredictColumns, partitions?: number): ColumnarMeta {
  if (existsSync(dir)) throw new Error(`table ${dir} already exists`);
  const c = inKeyOrder(columns);
  const count = c.keys.length;
  for (let i = 1; i < count; i++) if (c.keys[i] === c.keys[i - 1]) throw new Error(`output table has the key ${JSON.stringify(c.keys[i])} twice`);
  const predict: PredictMeta = { labelled: c.labels !== null, type: c.type, ...(c.detail.kind === 'classes' ? { classes: c.detail.classes } : {}) };
  return writePartitions(dir, count, partitions, { kind: 'predict', predict }, (from, to) => predictBatch(c, from, to));
}

/** One partition's predict columns from its Arrow columns (after the key); values read as JSON gave them. */
export function predictPartition(meta: ColumnarMeta, keys: string[], columns: readonly Data[]): PredictColumns {
  const pm = meta.predict;
  if (!pm) throw new Error('a predict table without its predict meta');
  let at = 1;
  const labels = pm.labelled ? float64Column(columns[at++]!) : null;
  const results = float64Column(columns[at++]!);
  const scores = float64Column(columns[at++]!);
  const detail = pm.classes
    ? { kind: 'classes' as const, classes: pm.classes, probs: pm.classes.map(() => float64Column(columns[at++]!)) }
    : { kind: 'binary' as const };
  return { keys, labels, results, scores, detail, type: pm.type, asJson: true };
}

function predictBatch(c: PredictColumns, from: number, to: number) {
  const { Field, Float64, Utf8, makeData } = arrow();
  const n = to - from;
  const fields: Field[] = [new Field('key', new Utf8(), false)];
  const children: Data[] = [utf8Data(c.keys, from, to)];
  const add = (name: string, column: Float64Array) => {
    fields.push(new Field(name, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: column.subarray(from, to) }));
  };
  if (c.labels) add('label', c.labels);
  add('predict_result', c.results);
  add('predict_score', c.scores);
  if (c.detail.kind === 'classes') c.detail.probs.forEach((probs, k) => add(`p${k}`, probs));
  return batchOf(fields, children, n);
}

/** The columns with their rows in key order (the order every table reader expects). */
function inKeyOrder(c: PredictColumns): PredictColumns {
  let sorted = true;
  for (let i = 1; i < c.keys.length && sorted; i++) if (compareUtf8(c.keys[i - 1]!, c.keys[i]!) > 0) sorted = false;
  if (sorted) return c;
  const order = Array.from(c.keys, (_, i) => i).sort((a, b) => compareUtf8(c.keys[a]!, c.keys[b]!));
  const take = (col: Float64Array) => Float64Array.from(order, (i) => col[i]!);
  return {
    ...c,
    keys: order.map((i) => c.keys[i]!),
    labels: c.labels ? take(c.labels) : null,
    results: take(c.results),
    scores: take(c.scores),
    detail: c.detail.kind === 'classes' ? { ...c.detail, probs: c.detail.probs.map(take) } : c.detail,
  };
}

/** The partitions' columns (keys aside: the caller's) as one table's, in partition order. */
function concatPredict(parts: readonly PredictColumns[]): Omit<PredictColumns, 'keys'> {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  let count = 0;
  for (const p of parts) count += p.scores.length;
  const join = (pick: (p: PredictColumns) => Float64Array): Float64Array => {
    const out = new Float64Array(count);
    let at = 0;
    for (const p of parts) {
      out.set(pick(p), at);
      at += p.scores.length;
    }
    return out;
  };
  const detail = first.detail.kind === 'classes'
    ? { ...first.detail, probs: first.detail.probs.map((_, k) => join((p) => (p.detail as { probs: readonly Float64Array[] }).probs[k]!)) }
    : first.detail;
  return { labels: first.labels ? join((p) => p.labels!) : null, results: join((p) => p.results), scores: join((p) => p.scores), detail, type: first.type, asJson: true };
}
