// The row-by-row FeatureScale as it was before issue 17 (src/components/featureScale/featureScale.ts
// at commit 5789e9a), kept here unchanged but for its imports as the oracle of the columnar
// implementation: the same input must give the same doubles, bit for bit.
// FeatureScale (FATE 1.x federatedml/feature/scale.py with feature_scale/{min_max,standard}_scale.py):
// local to each party. min_max_scale maps each selected column to [0, 1] over [column_lower,
// column_upper]; standard_scale subtracts the mean and divides by the (population) std. Results are
// rounded to 6 places like FATE. The fitted statistics go to ScaleMeta/ScaleParam; with `input.model`
// the stored statistics transform the data instead.
import type { Component, ComponentInput, ModelBuffers } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';

const FLOAT_ZERO = 1e-8;

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

interface ColumnStats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** MultivariateStatisticalSummary per column: min, max, mean and population std (NaN cells skipped). */
function columnStats(rows: readonly Instance[], width: number): ColumnStats[] {
  const out: ColumnStats[] = [];
  for (let c = 0; c < width; c++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (const inst of rows) {
      const v = inst.features[c]!;
      if (Number.isNaN(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sumSq += v * v;
      n++;
    }
    const mean = n === 0 ? 0 : sum / n;
    let variance = n === 0 ? 0 : sumSq / n - mean * mean;
    if (Math.abs(variance) < FLOAT_ZERO) variance = 0;
    out.push({ min: n === 0 ? 0 : min, max: n === 0 ? 0 : max, mean, std: Math.sqrt(variance) });
  }
  return out;
}

/** The nearest-rank quantile of a column (FATE uses an approximate GK summary here). */
function quantile(rows: readonly Instance[], col: number, q: number): number {
  const values = rows.map((r) => r.features[col]!).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (values.length === 0) return 0;
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1));
  return values[rank]!;
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

interface Fitted {
  method: 'min_max_scale' | 'standard_scale';
  header: string[];
  columns: number[];
  lower: number[];
  upper: number[];
  mean: number[];
  std: number[];
}

function fit(params: ComponentInput['params'], table: DataTable<Instance>): Fitted {
  const method = String(params.method ?? 'standard_scale');
  if (method !== 'min_max_scale' && method !== 'standard_scale') {
    throw new Error(`FeatureScale: method ${method} is not supported (min_max_scale, standard_scale)`);
  }
  const mode = String(params.mode ?? 'normal');
  if (mode !== 'normal' && mode !== 'cap') throw new Error(`FeatureScale: mode ${mode} is not supported (normal, cap)`);
  const header = [...table.schema.header];
  const width = header.length;
  const rows = table.rows.map(([, v]) => v);
  const columns = scaleColumns(params, header);
  const stats = columnStats(rows, width);

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
    lower = header.map((_, i) => quantile(rows, i, low));
    upper = header.map((_, i) => quantile(rows, i, up));
  }

  if (method === 'min_max_scale') {
    for (const i of columns) if (upper[i]! - lower[i]! < 0) throw new Error('FeatureScale: scale value should be larger than 0');
    return { method, header, columns, lower, upper, mean: header.map(() => 0), std: header.map(() => 0) };
  }

  // StandardScale.fit: clip to the range when bounds were given, then mean/std of the clipped data.
  const withMean = params.with_mean !== false;
  const withStd = params.with_std !== false;
  const clipping = params.feat_upper !== undefined && params.feat_upper !== null
    || params.feat_lower !== undefined && params.feat_lower !== null;
  const basis = clipping ? rows.map((r) => ({ features: clip(r.features, columns, lower, upper) })) : rows;
  const clipped = clipping ? columnStats(basis, width) : stats;
  const mean = clipped.map((s) => (withMean ? s.mean : 0));
  const std = clipped.map((s) => (withStd ? (Math.abs(s.std) < 1e-6 ? 1 : s.std) : 1));
  return { method, header, columns, lower, upper, mean, std };
}

function clip(features: readonly number[], columns: readonly number[], lower: readonly number[], upper: readonly number[]): number[] {
  const out = [...features];
  for (const i of columns) {
    const v = out[i]!;
    if (v > upper[i]!) out[i] = upper[i]!;
    else if (v < lower[i]!) out[i] = lower[i]!;
  }
  return out;
}

/** A fitted or stored scale, ready for rows whose header may order the model's columns otherwise. */
interface ScalePlan {
  readonly f: Fitted;
  /** Model column → its position in the data's header (-1 when absent and not scaled). */
  readonly index: readonly number[];
  readonly range: readonly number[];
}

/** Columns by name: the data may list the model's columns in another order. */
function scalePlan(f: Fitted, dataHeader: readonly string[]): ScalePlan {
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
  return { f, index, range };
}

/** One row scaled (a new array): clipped to the model's range, then min-max or standard, rounded to 6 places. */
function scaleRow(plan: ScalePlan, row: readonly number[]): number[] {
  const { f, index, range } = plan;
  const features = [...row];
  for (const c of f.columns) {
    const at = index[c]!;
    let v = features[at]!;
    if (v > f.upper[c]!) v = f.upper[c]!;
    else if (v < f.lower[c]!) v = f.lower[c]!;
    features[at] = f.method === 'min_max_scale' ? round6((v - f.lower[c]!) / range[c]!) : round6((v - f.mean[c]!) / f.std[c]!);
  }
  return features;
}

function transform(plan: ScalePlan, table: DataTable<Instance>): DataTable<Instance> {
  const rows: [string, Instance][] = table.rows.map(([key, inst]) => {
    const features = scaleRow(plan, inst.features);
    return [key, inst.label === undefined ? { features } : { features, label: inst.label }];
  });
  return { schema: table.schema, rows };
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
const storedScaleRuns = (model: ModelBuffers): boolean => (model.ScaleMeta as Record<string, unknown> | undefined)?.needRun !== false;

/** Scale._load_model: statistics by column name; unlisted columns are left alone. */
function loadScaleModel(model: ModelBuffers): Fitted {
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

export const rowFeatureScale: Component = async (input, { tracker, signal }) => {
  const table = (input.data.data ?? input.data.train_data ?? input.data.eval_data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('FeatureScale: no input data (expected data, train_data or eval_data)');
  const needRun = input.model ? storedScaleRuns(input.model) : input.params.need_run !== false;
  if (!needRun) return { data: table };

  const fitted = input.model ? loadScaleModel(input.model) : fit(input.params, table);
  signal.throwIfAborted();
  const data = transform(scalePlan(fitted, table.schema.header), table);
  tracker.setMetricMeta('train', 'scale', { name: 'scale', metric_type: 'SCALE', method: fitted.method });
  return { data, model: input.model ?? toModel(fitted, input.params) };
};
