// What one party's SecureBoost training reads from its table (issue 17): the ids, the labels (the
// guest's) and the bins of its features. A columnar table is binned straight from its Float64Array
// columns — no row object, no array per row — into one narrow typed array of bin indexes per feature
// (binning.ts); histograms and splits then run on those and the gradient arrays only. A row table is
// turned into columns first (`columnsFromRows`), so both kinds train the same trees to the last bit;
// rows that are not plain instances of one width keep the row reader and its errors. A big stored
// table (its values unread: storedColumns.ts) is binned a piece at a time through the computing API
// (storedBinning.ts): its values are never loaded whole, only its bins and labels are kept.
import { columnsFromRows, type InstanceColumns } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { RowsById } from '../linearModel/featureColumns.js';
import { partitionedTableOf, type PartitionedTable } from '../../compute/compute.js';
import { binColumns, binFeatures, notNumeric, type FeatureBins, type MissingSettings } from './binning.js';
import { binStoredTable, placesOf, storedLabels } from './storedBinning.js';

export interface BoostInput {
  readonly keys: readonly string[];
  /** The label of every instance (guest); absent for a host. */
  readonly labels?: Float64Array;
  readonly bins: FeatureBins;
}

/** The table's columns when it has (or its rows convert to) instance columns; never builds a columnar table's rows. */
function instanceColumns(table: DataTable<Instance>): InstanceColumns | undefined {
  return table.columns ?? columnsFromRows(table.rows);
}

/** The feature columns of the header's width: too few columns fail as a row reader would name them. */
function headerColumns(cols: InstanceColumns, width: number): readonly Float64Array[] {
  if (cols.keys.length > 0 && cols.features.length < width) {
    throw new Error(`HeteroSecureBoost: feature ${cols.features.length} has a missing or non-numeric value (set use_missing to learn where missing values go)`);
  }
  return cols.features.length === width ? cols.features : cols.features.slice(0, width);
}

/** The stored table behind a table's columns whose values are unread, with at least the header's width (else the error headerColumns gives). */
function storedTableOf(table: DataTable<Instance>, width: number): PartitionedTable | undefined {
  const stored = table.columns && partitionedTableOf(table.columns);
  if (stored && stored.count > 0 && stored.width < width) throw notNumeric(stored.width);
  return stored;
}

/** The guest's ids, labels and bins, in its table's order. */
export function guestInput(table: DataTable<Instance>, binNum: number, missing: MissingSettings): BoostInput {
  const width = table.schema.header.length;
  const stored = storedTableOf(table, width);
  if (stored && (stored.labelled || stored.count === 0)) {
    return { keys: table.columns!.keys, labels: storedLabels(table.columns!, stored) ?? new Float64Array(0), bins: binStoredTable(stored, width, binNum, missing) };
  }
  const cols = instanceColumns(table);
  if (cols && (cols.labels || cols.keys.length === 0)) {
    return { keys: cols.keys, labels: cols.labels ?? new Float64Array(0), bins: binColumns(headerColumns(cols, width), binNum, missing) };
  }
  const rows = table.rows;
  const labels = new Float64Array(rows.length);
  rows.forEach(([key, inst], i) => {
    if (typeof inst.label !== 'number') throw new Error(`HeteroSecureBoost: row ${JSON.stringify(key)} has no label`);
    labels[i] = inst.label;
  });
  return { keys: rows.map(([key]) => key), labels, bins: binFeatures(rows.map(([, inst]) => inst.features), width, binNum, missing) };
}

/** A host's bins of the instances the guest names, in the guest's order. */
export function hostInput(table: DataTable<Instance>, ids: readonly string[], binNum: number, missing: MissingSettings): BoostInput {
  const width = table.schema.header.length;
  const stored = storedTableOf(table, width);
  if (stored) {
    const own = table.columns!.keys;
    if (sameIds(ids, own)) return { keys: ids, bins: binStoredTable(stored, width, binNum, missing) };
    const index = new RowsById(table.columns!, 'HeteroSecureBoost').indexes(ids);
    const place = placesOf(index, stored.count);
    // An id named twice (never by an intersected guest) is binned from the columns loaded whole.
    if (place) return { keys: ids, bins: binStoredTable(stored, width, binNum, missing, place, ids.length) };
  }
  const cols = instanceColumns(table);
  if (cols) {
    // Intersected tables are in the same key order on both sides: then the columns are used as they are.
    const index = sameIds(ids, cols.keys) ? undefined : new RowsById(cols, 'HeteroSecureBoost').indexes(ids);
    return { keys: ids, bins: binColumns(headerColumns(cols, width), binNum, missing, index) };
  }
  const byKey = new Map(table.rows);
  const rows = ids.map((id) => {
    const inst = byKey.get(id);
    if (!inst) throw new Error(`HeteroSecureBoost: host has no row for id ${JSON.stringify(id)} (intersect first)`);
    return inst.features;
  });
  return { keys: ids, bins: binFeatures(rows, width, binNum, missing) };
}

/** Whether the guest's ids are the host's own, in its order. */
export function sameIds(ids: readonly string[], own: readonly string[]): boolean {
  let same = ids.length === own.length;
  for (let i = 0; same && i < ids.length; i++) same = ids[i] === own[i];
  return same;
}
