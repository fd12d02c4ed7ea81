// The transform (FATE 1.4.5 base_binning.transform): each transformed column's value becomes its bin
// index (`bin_num`) or its bin's WOE (`woe`); other columns and the schema are kept. FATE allows
// WOE on the guest only: a host asked for `woe` leaves its data unchanged, as FATE's host does.
// The table's columns are transformed (issue 17): the output is a columnar table, no row is built,
// and a big stored table's output is mapped a piece at a time as it is written.
import { partitionedTableOf } from '../../compute/compute.js';
import { columnarTable, columnsOf, mapStoredFeatures } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { binIndex } from './splitPoints.js';
import type { ColumnResult } from './woe.js';

export interface TransformSpec {
  readonly type: 'bin_num' | 'woe' | null;
  /** Column names to transform (of the model's header). */
  readonly columns: readonly string[];
  readonly results: ReadonlyMap<string, ColumnResult>;
}

export interface BinningPlan {
  readonly type: 'bin_num' | 'woe';
  readonly columns: readonly { readonly at: number; readonly name: string; readonly splitPoints: readonly number[]; readonly woe: readonly number[] }[];
}

/** The columns to transform in rows over `header`, checked once; undefined when nothing changes. */
export function binningPlan(header: readonly string[], spec: TransformSpec): BinningPlan | undefined {
  if (spec.type === null || spec.columns.length === 0) return undefined;
  const columns = spec.columns.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`HeteroFeatureBinning: transform column ${JSON.stringify(name)} is not in the data header [${header.join(', ')}]`);
    const r = spec.results.get(name);
    if (!r) throw new Error(`HeteroFeatureBinning: transform column ${JSON.stringify(name)} has no binning result`);
    if (spec.type === 'woe' && r.woeArray.length === 0) throw new Error(`HeteroFeatureBinning: column ${JSON.stringify(name)} has no WOE to transform with`);
    return { at, name, splitPoints: r.splitPoints, woe: r.woeArray };
  });
  return { type: spec.type, columns };
}

/** A planned column's new value for one value: its bin index, or its bin's WOE. */
function binned(plan: BinningPlan, c: BinningPlan['columns'][number], value: number): number {
  const b = binIndex(value, c.splitPoints);
  if (plan.type === 'bin_num') return b;
  const w = c.woe[b];
  if (w === undefined) throw new Error(`HeteroFeatureBinning: value ${value} of ${JSON.stringify(c.name)} falls in bin ${b}, which had no rows when fitted (no WOE)`);
  return w;
}

/** One row (a new array): each planned column's value becomes its bin index or its bin's WOE. */
export function binningRow(plan: BinningPlan, row: readonly number[]): number[] {
  const features = [...row];
  for (const c of plan.columns) features[c.at] = binned(plan, c, features[c.at]!);
  return features;
}

/** Each planned column of a piece of feature columns, written over itself (a stored table's piece as it is read). */
function binPiece(plan: BinningPlan, features: Float64Array[]): void {
  for (const c of plan.columns) {
    const column = features[c.at]!;
    for (let r = 0; r < column.length; r++) column[r] = binned(plan, c, column[r]!);
  }
}

/**
 * The table with its planned columns transformed: new Float64Array columns for those, the others
 * shared (columns are never written in place). The row code gave each row `{features, label}`,
 * so the label no longer comes first. A big stored table (issue 17) is never loaded whole: its output
 * is its rows with the transform applied to each piece as the writer reads it (columns.ts
 * `mapStoredFeatures`, as FeatureScale's output), the same values; a value in a bin that had no rows
 * when fitted (a stored model's WOE) is then refused when the output is written.
 */
export function transformTable(table: DataTable<Instance>, spec: TransformSpec): DataTable<Instance> {
  const plan = binningPlan(table.schema.header, spec);
  if (!plan) return table;
  const data = columnsOf(table);
  if (!data) throw new Error('HeteroFeatureBinning: the input rows are not instances of one width with numeric features (run DataIO first)');
  const stored = partitionedTableOf(data);
  if (stored) {
    for (const c of plan.columns) {
      if (c.at >= stored.width) throw new Error(`HeteroFeatureBinning: column ${JSON.stringify(c.name)} has no values in the rows (${stored.width} features)`);
    }
    const mapped = mapStoredFeatures(data, (features) => binPiece(plan, features), false);
    if (mapped) return columnarTable(table.schema, mapped);
  }
  const features = [...data.features];
  for (const c of plan.columns) {
    const source = features[c.at];
    if (!source) throw new Error(`HeteroFeatureBinning: column ${JSON.stringify(c.name)} has no values in the rows (${features.length} features)`);
    const out = new Float64Array(source.length);
    for (let r = 0; r < source.length; r++) out[r] = binned(plan, c, source[r]!);
    features[c.at] = out;
  }
  return columnarTable(table.schema, { keys: data.keys, features, ...(data.labels ? { labels: data.labels } : {}) });
}
