// One dense row's cells to features, the steps a DataIO predict job runs on every row (missing fill,
// outlier replace, then Python's float() with the tokens that read NaN). The batch reader and online
// serving (src/serving/featurePipeline.ts) both call these, so a served row is the predict job's row.
import { FLOAT_TYPES, parseFeature } from './cells.js';
import { fillRow, type Replacement } from './fill.js';
import type { LoadedModel } from './model.js';
import type { Settings } from './settings.js';

/** Tokens read as NaN when no missing fill runs and `missing_impute` is not given. */
export const PLAIN_NAN_TOKENS = ['', 'NULL', 'null', 'NA'];
/** consts.FLOAT_ZERO: FATE's sparse output drops float cells smaller than this. */
const FLOAT_ZERO = 1e-8;

/** The tokens a cell left after the fills reads as NaN. */
export const nanTokensOf = (s: Settings, missing: Replacement | undefined): readonly string[] =>
  missing ? missing.tokens : (s.missing.tokens ?? PLAIN_NAN_TOKENS);

/** Filled cells as `data_type` (NaN for the NaN tokens); `output_format: sparse` reads |v| < 1e-8 as 0. */
export function parseRow(cells: readonly string[], key: string, header: readonly string[], s: Settings, nanTokens: readonly string[]): number[] {
  const features = cells.map((cell, i) => parseFeature(cell, key, header[i]!, s.dataType, nanTokens));
  if (s.outputFormat === 'sparse' && FLOAT_TYPES.includes(s.dataType)) {
    for (let i = 0; i < features.length; i++) if (Math.abs(features[i]!) < FLOAT_ZERO) features[i] = 0;
  }
  return features;
}

/** A stored DataIO model's replay of one row whose cells follow the model's header (cells are changed in place). */
export function readStoredRow(model: LoadedModel, cells: string[], key: string): number[] {
  if (model.missing) fillRow(cells, model.missing);
  if (model.outlier) fillRow(cells, model.outlier);
  return parseRow(cells, key, model.header, model.s, nanTokensOf(model.s, model.missing));
}
