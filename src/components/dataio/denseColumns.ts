// DataIO's dense reader straight into columns (issue 17): each uploaded line is scanned once per
// pass and its cells parsed into one Float64Array per feature, with no array of cells and no row
// object per line (at a million lines those were most of DataIO's time and memory). The steps and
// their order are the row path's (dataIO.ts): realign to a fitted header, fit then apply the
// missing fill, fit then apply the outlier replace, then Python's float()/int() with the NaN tokens
// and the sparse output's zeroing. A line this path cannot read (a wrong cell count, a cell or
// label Python would refuse) ends it with NotColumnar: the caller runs the row path, which reports
// the row path's own error, so errors stay exactly what they were.
import type { InstanceColumns } from '../columns.js';
import type { RawLines } from '../rawLines.js';
import { FLOAT_TYPES, INT_TYPES } from './cells.js';
import { fillFitter, isToken, type Replacement, type ReplaceSettings } from './fill.js';
import { parsePyFloat, parsePyInt } from './values.js';

/** consts.FLOAT_ZERO, as row.ts: FATE's sparse output drops float cells smaller than this. */
const FLOAT_ZERO = 1e-8;

/** This path cannot read the table as given: the row path must (and will say why, if anything is wrong). */
export class NotColumnar extends Error {
  override name = 'NotColumnar';
}

export interface DenseLayout {
  /** Cells per line, the label cell included. */
  readonly width: number;
  /** The label cell's position, or -1. */
  readonly labelIdx: number;
  /** For each cell position (the label's aside), its feature column in the output header. */
  readonly colOf: Int32Array;
  /** Output features. */
  readonly features: number;
}

export interface DenseFill {
  readonly settings: ReplaceSettings;
  /** A loaded model's replacement (predict); else fitted here. */
  readonly loaded?: Replacement;
}

export interface DenseColumnsResult {
  readonly columns: InstanceColumns;
  readonly missing?: { readonly rep: Replacement; readonly ratio: number[] };
  readonly outlier?: { readonly rep: Replacement; readonly ratio: number[] };
}

interface ParseOptions {
  readonly delimitor: string;
  readonly dataType: string;
  readonly labelType: string;
  readonly outputFormat: string;
  /** The tokens a cell left after the fills reads as NaN, given the missing replacement (row.ts nanTokensOf). */
  readonly nanTokens: (missing: Replacement | undefined) => readonly string[];
}

/**
 * Calls visit(column, cell) for every feature cell of every line, in line order, cells already
 * replaced by `before` (the earlier fills). Throws NotColumnar at a line with the wrong cell count.
 */
function scanCells(raw: RawLines, layout: DenseLayout, delimitor: string, before: readonly Replacement[], visit: (column: number, cell: string) => void, signal: AbortSignal): void {
  const { width, labelIdx, colOf } = layout;
  const step = delimitor.length;
  for (let r = 0; r < raw.lines.length; r++) {
    if ((r & 0xffff) === 0) signal.throwIfAborted();
    const line = String(raw.lines[r]);
    let pos = 0;
    for (let j = 0; j < width; j++) {
      const end = cellEnd(line, pos, j === width - 1, delimitor);
      const cell0 = line.slice(pos, end);
      pos = end + step;
      if (j === labelIdx) continue;
      const c = colOf[j]!;
      let cell = cell0;
      for (const rep of before) if (isToken(cell, rep.tokens)) cell = rep.fill[c]!;
      visit(c, cell);
    }
  }
}

/** Where the cell starting at `pos` ends; the last cell must hold no delimiter (else the line has too many cells). */
function cellEnd(line: string, pos: number, last: boolean, delimitor: string): number {
  const next = line.indexOf(delimitor, pos);
  if (last) {
    if (next >= 0) throw new NotColumnar('too many cells');
    return line.length;
  }
  if (next < 0) throw new NotColumnar('too few cells');
  return next;
}

/** Fits (unless loaded) one replacement over the cells as the earlier fills left them. */
function fitReplacement(raw: RawLines, layout: DenseLayout, o: ParseOptions, fill: DenseFill, defaultTokens: readonly string[], before: readonly Replacement[], signal: AbortSignal): Replacement {
  if (fill.loaded) return fill.loaded;
  const tokens = fill.settings.tokens ?? [...defaultTokens];
  const fitter = fillFitter(layout.features, fill.settings, tokens);
  if (fitter.add) scanCells(raw, layout, o.delimitor, before, fitter.add, signal);
  return { tokens, fill: fitter.fill() };
}

export function readDenseColumns(
  raw: RawLines, layout: DenseLayout, o: ParseOptions,
  fills: { missing?: DenseFill; outlier?: DenseFill; defaultTokens: readonly string[] }, signal: AbortSignal,
): DenseColumnsResult {
  const { width, labelIdx, colOf } = layout;
  const n = raw.keys.length;
  if (raw.lines.length !== n) throw new Error(`DataIO: ${n} keys but ${raw.lines.length} lines`);
  const missing = fills.missing ? fitReplacement(raw, layout, o, fills.missing, fills.defaultTokens, [], signal) : undefined;
  const outlier = fills.outlier ? fitReplacement(raw, layout, o, fills.outlier, fills.defaultTokens, missing ? [missing] : [], signal) : undefined;
  const missingCount = new Array<number>(layout.features).fill(0);
  const outlierCount = new Array<number>(layout.features).fill(0);
  const nanTokens = o.nanTokens(missing);

  const isInt = INT_TYPES.includes(o.dataType);
  const sparseZero = o.outputFormat === 'sparse' && FLOAT_TYPES.includes(o.dataType);
  const labelInt = o.labelType === 'int' || INT_TYPES.includes(o.labelType);
  const features = Array.from({ length: layout.features }, () => new Float64Array(n));
  const labels = labelIdx >= 0 ? new Float64Array(n) : undefined;
  const step = o.delimitor.length;
  // Float cells may skip the string when no token (NaN, missing, outlier) looks like a number.
  const fast = !isInt && ![...nanTokens, ...(missing?.tokens ?? []), ...(outlier?.tokens ?? [])].some((t) => /^[0-9.+-]*$/.test(t) && t !== '');
  // One pass per plain cell with a one-character delimiter that cannot be part of a number: the
  // digits are read up to the delimiter, no indexOf first (measured ~30 % of the parse).
  const fused = fast && step === 1 && !/[0-9.+-]/.test(o.delimitor);
  const delimCode = o.delimitor.charCodeAt(0);
  for (let r = 0; r < n; r++) {
    if ((r & 0xffff) === 0) signal.throwIfAborted();
    const line = String(raw.lines[r]);
    let pos = 0;
    for (let j = 0; j < width; j++) {
      if (fused && j !== labelIdx) {
        const quick = scanPlainDecimal(line, pos, delimCode);
        if (quick === quick) {
          // The same cell-count checks as cellEnd: the last cell runs to the line's end, others to a delimiter.
          const last = j === width - 1;
          if (last ? scanStop !== line.length : scanStop === line.length) throw new NotColumnar(last ? 'too many cells' : 'too few cells');
          features[colOf[j]!]![r] = sparseZero && Math.abs(quick) < FLOAT_ZERO ? 0 : quick;
          pos = scanStop + 1;
          continue;
        }
      }
      const end = cellEnd(line, pos, j === width - 1, o.delimitor);
      const start = pos;
      pos = end + step;
      if (fast && j !== labelIdx) {
        // A plain decimal cell (no token can be one): its value without a string for it.
        const quick = plainDecimal(line, start, end);
        if (quick === quick) {
          features[colOf[j]!]![r] = sparseZero && Math.abs(quick) < FLOAT_ZERO ? 0 : quick;
          continue;
        }
      }
      let cell = line.slice(start, end);
      if (j === labelIdx) {
        const v = labelInt ? parsePyInt(cell) : parsePyFloat(cell);
        if (v === undefined) throw new NotColumnar('label');
        labels![r] = v;
        continue;
      }
      const c = colOf[j]!;
      if (missing && isToken(cell, missing.tokens)) {
        cell = missing.fill[c]!;
        missingCount[c]!++;
      }
      if (outlier && isToken(cell, outlier.tokens)) {
        cell = outlier.fill[c]!;
        outlierCount[c]!++;
      }
      let v: number | undefined;
      if (nanTokens.includes(cell)) v = Number.NaN;
      else {
        v = isInt ? parsePyInt(cell) : parsePyFloat(cell);
        if (v === undefined) throw new NotColumnar('cell');
      }
      if (sparseZero && Math.abs(v) < FLOAT_ZERO) v = 0;
      features[c]![r] = v;
    }
  }
  const ratio = (counts: number[]) => counts.map((k) => (n === 0 ? 0 : k / n));
  return {
    columns: { keys: raw.keys, features, ...(labels ? { labels } : {}) },
    ...(missing ? { missing: { rep: missing, ratio: ratio(missingCount) } } : {}),
    ...(outlier ? { outlier: { rep: outlier, ratio: ratio(outlierCount) } } : {}),
  };
}

/** 10^0 .. 10^22: every one an exact double. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The value of line[from, to) when it is a plain decimal — an optional sign, at most 15 digits, at
 * most one point, no exponent — else NaN (then the cell is read as a string). Exact: the digits
 * make an integer below 2^53 and 10^k (k ≤ 15) is a double, so one division gives the correctly
 * rounded value, the one Number() and Python's float() give (Clinger's fast path); "-0" is -0.
 */
export function plainDecimal(line: string, from: number, to: number): number {
  return readDecimal(line, from, to, -1);
}

/** Where scanPlainDecimal stopped: the delimiter's index, or the line's length. */
let scanStop = 0;

/**
 * plainDecimal(line, from, stop) where stop is the first `delim` at or after `from` (or the line's
 * end), found while reading the digits; NaN (and scanStop undefined) as soon as a character no
 * plain decimal holds appears. `delim` must not be a digit, '.', '+' or '-'.
 */
export function scanPlainDecimal(line: string, from: number, delim: number): number {
  return readDecimal(line, from, line.length, delim);
}

/** The one reader of both: digits up to `end` or the first `delim` (-1: none). */
function readDecimal(line: string, from: number, end: number, delim: number): number {
  let i = from;
  let negative = false;
  let c = i < end ? line.charCodeAt(i) : -1;
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) fraction = 0;
    else if (c === delim) break;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  scanStop = i;
  const v = fraction > 0 ? m / POW10[fraction]! : m;
  return negative ? -v : v;
}
