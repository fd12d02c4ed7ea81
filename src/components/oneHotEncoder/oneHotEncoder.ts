// OneHotEncoder (FATE 1.4.5 federatedml/feature/one_hot_encoder.py): local to each party (guest and
// host each encode their own columns, nothing crosses the federation). Fit collects the integer
// values of every selected column (a non-integer value is refused, at most 1024 values a column);
// each value v of column c becomes a column `c_v` in place of c, 1 where the row holds v, else 0;
// columns not selected keep their value. Transform (predict, or the fit's own output) uses the
// stored values: a value not seen at fit time gives all zeros for that column, as FATE does.
//
// Order of a column's new headers: FATE lists a Python set of ints, whose order CPython gives by
// hash; for the usual small non-negative codes that is ascending, which is the order used here.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { Component, ComponentInput, ModelBuffers } from '../contract.js';

/** consts.ONE_HOT_LIMIT */
export const ONE_HOT_LIMIT = 1024;

export interface OneHotModel {
  /** The input header the model was fitted on. */
  readonly header: string[];
  readonly transformNames: string[];
  /** Column → its values (ascending) and their new headers. */
  readonly colMap: Map<string, { values: number[]; headers: string[] }>;
  readonly resultHeader: string[];
  readonly needRun: boolean;
}

const DESCR = "One-hot encoder param's";

function pyRepr(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(pyRepr).join(', ')}]` : typeof v === 'string' ? `'${v}'` : v === null || v === undefined ? 'None' : String(v);
}

/** transform_col_indexes (-1 = all) then transform_col_names, deduplicated, unknown ones skipped (FATE warns). */
export function transformColumns(header: readonly string[], params: ComponentInput['params']): string[] {
  // Absent = the default -1 (all); an explicit null = no index (FATE compares with -1 only).
  const indexes = params.transform_col_indexes === undefined ? -1 : params.transform_col_indexes ?? [];
  const names = params.transform_col_names ?? [];
  if (!(Array.isArray(indexes) || Number.isInteger(indexes))) throw new Error(`${DESCR} ${pyRepr(indexes)} not supported, should be one of ['list', 'int', 'NoneType']`);
  if (!Array.isArray(names)) throw new Error(`${DESCR} ${pyRepr(names)} not supported, should be one of ['list', 'NoneType']`);
  if (indexes === -1) return [...header];
  const picked: number[] = [];
  for (const i of Array.isArray(indexes) ? indexes : [indexes]) {
    if (!Number.isInteger(i)) throw new Error(`OneHotEncoder: transform_col_indexes must hold integers, got ${JSON.stringify(i)}`);
    const idx = i as number;
    // Python's header[idx] would read a negative index from the end; FATE only bounds the top.
    const at = idx < 0 ? header.length + idx : idx;
    if (idx >= header.length || at < 0) continue;
    if (!picked.includes(at)) picked.push(at);
  }
  for (const name of names) {
    const at = header.indexOf(String(name));
    if (at >= 0 && !picked.includes(at)) picked.push(at);
  }
  return picked.map((i) => header[i]!);
}

const newHeader = (column: string, value: number) => `${column}_${value}`;

export function fitOneHot(table: DataTable<Instance>, transformNames: readonly string[]): OneHotModel {
  const header = [...table.schema.header];
  const index = transformNames.map((n) => header.indexOf(n));
  const seen = transformNames.map(() => new Set<number>());
  for (const [key, inst] of table.rows) {
    index.forEach((col, k) => {
      const v = inst.features[col]!;
      if (!Number.isFinite(v) || Math.ceil(v) !== v) {
        throw new Error(`Onehot input data support integer only (row ${JSON.stringify(key)}, column ${JSON.stringify(transformNames[k])}: ${v})`);
      }
      const set = seen[k]!;
      if (!set.has(v)) {
        set.add(v);
        if (set.size > ONE_HOT_LIMIT) throw new Error(`Input data should not have more than ${ONE_HOT_LIMIT} possible value when doing one-hot encode`);
      }
    });
  }
  const colMap = new Map<string, { values: number[]; headers: string[] }>();
  transformNames.forEach((name, k) => {
    const values = [...seen[k]!].sort((a, b) => a - b);
    colMap.set(name, { values, headers: values.map((v) => newHeader(name, v)) });
  });
  const resultHeader = header.flatMap((h) => colMap.get(h)?.headers ?? [h]);
  return { header, transformNames: [...transformNames], colMap, resultHeader, needRun: true };
}

/** Per input column: where a kept value goes, or each known value's new column. */
export interface OneHotPlan {
  readonly width: number;
  readonly columns: readonly { readonly kept?: number; readonly lookup?: ReadonlyMap<number, number> }[];
}

/** The plan for rows over `header`, which must be the model's input header. */
export function oneHotPlan(model: OneHotModel, header: readonly string[]): OneHotPlan {
  if (header.length !== model.header.length || header.some((h, i) => h !== model.header[i])) {
    throw new Error(`OneHotEncoder: data header [${header.join(', ')}] does not match the model header [${model.header.join(', ')}]`);
  }
  const position = new Map(model.resultHeader.map((h, i) => [h, i]));
  const columns = model.header.map((h) => {
    const kept = position.get(h);
    if (kept !== undefined && !model.colMap.has(h)) return { kept };
    const pair = model.colMap.get(h);
    if (!pair) return {};
    return { lookup: new Map(pair.values.map((v, j) => [v, position.get(pair.headers[j]!)!])) };
  });
  return { width: model.resultHeader.length, columns };
}

/** FATE's transfer_one_instance on one row: kept columns by name, encoded ones as 1 at their value's header. */
export function oneHotRow(plan: OneHotPlan, row: readonly number[]): number[] {
  const features = new Array<number>(plan.width).fill(0);
  plan.columns.forEach((p, i) => {
    const v = row[i]!;
    if (p.kept !== undefined) features[p.kept] = v;
    else if (p.lookup) {
      const at = p.lookup.get(v);
      if (at !== undefined) features[at] = 1;
    }
  });
  return features;
}

export function transformOneHot(table: DataTable<Instance>, model: OneHotModel): DataTable<Instance> {
  const plan = oneHotPlan(model, table.schema.header);
  const rows = table.rows.map(([key, inst]): [string, Instance] => {
    const features = oneHotRow(plan, inst.features);
    return [key, inst.label === undefined ? { features } : { features, label: inst.label }];
  });
  return { schema: { ...table.schema, header: [...model.resultHeader] }, rows };
}

export function oneHotBuffers(model: OneHotModel): ModelBuffers {
  const colMap: Record<string, { values: string[]; transformedHeaders: string[] }> = {};
  for (const [name, pair] of model.colMap) colMap[name] = { values: pair.values.map(String), transformedHeaders: [...pair.headers] };
  return {
    OneHotMeta: { transformColNames: [...model.transformNames], header: [...model.header], needRun: model.needRun },
    OneHotParam: { colMap, resultHeader: [...model.resultHeader] },
  };
}

export function oneHotFromBuffers(buffers: ModelBuffers): OneHotModel {
  const meta = buffers.OneHotMeta as Record<string, any> | undefined;
  const param = buffers.OneHotParam as Record<string, any> | undefined;
  if (!meta || !param) throw new Error('OneHotEncoder: input model has no OneHotMeta/OneHotParam');
  const header: string[] = (meta.header ?? []).map(String);
  const colMap = new Map<string, { values: number[]; headers: string[] }>();
  for (const [name, entry] of Object.entries((param.colMap ?? {}) as Record<string, { values?: unknown[]; transformedHeaders?: unknown[] }>)) {
    const values = (entry.values ?? []).map((v) => Number(v));
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`OneHotEncoder: input model column ${JSON.stringify(name)} has a non-numeric value`);
    // FATE rebuilds the headers from name and value on load; the stored list is only shown.
    colMap.set(name, { values, headers: values.map((v) => newHeader(name, v)) });
  }
  return {
    header, transformNames: (meta.transformColNames ?? []).map(String), colMap,
    resultHeader: (param.resultHeader ?? []).map(String), needRun: meta.needRun !== false,
  };
}

function pickInput(input: ComponentInput): DataTable<Instance> | undefined {
  return (input.data.data ?? input.data.train_data ?? input.data.eval_data) as DataTable<Instance> | undefined;
}

export const oneHotEncoder: Component = async (input) => {
  const table = pickInput(input);
  if (input.model) {
    const model = oneHotFromBuffers(input.model);
    if (!table) return { model: input.model };
    if (!model.needRun) return { data: table, model: input.model };
    return { data: transformOneHot(table, model), model: input.model };
  }
  const needRun = input.params.need_run ?? true;
  if (typeof needRun !== 'boolean') throw new Error(`OneHotEncoder: need_run must be a boolean, got ${JSON.stringify(needRun)}`);
  if (!needRun) {
    const empty: OneHotModel = { header: [], transformNames: [], colMap: new Map(), resultHeader: [], needRun: false };
    return { ...(table ? { data: table } : {}), model: oneHotBuffers(empty) };
  }
  if (!table) throw new Error('OneHotEncoder: no input data (expected data, train_data or eval_data)');
  const model = fitOneHot(table, transformColumns(table.schema.header, input.params));
  return { data: transformOneHot(table, model), model: oneHotBuffers(model) };
};
