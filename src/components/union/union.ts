// Union (FATE 1.4.5 federatedml/statistic/union/union.py): one party's tables combined into one, local
// to each party (nothing crosses the federation). Tables are taken in FATE's order and naming
// (`<upstream>.<key>`, ComponentInput.dataList); empty tables are skipped; the others must agree on
// header (and, for uploaded tables, id column; for DataIO output, label name). A key already
// present keeps its first row, or with `keep_duplicate` the later row gets the key `<id>_<table>`.
// The output keeps the first table's schema. Metric `train/union`: each table's count and "Total".
import type { DataTable, Instance, Schema } from '../../tableData/dataTable.js';
import type { Component, ComponentInput, NamedTable } from '../contract.js';

interface UnionSettings {
  readonly needRun: boolean;
  readonly allowMissing: boolean;
  readonly keepDuplicate: boolean;
}

function flag(params: ComponentInput['params'], key: string, fallback: boolean): boolean {
  const v = params[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new Error(`union param's ${key} ${JSON.stringify(v)} not supported, should be bool`);
  return v;
}

export function unionSettings(params: ComponentInput['params']): UnionSettings {
  return {
    needRun: flag(params, 'need_run', true),
    allowMissing: flag(params, 'allow_missing', false),
    keepDuplicate: flag(params, 'keep_duplicate', false),
  };
}

const isInstance = (value: unknown): value is Instance =>
  value !== null && typeof value === 'object' && Array.isArray((value as Instance).features);

const sameHeader = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((h, i) => h === b[i]);

/** The tables in FATE's order: the runtime's list, else the data inputs by key (one table per key). */
function tablesOf(input: ComponentInput): NamedTable[] {
  if (input.dataList) return [...input.dataList];
  return Object.entries(input.data).flatMap(([key, table]) => (table ? [{ name: key, table }] : []));
}

/** The checks FATE runs before combining a table (check_id, check_label_name, check_header). */
function checkCompatible(local: Schema, combined: Schema, instances: boolean): void {
  if (!instances && local.sid_name !== combined.sid_name) {
    throw new Error(`Id names ${local.sid_name} and ${combined.sid_name} do not match! Please check id column names.`);
  }
  if (instances) {
    const [l, c] = [local.label_name, combined.label_name];
    if (l !== undefined || c !== undefined) {
      if (l === undefined || c === undefined) throw new Error('Union try to combine a labeled data set with an unlabelled one.Please check labels.');
      if (l !== c) throw new Error('Label names do not match. Please check label column names.');
    }
  }
  if (!sameHeader(local.header, combined.header)) throw new Error('Table headers do not match! Please check header.');
}

export interface UnionResult {
  readonly table?: DataTable;
  /** [table name, count] per input, then ["Total", count]. */
  readonly counts: [string, number][];
}

export function unionTables(tables: readonly NamedTable[], s: UnionSettings): UnionResult {
  if (tables.length < 2) throw new Error('Union module must receive more than one table as input.');
  const counts: [string, number][] = [];
  let combined: Map<string, unknown> | undefined;
  let schema: Schema | undefined;
  let instances = false;
  for (const { name, table } of tables) {
    counts.push([name, table.rows.length]);
    if (table.rows.length === 0) continue; // FATE: "Table <name> is empty." and skipped.
    if (!combined) {
      instances = isInstance(table.rows[0]![1]);
      schema = table.schema;
      combined = new Map(table.rows);
    } else {
      checkCompatible(table.schema, schema!, instances);
      for (const [key, value] of table.rows) {
        // Renamed only when the id is already there; a renamed id that collides keeps the first row too.
        const target = s.keepDuplicate && combined.has(key) ? `${key}_${name}` : key;
        if (!combined.has(target)) combined.set(target, value);
      }
    }
    // Only a table with features is checked; each check covers every row combined so far.
    const emptyFeatures = instances && !(isInstance(table.rows[0]![1]) && (table.rows[0]![1] as Instance).features.length > 0);
    if (instances && !emptyFeatures && !s.allowMissing) {
      const width = schema!.header.length;
      for (const value of combined.values()) {
        const n = (value as Instance).features.length;
        if (n !== width) throw new Error(`Feature length ${n} mismatch with header length ${width}.`);
      }
    }
  }
  if (!combined) {
    counts.push(['Total', 0]);
    return { counts };
  }
  counts.push(['Total', combined.size]);
  const rows = [...combined].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { table: { schema: schema!, rows }, counts };
}

export const union: Component = async (input, { tracker }) => {
  const s = unionSettings(input.params);
  const tables = tablesOf(input);
  // need_run false: the first table passes through (FATE's pass_data).
  if (!s.needRun) return tables[0] ? { data: tables[0].table } : {};
  const { table, counts } = unionTables(tables, s);
  tracker.logMetricData('train', 'union', counts);
  tracker.setMetricMeta('train', 'union', { name: 'union', metric_type: 'UNION' });
  return table ? { data: table } : {};
};
