// A plaintext client's predictions of its train rows (type train) and its eval_data rows (type
// validate) with a model, kept as typed predict columns per set (issue 17): each set's scores are
// computed a piece at a time (a big stored table is never loaded whole) and evaluated from its
// columns, never as a row object per prediction. Where FATE unions the two sets as a DTable (a key
// already present keeps its first row), the rows a union would drop are dropped from the columns.
// Rows that are not instances of one shape (some labelled, some not) keep the row path.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { PredictColumns } from '../../tableData/predictColumns.js';
import { predictColumnsFor, predictRows } from './localModel.js';

type Row = [string, unknown[]];

/** The train set, then the validate set (aligned to the train header) when there is one: columns, or undefined when a set has no columns. */
export function predictionSets(
  train: DataTable<Instance>, evalData: DataTable<Instance> | undefined, w: readonly number[], threshold: number,
): PredictColumns[] | undefined {
  const t = predictColumnsFor(train, w, threshold, 'train');
  if (!t || !evalData) return t && [t];
  const v = predictColumnsFor(evalData, w, threshold, 'validate', train.schema.header);
  return v && [t, v];
}

/** The same predictions as rows (the path of row tables that are not instances of one shape). */
export function predictionRows(train: DataTable<Instance>, evalData: DataTable<Instance> | undefined, w: readonly number[], threshold: number): Row[][] {
  const t = predictRows(train, w, threshold, 'train');
  return evalData ? [t, predictRows(evalData, w, threshold, 'validate', train.schema.header)] : [t];
}

/**
 * The validate set without the keys of the train set (validation_strategy's union: a key already
 * present keeps its train row); the same columns when none is dropped. Holds a set of the validate
 * keys, not of the train keys.
 */
export function withoutTrainKeys(train: PredictColumns, validate: PredictColumns): PredictColumns {
  const validateKeys = new Set(validate.keys);
  const inTrain = new Set<string>();
  for (const key of train.keys) if (validateKeys.has(key)) inTrain.add(key);
  if (inTrain.size === 0) return validate;
  const keep: number[] = [];
  validate.keys.forEach((key, i) => inTrain.has(key) || keep.push(i));
  return takePredictions(validate, keep);
}

/**
 * The sets with every key's first row only, in order (the union of the client's output: a key
 * already present keeps its first row, duplicates within a set included); the same columns when
 * none is dropped.
 */
export function firstRowPerKey(sets: readonly PredictColumns[]): PredictColumns[] {
  const seen = new Set<string>();
  return sets.map((set) => {
    const keep: number[] = [];
    set.keys.forEach((key, i) => (seen.has(key) ? undefined : (seen.add(key), keep.push(i))));
    return keep.length === set.scores.length ? set : takePredictions(set, keep);
  });
}

/** Rows `keep` (ascending) of predict columns (binary detail). */
function takePredictions(c: PredictColumns, keep: readonly number[]): PredictColumns {
  const pick = (column: Float64Array) => Float64Array.from(keep, (i) => column[i]!);
  return { ...c, keys: keep.map((i) => c.keys[i]!), labels: c.labels && pick(c.labels), results: pick(c.results), scores: pick(c.scores) };
}
