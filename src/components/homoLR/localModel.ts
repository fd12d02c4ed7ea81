// The maths one HomoLR client runs on its own rows (FATE 1.x optim/gradient/homo_lr_gradient.py
// LogisticGradient, homo_lr_base.py): the exact logistic loss and gradient with labels as ±1, the
// model as [coefficients…, intercept], and FATE's predict rows and LRModelMeta/LRModelParam JSON.
//
// The rows are typed columns (issue 17): a columnar table's own Float64Arrays, never its `rows`
// (a row table is converted once). Every sum is taken in the order a per-row loop takes it — per
// row: the intercept, then w_0·x_0, w_1·x_1, …; per gradient entry: rows in order — so models,
// losses and scores are the same numbers to the last bit as the row code's.
import { columnarTable, columnsFromRows, type InstanceColumns, rowCountOf } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ModelBuffers } from '../contract.js';
import { type PredictColumns, predictRowsOf, predictSchema, predictTable } from '../../tableData/predictColumns.js';
import { linearMeta } from '../linearModel/modelBuffers.js';
import type { HomoLogisticParam } from './params.js';
import { forEachPiece, pieceSize, tableRowsOf, type TableRows } from './tableRows.js';

/**
 * Rows ready for the maths: the label as +1 (label 1) / −1 (anything else), and the feature columns
 * read a piece at a time (tableRows.ts: views of columns in memory, a big stored table's read from
 * its partitions, never whole).
 */
export interface LocalRows {
  readonly n: number;
  readonly y: Float64Array;
  readonly rows: TableRows;
}

/** Rows per block of the column loops: their scores stay in cache, and a big table needs no n-sized scratch. */
const BLOCK = 8192;

/**
 * The table's instances as columns: a columnar table's own (its rows are never built), a row table's
 * converted; rows that are not plain instances of one shape (extra fields, some labelled and some
 * not) are read one by one, a missing label as NaN.
 */
export function instanceColumns(table: DataTable<Instance>): InstanceColumns {
  const own = table.columns ?? columnsFromRows(table.rows);
  if (own) return own;
  const rows = table.rows;
  const n = rows.length;
  const width = table.schema.header.length;
  const features = Array.from({ length: width }, () => new Float64Array(n));
  const labels = new Float64Array(n);
  rows.forEach(([, inst], i) => {
    for (let j = 0; j < width; j++) features[j]![i] = inst.features[j]!;
    labels[i] = typeof inst.label === 'number' ? inst.label : NaN;
  });
  return { keys: rows.map(([key]) => key), features, labels };
}

/** Whether a table holds no rows, without building a columnar table's rows. */
export const isEmpty = (table: DataTable<Instance>): boolean => (table.columns ? rowCountOf(table.columns) : table.rows.length) === 0;

export function localRows(table: DataTable<Instance>): LocalRows {
  const cols = instanceColumns(table);
  const rows = tableRowsOf(cols);
  const n = rows.count;
  // A stored table's labels are read alone (its features stay unread until a piece is asked for).
  const labels = rows.labels();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels?.[i];
    if (label === undefined || (Number.isNaN(label) && !hasNumericLabel(table, i))) {
      throw new Error(`HomoLR: row ${JSON.stringify(cols.keys[i])} has no label (DataIO with_label true on every party)`);
    }
    if (label !== 0 && label !== 1) throw new Error('HomoLR: multi-class (one-vs-rest) is not implemented; labels must be 0/1');
    y[i] = label === 1 ? 1 : -1;
  }
  return { n, y, rows };
}

/** Row i of a row table has a numeric label (NaN included): tells a NaN label from a missing one. */
function hasNumericLabel(table: DataTable<Instance>, i: number): boolean {
  return !table.columns && typeof table.rows[i]?.[1].label === 'number';
}

/** z_i = w_k + Σ_j w_j·x_ij for rows [from, from + out.length), into `out` (column by column, per row in feature order). */
function scoresInto(out: Float64Array, w: readonly number[], columns: readonly Float64Array[], from: number): void {
  const k = columns.length;
  out.fill(w[k]!);
  const m = out.length;
  for (let j = 0; j < k; j++) {
    const col = columns[j]!;
    const wj = w[j]!;
    for (let i = 0; i < m; i++) out[i] += wj * col[from + i]!;
  }
}

function wx(w: readonly number[], features: readonly number[]): number {
  const k = features.length;
  let s = w[k]!; // the intercept
  for (let j = 0; j < k; j++) s += w[j]! * features[j]!;
  return s;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Mean gradient of Σ log(1 + e^(−y·wx)) over rows [from, to): (σ(y·wx) − 1)·y·[x, 1]. The rows are read
 * a piece at a time; each entry adds its rows in row order across the pieces, as the per-row loop did.
 */
export function meanGradient(rows: LocalRows, w: readonly number[], from: number, to: number): number[] {
  const grad = new Array<number>(w.length).fill(0);
  const k = w.length - 1;
  const d = new Float64Array(Math.min(BLOCK, Math.max(0, to - from)));
  forEachPiece(rows.rows, from, to, (first, count, cols) => {
    for (let at = 0; at < count; at += BLOCK) {
      const m = Math.min(BLOCK, count - at);
      const z = d.subarray(0, m);
      scoresInto(z, w, cols, at);
      for (let i = 0; i < m; i++) {
        const y = rows.y[first + at + i]!;
        z[i] = (1 / (1 + Math.exp(-y * z[i]!)) - 1) * y;
      }
      for (let j = 0; j < k; j++) {
        const col = cols[j]!;
        let g = grad[j]!;
        for (let i = 0; i < m; i++) g += z[i]! * col[at + i]!;
        grad[j] = g;
      }
      let g = grad[k]!;
      for (let i = 0; i < m; i++) g += z[i]!;
      grad[k] = g;
    }
  });
  const n = to - from;
  return grad.map((g) => g / n);
}

/** FATE's _compute_loss: (Σ logistic loss + the penalty term) / row count (rows read a piece at a time, summed in row order). */
export function localLoss(rows: LocalRows, w: readonly number[], p: HomoLogisticParam): number {
  let sum = 0;
  const z = new Float64Array(Math.min(BLOCK, rows.n));
  forEachPiece(rows.rows, 0, rows.n, (first, count, cols) => {
    for (let at = 0; at < count; at += BLOCK) {
      const m = Math.min(BLOCK, count - at);
      const block = z.subarray(0, m);
      scoresInto(block, w, cols, at);
      for (let i = 0; i < m; i++) sum += softplus(-rows.y[first + at + i]! * block[i]!);
    }
  });
  const coef = w.slice(0, -1);
  if (p.penalty === 'L2') sum += 0.5 * p.alpha * coef.reduce((s, c) => s + c * c, 0);
  else if (p.penalty === 'L1') sum += p.alpha * coef.reduce((s, c) => s + Math.abs(c), 0);
  return sum / rows.n;
}

/** Where each feature of `header` (a model's) stands in the table's header; throws on a missing one. */
export function orderOf(tableHeader: readonly string[], header: readonly string[]): number[] {
  return header.map((h) => {
    const at = tableHeader.indexOf(h);
    if (at < 0) throw new Error(`HomoLR: model feature ${JSON.stringify(h)} is not in the data header`);
    return at;
  });
}

/** The table's rows with its features in `header`'s order (all, in the table's order, when undefined); undefined for rows that are not instances of one shape. */
function rowsInOrder(table: DataTable<Instance>, header?: readonly string[]): TableRows | undefined {
  const cols = table.columns ?? columnsFromRows(table.rows);
  if (!cols) return undefined;
  return tableRowsOf(cols, header ? orderOf(table.schema.header, header) : undefined);
}

/**
 * ModelBase's predictions for two classes, with FATE's type column, as typed predict columns: the
 * rows they stand for (predictRowsOf) are [label, score > threshold ? 1 : 0, score, {"0": 1 − score,
 * "1": score}, type]. `header`: the model's, when the table's features are in another order. The
 * scores are computed a piece at a time (a big stored table is never loaded whole: its labels are
 * copied from the pieces read, its keys decoded only when asked for). Undefined when the rows'
 * labels are not all there or all absent.
 */
export function predictColumnsFor(table: DataTable<Instance>, w: readonly number[], threshold: number, type: string, header?: readonly string[]): PredictColumns | undefined {
  const rows = rowsInOrder(table, header);
  if (!rows) return undefined;
  const n = rows.count;
  const scores = new Float64Array(n);
  const results = new Float64Array(n);
  const labels = rows.inMemory ? (rows.labels() ?? null) : rows.labelled ? new Float64Array(n) : null;
  forEachPiece(rows, 0, n, (first, count, cols, pieceLabels) => {
    if (!rows.inMemory && labels) labels.set(pieceLabels!, first);
    for (let at = 0; at < count; at += BLOCK) {
      const block = scores.subarray(first + at, first + Math.min(count, at + BLOCK));
      scoresInto(block, w, cols, at);
      for (let i = 0; i < block.length; i++) {
        const score = 1 / (1 + Math.exp(-block[i]!));
        block[i] = score;
        results[first + at + i] = score > threshold ? 1 : 0;
      }
    }
  });
  const out = { labels, results, scores, detail: { kind: 'binary' as const }, type };
  Object.defineProperty(out, 'keys', { get: () => rows.keys, enumerable: true });
  return out as typeof out & { readonly keys: readonly string[] };
}

/** The predictions as a predict table: typed columns when the rows allow (predictColumnsFor), else rows. */
export function predictOutput(table: DataTable<Instance>, w: readonly number[], threshold: number, type: string, header?: readonly string[]): DataTable {
  const schema = predictSchema(table.schema.sid_name);
  const columns = predictColumnsFor(table, w, threshold, type, header);
  return columns ? predictTable(schema, columns) : { schema, rows: predictRows(table, w, threshold, type, header) };
}

/** ModelBase's predict rows for two classes, with FATE's type column. */
export function predictRows(table: DataTable<Instance>, w: readonly number[], threshold: number, type: string, header?: readonly string[]): [string, unknown[]][] {
  const columns = predictColumnsFor(table, w, threshold, type, header);
  if (columns) return predictRowsOf(columns);
  return (header ? alignTo(table, header) : table).rows.map(([key, inst]) => {
    const z = wx(w, inst.features);
    const score = 1 / (1 + Math.exp(-z));
    return [key, [inst.label ?? null, score > threshold ? 1 : 0, score, { '0': 1 - score, '1': score }, type]];
  });
}

/**
 * An encrypted host's rows (FATE's HomoLRHost.predict with use_encrypt): the arbiter computed the
 * labels; the host never holds its score, so predict_score and the detail are null. (A stored
 * table's own labels are read alone.)
 */
export function encryptedPredictRows(table: DataTable<Instance>, labels: readonly number[], type: string): [string, unknown[]][] {
  const rows = rowsInOrder(table);
  const n = rows ? rows.count : table.rows.length;
  if (labels.length !== n) throw new Error(`HomoLR: the arbiter answered ${labels.length} labels for ${n} rows`);
  if (!rows) return table.rows.map(([key, inst], i) => [key, [inst.label ?? null, labels[i], null, { '0': null, '1': null }, type]]);
  const own = rows.labels();
  const keys = rows.keys;
  const out = new Array<[string, unknown[]]>(n);
  for (let i = 0; i < n; i++) out[i] = [keys[i]!, [own ? own[i]! : null, labels[i], null, { '0': null, '1': null }, type]];
  return out;
}

/**
 * Every row's features as an array (for the encrypted host's per-row Paillier scores), a piece of
 * rows at a time (`header`: the model's order, checked now), so that no array per row of the whole
 * table is held at once.
 */
export function featureRowPieces(table: DataTable<Instance>, header?: readonly string[]): Iterable<number[][]> {
  const rows = tableRowsOf(instanceColumns(table), header ? orderOf(table.schema.header, header) : undefined);
  return {
    *[Symbol.iterator]() {
      const size = pieceSize.rows;
      for (let first = 0; first < rows.count; first += size) {
        const count = Math.min(size, rows.count - first);
        const { features } = rows.range(first, first + count);
        const out = new Array<number[]>(count);
        for (let i = 0; i < count; i++) out[i] = features.map((col) => col[i]!);
        yield out;
      }
    },
  };
}

export interface TrainedModel {
  readonly header: readonly string[];
  /** Coefficients then the intercept. */
  readonly w: readonly number[];
  readonly iters: number;
  readonly lossHistory: readonly number[];
  readonly converged: boolean;
  /** An encrypted host: FATE stores no weights for it (homo_lr_host.py _get_param), only the header. */
  readonly encrypted?: boolean;
}

/** HomoLogisticRegressionMeta / HomoLogisticRegressionParam as FATE-Flow shows them (proto JSON, camelCase). */
export function modelBuffers(p: HomoLogisticParam, m: TrainedModel): ModelBuffers {
  const weight: Record<string, number> = {};
  if (!m.encrypted) m.header.forEach((h, j) => (weight[h] = m.w[j]!));
  return {
    HomoLogisticRegressionMeta: {
      ...linearMeta(p),
      reEncryptBatches: String(p.reEncryptBatches),
      needOneVsRest: false,
      predictParam: { threshold: p.threshold },
    },
    HomoLogisticRegressionParam: {
      iters: m.iters,
      lossHistory: [...m.lossHistory],
      isConverged: m.converged,
      weight,
      intercept: m.encrypted ? 0 : (m.w[m.w.length - 1] ?? 0),
      header: [...m.header],
      bestIteration: -1,
      needOneVsRest: false,
    },
  };
}

/**
 * A stored HomoLR model: its header, weights (coefficients then the intercept) and threshold.
 * `encrypted`: an encrypted host's model (a header and no weights); it predicts with the arbiter.
 */
export function loadModel(model: ModelBuffers): { header: string[]; w: number[]; threshold: number; encrypted: boolean } {
  const param = model.HomoLogisticRegressionParam as Record<string, any> | undefined;
  if (!param) throw new Error('HomoLR: the input model has no HomoLogisticRegressionParam');
  const header: string[] = (param.header ?? []).map(String);
  const weight = (param.weight ?? {}) as Record<string, number>;
  const encrypted = header.length > 0 && Object.keys(weight).length === 0;
  const w = header.map((h) => Number(weight[h] ?? 0));
  w.push(Number(param.intercept ?? 0));
  const meta = model.HomoLogisticRegressionMeta as Record<string, any> | undefined;
  const threshold = meta?.predictParam?.threshold;
  return { header, w, threshold: typeof threshold === 'number' ? threshold : 0.5, encrypted };
}

/** The table with its features reordered to `header` (a model's), failing on a missing feature. */
export function alignTo(table: DataTable<Instance>, header: readonly string[]): DataTable<Instance> {
  const index = orderOf(table.schema.header, header);
  // A columnar table: the same column arrays, picked in the model's order (no rows built).
  if (table.columns) return columnarTable({ ...table.schema, header: [...header] }, { ...table.columns, features: index.map((i) => table.columns!.features[i]!) });
  return {
    schema: { ...table.schema, header: [...header] },
    rows: table.rows.map(([key, inst]) => [key, { ...inst, features: index.map((i) => inst.features[i]!) }]),
  };
}
