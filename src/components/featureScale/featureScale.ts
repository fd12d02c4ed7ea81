// FeatureScale (FATE 1.x federatedml/feature/scale.py with feature_scale/{min_max,standard}_scale.py):
// local to each party. min_max_scale maps each selected column to [0, 1] over [column_lower,
// column_upper]; standard_scale subtracts the mean and divides by the (population) std. Results are
// rounded to 6 places like FATE. The fitted statistics go to ScaleMeta/ScaleParam; with `input.model`
// the stored statistics transform the data instead.
//
// Big tables (issue 17): statistics, quantiles and the transform run over the table's Float64Array
// columns (`columnsOf`: its own, or converted once from instance rows), and the output is a
// columnar table, so no row object is built; a big stored table is read a piece at a time through
// the computing API (src/compute/) and never loaded whole, cap mode included. Same operations in the
// same order as the row-by-row code they replaced: every statistic, scaled value and model number
// is the same double.
import { partitionedTableOf, type PartitionedTable } from '../../compute/compute.js';
import { type InstanceColumns, columnarTable, columnsOf, consumableColumns, mapStoredFeatures, rowCountOf, withValues } from '../../tableData/columns.js';
import type { DataTable } from '../../tableData/dataTable.js';
import type { Component, ComponentInput, ModelBuffers } from '../contract.js';
import { type ColumnStats, columnStats, nearestRankQuantiles, StatsSums } from './columnStats.js';

/** numpy.around(x, 6). */
function round6(value: number): number {
  const scaled = value * 1e6;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const r = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return r / 1e6;
}

/** Python str() of a bound as ScaleMeta keeps it. */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return String(v);
}

function bound(v: unknown, i: number, width: number, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    if (v.length !== width) throw new Error(`FeatureScale: ${what} has ${v.length} values for ${width} columns`);
    return Number(v[i]);
  }
  if (typeof v !== 'number') throw new Error(`FeatureScale: ${what} must be a number or a list, got ${JSON.stringify(v)}`);
  return v;
}

/** BaseScale._get_scale_column_idx: -1 = all; else the listed indexes plus the named columns. */
function scaleColumns(params: ComponentInput['params'], header: string[]): number[] {
  const idx = params.scale_col_indexes ?? -1;
  if (idx === -1) return header.map((_, i) => i);
  if (!Array.isArray(idx)) return header.map((_, i) => i);
  const set = new Set<number>();
  for (const i of idx) {
    const n = Number(i);
    if (!Number.isInteger(n) || n < 0 || n >= header.length) {
      throw new Error(`FeatureScale: scale_col_indexes ${JSON.stringify(i)} is outside 0..${header.length - 1}`);
    }
    set.add(n);
  }
  const names = params.scale_names;
  if (Array.isArray(names)) for (const name of names) if (header.includes(String(name))) set.add(header.indexOf(String(name)));
  return [...set].sort((a, b) => a - b);
}

export interface Fitted {
  method: 'min_max_scale' | 'standard_scale';
  header: string[];
  columns: number[];
  lower: number[];
  upper: number[];
  mean: number[];
  std: number[];
}

/**
 * The table's columns with one column per header name at least (bad input gets a clear error, not
 * NaN statistics): DataIO's instances, as columns.
 */
function featureColumns(table: DataTable): InstanceColumns {
  const columns = columnsOf(table);
  const width = table.schema.header.length;
  if (!columns) throw new Error('FeatureScale: the input rows are not instances of one width with numeric features (run DataIO first)');
  // A big stored table's width from its metadata (`features` would load it whole).
  const have = partitionedTableOf(columns)?.width ?? columns.features.length;
  if (rowCountOf(columns) === 0 && have < width) {
    return { ...columns, features: table.schema.header.map((_, c) => columns.features[c] ?? new Float64Array(0)) };
  }
  if (have < width) {
    throw new Error(`FeatureScale: the rows have ${have} features for the ${width} columns of the header`);
  }
  return columns;
}

/**
 * What a fit reads of the table: the statistics of some columns (clipped to bounds when given), and
 * cap mode's nearest-rank quantiles of some columns.
 */
interface FitData {
  stats(columns: readonly number[], lower?: readonly number[], upper?: readonly number[]): ColumnStats[];
  quantiles(columns: readonly number[], qs: readonly number[]): number[][];
}

/** A fit over columns in memory. */
const inMemory = (features: readonly Float64Array[]): FitData => ({
  stats: (columns, lower, upper) => {
    const out: ColumnStats[] = [];
    for (const c of columns) out[c] = lower && upper ? columnStats(features[c]!, lower[c], upper[c]) : columnStats(features[c]!);
    return out;
  },
  quantiles: (columns, qs) => columns.map((c) => nearestRankQuantiles(features[c]!, qs)),
});

/**
 * A fit over a big stored table through the computing API (issue 17), never whole in memory: each
 * statistics pass reads the table a piece at a time into the same buffers and sums every asked
 * column (StatsSums: columnStats's operations in its order, so the same doubles); cap mode's
 * quantiles are the exact nearest-rank ones found in a few passes (compute/rankSelect.ts: the same
 * values, signed zeros included).
 */
const fromStorage = (table: PartitionedTable): FitData => ({
  stats: (asked, lower, upper) => {
    const sums = new Map(asked.map((c) => [c, lower && upper ? new StatsSums(lower[c], upper[c]) : new StatsSums()]));
    table.forEachPiece(({ features }) => {
      for (const [c, s] of sums) s.add(features[c]!);
    });
    const out: ColumnStats[] = [];
    for (const [c, s] of sums) out[c] = s.stats();
    return out;
  },
  quantiles: (columns, qs) => table.nearestRankQuantiles(columns, qs),
});

function fit(params: ComponentInput['params'], header: readonly string[], data: FitData): Fitted {
  const method = String(params.method ?? 'standard_scale');
  if (method !== 'min_max_scale' && method !== 'standard_scale') {
    throw new Error(`FeatureScale: method ${method} is not supported (min_max_scale, standard_scale)`);
  }
  const mode = String(params.mode ?? 'normal');
  if (mode !== 'normal' && mode !== 'cap') throw new Error(`FeatureScale: mode ${mode} is not supported (normal, cap)`);
  const width = header.length;
  const columns = scaleColumns(params, [...header]);
  const stats = data.stats(header.map((_, c) => c));

  // BaseScale._get_min_max_value
  let lower = stats.map((s) => s.min);
  let upper = stats.map((s) => s.max);
  if (mode === 'normal') {
    for (const i of columns) {
      const up = bound(params.feat_upper, i, width, 'feat_upper');
      const low = bound(params.feat_lower, i, width, 'feat_lower');
      if (up !== undefined) {
        if (upper[i]! > up) upper[i] = up;
        if (lower[i]! > up) lower[i] = up;
      }
      if (low !== undefined) {
        if (lower[i]! < low) lower[i] = low;
        if (upper[i]! < low) upper[i] = low;
      }
    }
  } else {
    const up = params.feat_upper ?? 1.0;
    const low = params.feat_lower ?? 0;
    if (typeof up !== 'number' || typeof low !== 'number') throw new Error('FeatureScale: cap mode needs numeric feat_upper/feat_lower quantiles');
    if (up < low) throw new Error('FeatureScale: feat_upper should not be less than feat_lower');
    const quantiles = data.quantiles(header.map((_, i) => i), [low, up]);
    lower = quantiles.map(([q]) => q!);
    upper = quantiles.map(([, q]) => q!);
  }

  if (method === 'min_max_scale') {
    for (const i of columns) if (upper[i]! - lower[i]! < 0) throw new Error('FeatureScale: scale value should be larger than 0');
    return { method, header: [...header], columns, lower, upper, mean: header.map(() => 0), std: header.map(() => 0) };
  }

  // StandardScale.fit: clip the scaled columns to the range when bounds were given, then mean/std
  // of the clipped data (clipped value by value as the statistics read it: no clipped copy).
  const withMean = params.with_mean !== false;
  const withStd = params.with_std !== false;
  const clipping = params.feat_upper !== undefined && params.feat_upper !== null
    || params.feat_lower !== undefined && params.feat_lower !== null;
  const scaled = new Set(columns);
  const bounded = clipping ? data.stats(columns, lower, upper) : [];
  const clipped = clipping
    ? header.map((_, c) => (scaled.has(c) ? bounded[c]! : stats[c]!))
    : stats;
  const mean = clipped.map((s) => (withMean ? s.mean : 0));
  const std = clipped.map((s) => (withStd ? (Math.abs(s.std) < 1e-6 ? 1 : s.std) : 1));
  return { method, header: [...header], columns, lower, upper, mean, std };
}

/** A fitted or stored scale, ready for rows whose header may order the model's columns otherwise. */
export interface ScalePlan {
  readonly f: Fitted;
  /** Model column → its position in the data's header (-1 when absent and not scaled). */
  readonly index: readonly number[];
  readonly range: readonly number[];
  /** Model column c's scaling of one value (see `scaler`). */
  readonly scale: readonly ((x: number) => number)[];
}

/** Columns by name: the data may list the model's columns in another order. */
export function scalePlan(f: Fitted, dataHeader: readonly string[]): ScalePlan {
  const index = f.header.map((h, i) => {
    const at = dataHeader.indexOf(h);
    if (at < 0 && f.columns.includes(i)) {
      throw new Error(`FeatureScale: column ${JSON.stringify(h)} of the model is not in the data header [${dataHeader.join(', ')}]`);
    }
    return at;
  });
  const range = f.upper.map((u, i) => {
    const scale = u - f.lower[i]!;
    return Math.abs(scale) < 1e-6 ? 1 : scale;
  });
  return { f, index, range, scale: f.header.map((_, c) => scaler(f, range, c)) };
}

/**
 * Model column c's scaling of one value: clipped to the model's range, then min-max or standard,
 * rounded to 6 places: serving's rows (the column transform, scaleColumn, writes the same formula out).
 */
function scaler(f: Fitted, ranges: readonly number[], c: number): (x: number) => number {
  const upper = f.upper[c]!;
  const lower = f.lower[c]!;
  const clipped = (x: number) => (x > upper ? upper : x < lower ? lower : x);
  if (f.method === 'min_max_scale') {
    const range = ranges[c]!;
    return (x) => round6((clipped(x) - lower) / range);
  }
  const mean = f.mean[c]!;
  const std = f.std[c]!;
  return (x) => round6((clipped(x) - mean) / std);
}

/** One row scaled (a new array), for serving's one-row requests. */
export function scaleRow(plan: ScalePlan, row: readonly number[]): number[] {
  const features = [...row];
  for (const c of plan.f.columns) {
    const at = plan.index[c]!;
    features[at] = plan.scale[c]!(features[at]!);
  }
  return features;
}

/**
 * The model's columns in order, each applied to the current column (a data column named twice is
 * scaled twice, as row by row); `inPlace`: written over itself (also a stored table's piece as it is read).
 */
function scaleFeatures(plan: ScalePlan, features: Float64Array[], inPlace: boolean): void {
  for (const c of plan.f.columns) {
    const at = plan.index[c]!;
    features[at] = scaleColumn(plan, c, features[at]!, inPlace);
  }
}

/**
 * The table's columns scaled: each scaled column is a new Float64Array, the others are shared;
 * labels and keys as they were. `inPlace` (the runtime handed this task its input alone,
 * `consumableColumns`): each scaled column is written over its input instead — no new column memory
 * (a fresh page costs ~20 µs to fault in here: 160 MB of new columns ≈ 0.8 s), the same values. The
 * row code gave each row `{features, label}`, so the label no longer comes first.
 */
function transform(plan: ScalePlan, columns: InstanceColumns, inPlace: boolean): InstanceColumns {
  const features = [...columns.features];
  scaleFeatures(plan, features, inPlace);
  // The same keys, unread ones included (a big stored table's: the writer copies their bytes).
  return withValues(columns, { features, ...(columns.labels ? { labels: columns.labels } : {}) });
}

/**
 * Model column c's scaling (`scaler`'s formula, the same operations in the same order) over a whole
 * column, written out in the loop: calling a closure per value (one per column) cost twice the time
 * of this loop in the 1M-row bench.
 */
function scaleColumn(plan: ScalePlan, c: number, source: Float64Array, inPlace: boolean): Float64Array {
  const { f } = plan;
  const upper = f.upper[c]!;
  const lower = f.lower[c]!;
  // In place: value r is read before it is written, so the formula sees the same inputs.
  const out = inPlace ? source : new Float64Array(source.length);
  if (f.method === 'min_max_scale') {
    const range = plan.range[c]!;
    for (let r = 0; r < source.length; r++) {
      const x = source[r]!;
      out[r] = round6(((x > upper ? upper : x < lower ? lower : x) - lower) / range);
    }
  } else {
    const mean = f.mean[c]!;
    const std = f.std[c]!;
    for (let r = 0; r < source.length; r++) {
      const x = source[r]!;
      out[r] = round6(((x > upper ? upper : x < lower ? lower : x) - mean) / std);
    }
  }
  return out;
}

function toModel(f: Fitted, params: ComponentInput['params']): ModelBuffers {
  const width = f.header.length;
  const boundList = (v: unknown): string[] => (Array.isArray(v) ? v.map(pyStr) : f.header.map(() => pyStr(v)));
  const colScaleParam: Record<string, unknown> = {};
  for (const i of f.columns) {
    colScaleParam[f.header[i]!] = {
      columnUpper: round6(f.upper[i]!),
      columnLower: round6(f.lower[i]!),
      mean: f.method === 'standard_scale' ? round6(f.mean[i]!) : 0,
      std: f.method === 'standard_scale' ? round6(f.std[i]!) : 0,
    };
  }
  return {
    ScaleMeta: {
      method: f.method,
      mode: String(params.mode ?? 'normal'),
      scaleColumn: f.columns.map((i) => f.header[i]!),
      featUpper: width === 0 ? [] : boundList(params.feat_upper),
      featLower: width === 0 ? [] : boundList(params.feat_lower),
      withMean: f.method === 'standard_scale' ? params.with_mean !== false : false,
      withStd: f.method === 'standard_scale' ? params.with_std !== false : false,
      needRun: params.need_run !== false,
    },
    ScaleParam: { colScaleParam, header: [...f.header] },
  };
}

/** Whether a stored scale runs (ScaleMeta.need_run). */
export const storedScaleRuns = (model: ModelBuffers): boolean => (model.ScaleMeta as Record<string, unknown> | undefined)?.needRun !== false;

/** Scale._load_model: statistics by column name; unlisted columns are left alone. */
export function loadScaleModel(model: ModelBuffers): Fitted {
  const meta = model.ScaleMeta as Record<string, unknown> | undefined;
  const param = model.ScaleParam as Record<string, unknown> | undefined;
  if (!meta || !param) throw new Error('FeatureScale: input model has no ScaleMeta/ScaleParam');
  const method = String(meta.method);
  if (method !== 'min_max_scale' && method !== 'standard_scale') throw new Error(`FeatureScale: model method ${method} is not supported`);
  const header = (param.header as unknown[] | undefined ?? []).map(String);
  const cols = (param.colScaleParam ?? {}) as Record<string, Record<string, unknown>>;
  const f: Fitted = {
    method,
    header,
    columns: [],
    lower: header.map(() => 0),
    upper: header.map(() => 0),
    mean: header.map(() => 0),
    std: header.map(() => 0),
  };
  for (const [name, c] of Object.entries(cols)) {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`FeatureScale: model column ${name} is not in the model header`);
    f.columns.push(i);
    f.upper[i] = Number(c.columnUpper ?? 0);
    f.lower[i] = Number(c.columnLower ?? 0);
    f.mean[i] = Number(c.mean ?? 0);
    f.std[i] = Number(c.std ?? 0);
  }
  f.columns.sort((a, b) => a - b);
  return f;
}

/**
 * True when the runtime handed this task its input alone (`consumableColumns`) and no two columns
 * share one array (a column scaled in place must not change another).
 */
function writableInPlace(table: DataTable, columns: InstanceColumns): boolean {
  if (consumableColumns(table) !== columns) return false;
  const arrays = new Set<Float64Array>(columns.features);
  if (columns.labels) arrays.add(columns.labels);
  return arrays.size === columns.features.length + (columns.labels ? 1 : 0);
}

export const featureScale: Component = async (input, { tracker, signal }) => {
  const table = input.data.data ?? input.data.train_data ?? input.data.eval_data;
  if (!table) throw new Error('FeatureScale: no input data (expected data, train_data or eval_data)');
  const needRun = input.model ? storedScaleRuns(input.model) : input.params.need_run !== false;
  if (!needRun) return { data: table };

  const columns = featureColumns(table);
  // A big stored table (storedColumns.ts) is never loaded whole: the computing API reads it a piece
  // at a time for the statistics and cap mode's quantiles, and its scaled values are made as the
  // writer reads it, a partition at a time (issue 17).
  const stored = partitionedTableOf(columns);
  const fitData = stored ? fromStorage(stored) : inMemory(columns.features);
  const fitted = input.model ? loadScaleModel(input.model) : fit(input.params, table.schema.header, fitData);
  signal.throwIfAborted();
  const plan = scalePlan(fitted, table.schema.header);
  const width = stored ? stored.width : columns.features.length;
  for (const c of fitted.columns) {
    if (plan.index[c]! >= width) {
      throw new Error(`FeatureScale: column ${JSON.stringify(fitted.header[c])} has no values in the rows (${width} features)`);
    }
  }
  const mapped = stored ? mapStoredFeatures(columns, (features) => scaleFeatures(plan, features, true), false) : undefined;
  const data = columnarTable(table.schema, mapped ?? transform(plan, columns, writableInPlace(table, columns)));
  tracker.setMetricMeta('train', 'scale', { name: 'scale', metric_type: 'SCALE', method: fitted.method });
  return { data, model: input.model ?? toModel(fitted, input.params) };
};
