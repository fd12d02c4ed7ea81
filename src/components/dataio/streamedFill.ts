// DataIO's missing fill and outlier replace over a big upload without the upload in memory (issue
// 17): the lines are sorted into the output's key ranges once (rawLines.ts LineRanges), a first pass
// over those ranges, in key order, gathers what FATE's Imputer fits per column (min, max, or the sum
// and count of a mean: min/max/mean/designated are its methods, no quantile) and counts the cells
// each fill replaces (the ratios the model records); then every range is read again as the writer
// asks for its partition, the fitted replacements applied by the range reader (denseColumns.ts
// denseRangeReader), as a loaded model's are when predicting. The statistics are the whole path's
// bit for bit (denseColumns.ts fitReplacement): the same cells, parsed the same way, added in the
// same (key) order; the outlier replace is fitted on the cells as the missing fill left them, so a
// fitted missing fill and an outlier replace take two passes, as they do on the whole path.
import type { LineRanges } from '../../tableData/rawLines.js';
import { DEFAULT_MISSING_VALUES, fillFitter, isToken, type FillFitter, type Replacement } from './fill.js';
import { bytesDelimiter, numericToken, scanCellBytes, type DenseLayout } from './denseColumns.js';
import type { LoadedModel } from './model.js';
import { nanTokensOf } from './row.js';
import type { Settings } from './settings.js';

export interface StreamedFills {
  /** The replacements each range's reader applies. */
  readonly reps: { readonly missing?: Replacement; readonly outlier?: Replacement };
  /** What the model records: each fill's replacement and replaced ratio (no ratio when loaded). */
  readonly missing?: { readonly rep: Replacement; readonly ratio?: number[] };
  readonly outlier?: { readonly rep: Replacement; readonly ratio?: number[] };
  /** The ranges the fit read (and their cut), for the writer when it cuts the same (else closed by the caller). */
  readonly ranges?: LineRanges;
  readonly bounds?: readonly number[];
}

/** One fill as a pass sees a cell: fitted on it (unless known), its tokens counted, then replaced when later fills need it. */
interface Stage {
  readonly tokens: readonly string[];
  readonly fitter?: FillFitter;
  readonly count?: number[];
  readonly rep?: Replacement;
}

/**
 * The fills of a dense upload of `rows` rows, fitted by passes over its lines cut in `bounds` (the
 * writer's default cut, so the writer reads the same sorted ranges), or undefined when this path
 * does not cover them (the whole path then reads the upload): a loaded model that holds no
 * replacement for a fill it ran, a delimiter the byte reader cannot split at, a token (NaN,
 * missing, outlier) that looks like a number, a line with the wrong cell count or any other error
 * of the fit (the whole path then reports it as it always did). No fills: no pass, `{ reps: {} }`.
 */
export function streamedFills(
  sliceRanges: (bounds: readonly number[]) => LineRanges, bounds: readonly number[], layout: DenseLayout, s: Settings, loaded: LoadedModel | undefined, signal: AbortSignal,
): StreamedFills | undefined {
  const missingOn = s.missing.enabled;
  const outlierOn = s.outlier.enabled;
  if (!missingOn && !outlierOn) return { reps: {} };
  if (loaded) {
    // Predict: the model's replacements, nothing to fit (the model is the loaded one, ratios unused).
    if ((missingOn && !loaded.missing) || (outlierOn && !loaded.outlier)) return undefined;
    const reps = { ...(missingOn ? { missing: loaded.missing! } : {}), ...(outlierOn ? { outlier: loaded.outlier! } : {}) };
    if (!byteReadable(s, reps.missing?.tokens, reps.outlier?.tokens)) return undefined;
    return { reps, ...(reps.missing ? { missing: { rep: reps.missing } } : {}), ...(reps.outlier ? { outlier: { rep: reps.outlier } } : {}) };
  }
  const missingTokens = missingOn ? (s.missing.tokens ?? [...DEFAULT_MISSING_VALUES]) : undefined;
  const outlierTokens = outlierOn ? (s.outlier.tokens ?? [...DEFAULT_MISSING_VALUES]) : undefined;
  if (!byteReadable(s, missingTokens, outlierTokens)) return undefined;
  const ranges = sliceRanges(bounds);
  try {
    const fitted = fit(ranges, bounds, layout, s, missingTokens, outlierTokens, signal);
    return { ...fitted, ranges, bounds };
  } catch (error) {
    ranges.close();
    if (signal.aborted) throw error;
    return undefined;
  }
}

/** Whether the range reader reads these lines from their bytes: a delimiter it splits at, no token that looks like a number. */
function byteReadable(s: Settings, missingTokens: readonly string[] | undefined, outlierTokens: readonly string[] | undefined): boolean {
  const nanTokens = nanTokensOf(s, missingTokens ? { tokens: [...missingTokens], fill: [] } : undefined);
  return bytesDelimiter(s.delimitor) >= 0 && !numericToken([...nanTokens, ...(missingTokens ?? []), ...(outlierTokens ?? [])]);
}

function fit(ranges: LineRanges, bounds: readonly number[], layout: DenseLayout, s: Settings, missingTokens: string[] | undefined, outlierTokens: string[] | undefined, signal: AbortSignal): Pick<StreamedFills, 'reps' | 'missing' | 'outlier'> {
  const width = layout.features;
  const rows = bounds[bounds.length - 1]!;
  const delim = bytesDelimiter(s.delimitor);
  const counts = () => new Array<number>(width).fill(0);
  const ratio = (count: number[]) => count.map((k) => (rows === 0 ? 0 : k / rows));
  const missingFitter = missingTokens ? fillFitter(width, s.missing, missingTokens) : undefined;
  const outlierFitter = outlierTokens ? fillFitter(width, s.outlier, outlierTokens) : undefined;
  const missingCount = counts();
  const outlierCount = counts();
  let missing: Replacement | undefined;
  if (missingTokens && missingFitter!.add && outlierTokens) {
    // The outlier replace sees the missing fill's values: the missing fill is fitted first, alone.
    scanStages(ranges, bounds, layout, delim, [{ tokens: missingTokens, fitter: missingFitter!, count: missingCount }], signal);
    missing = { tokens: missingTokens, fill: missingFitter!.fill() };
    scanStages(ranges, bounds, layout, delim, [{ tokens: missingTokens, rep: missing }, { tokens: outlierTokens, fitter: outlierFitter!, count: outlierCount }], signal);
  } else {
    // One pass: a missing fill that needs no statistic (designated values) is known before it.
    if (missingTokens && !missingFitter!.add) missing = { tokens: missingTokens, fill: missingFitter!.fill() };
    const stages: Stage[] = [];
    if (missingTokens) stages.push({ tokens: missingTokens, count: missingCount, ...(missing ? { rep: missing } : { fitter: missingFitter! }) });
    if (outlierTokens) stages.push({ tokens: outlierTokens, fitter: outlierFitter!, count: outlierCount });
    scanStages(ranges, bounds, layout, delim, stages, signal);
    if (missingTokens) missing ??= { tokens: missingTokens, fill: missingFitter!.fill() };
  }
  const outlier = outlierTokens ? { tokens: outlierTokens, fill: outlierFitter!.fill() } : undefined;
  return {
    reps: { ...(missing ? { missing } : {}), ...(outlier ? { outlier } : {}) },
    ...(missing ? { missing: { rep: missing, ratio: ratio(missingCount) } } : {}),
    ...(outlier ? { outlier: { rep: outlier, ratio: ratio(outlierCount) } } : {}),
  };
}

/**
 * One pass over every range in key order (each line's feature cells in order), each cell through
 * the stages in turn: fitted on as it is, counted when it is a stage's token, then replaced by the
 * stage's fill (when known) for the next. A plain decimal cell is no token (the caller's check):
 * its value is added to every stage's statistic as it is.
 */
function scanStages(ranges: LineRanges, bounds: readonly number[], layout: DenseLayout, delim: number, stages: readonly Stage[], signal: AbortSignal): void {
  const { colOf } = layout;
  const visit = (j: number, cell: string): void => {
    const c = colOf[j]!;
    for (const stage of stages) {
      stage.fitter?.add?.(c, cell);
      if (isToken(cell, stage.tokens)) {
        if (stage.count) stage.count[c]!++;
        if (stage.rep) cell = stage.rep.fill[c]!;
      }
    }
  };
  const adders = stages.map((stage) => stage.fitter?.addValue).filter((add) => add !== undefined);
  const value = adders.length === 0 ? () => {} : adders.length === 1 ? (j: number, v: number) => adders[0]!(colOf[j]!, v) : (j: number, v: number) => {
    for (const add of adders) add(colOf[j]!, v);
  };
  for (let p = 0; p + 1 < bounds.length; p++) {
    signal.throwIfAborted();
    scanCellBytes(ranges.lines(p, true), bounds[p + 1]! - bounds[p]!, layout, delim, visit, value, signal);
  }
}
