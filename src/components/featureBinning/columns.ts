// Which columns are binned, which are categories and which are transformed (FATE 1.4.5
// BinInnerParam). Index lists first, then names, each column once, in the order given. Categories are
// taken out of the binned columns; with transform_cols -1 FATE appends them back to the binned list
// (set_transform_all extends the very same list), so they get counts, WOE and IV like any other column:
// here they always do, each value its own bin.
import type { FeatureBinningParams } from './params.js';

export interface BinColumns {
  readonly header: readonly string[];
  /** Columns binned by the method (quantile / bucket / optimal), header indexes. */
  readonly numeric: number[];
  /** Category columns: each distinct value is a split point. */
  readonly category: number[];
  /** Every column with results: numeric then category (FATE's bin_names after set_transform_all). */
  readonly all: number[];
  /** Columns the transform rewrites. */
  readonly transform: number[];
}

function fail(message: string): never {
  throw new Error(`HeteroFeatureBinning: ${message}`);
}

function addIndexes(into: number[], indexes: readonly number[], header: readonly string[], what: string): void {
  for (const i of indexes) {
    if (i >= header.length) fail(`${what} ${i} is outside the header (${header.length} columns: ${header.join(', ')})`);
    if (!into.includes(i)) into.push(i);
  }
}

function addNames(into: number[], names: readonly string[], header: readonly string[], what: string, strict: boolean): void {
  for (const name of names) {
    const i = header.indexOf(name);
    if (i < 0) {
      // FATE warns and skips an unknown bin/category name, but refuses an unknown transform name.
      if (strict) fail(`${what} ${JSON.stringify(name)} is not in the header (${header.join(', ')})`);
      continue;
    }
    if (!into.includes(i)) into.push(i);
  }
}

export function binColumns(header: readonly string[], p: FeatureBinningParams): BinColumns {
  const numeric: number[] = [];
  if (p.binIndexes === -1) numeric.push(...header.map((_, i) => i));
  else {
    addIndexes(numeric, p.binIndexes ?? [], header, 'bin_indexes');
    addNames(numeric, p.binNames ?? [], header, 'bin_names', false);
  }
  const category: number[] = [];
  if (p.categoryIndexes === -1) category.push(...header.map((_, i) => i));
  else addIndexes(category, p.categoryIndexes ?? [], header, 'category_indexes');
  addNames(category, p.categoryNames ?? [], header, 'category_names', false);
  const numericOnly = numeric.filter((i) => !category.includes(i));
  const all = [...numericOnly, ...category];
  const transform: number[] = [];
  const t = p.transform.transformCols;
  if (t === -1) transform.push(...all);
  else {
    if (t) for (const i of t) if (i >= header.length) fail(`transform_param.transform_cols ${i} is outside the header (${header.length} columns)`);
    addIndexes(transform, t ?? [], header, 'transform_param.transform_cols');
    addNames(transform, p.transform.transformNames ?? [], header, 'transform_param.transform_names', true);
  }
  for (const i of transform) if (!all.includes(i)) fail(`transform column ${JSON.stringify(header[i])} is not binned (add it to bin_indexes or bin_names)`);
  return { header, numeric: numericOnly, category, all, transform };
}
