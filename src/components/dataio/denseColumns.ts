// DataIO's dense reader straight into columns (issue 17): each uploaded line is scanned once per
// pass and its cells parsed into one Float64Array per feature, with no array of cells and no row
// object per line (at a million lines those were most of DataIO's time and memory). The steps and
// their order are the row path's (dataIO.ts): realign to a fitted header, fit then apply the
// missing fill, fit then apply the outlier replace, then Python's float()/int() with the NaN tokens
// and the sparse output's zeroing. A line this path cannot read (a wrong cell count, a cell or
// label Python would refuse) ends it with NotColumnar: the caller runs the row path, which reports
// the row path's own error, so errors stay exactly what they were.
//
// Lines given as UTF-8 bytes (rawLines.ts `LineBytes`, an upload read from storage) are parsed from
// the bytes when the delimiter is one ASCII character that no number holds: a plain decimal cell
// (or label) is read from its bytes, any other cell is decoded alone and goes through the string
// steps above, unchanged. Splitting the bytes at an ASCII byte splits the decoded line at the same
// character (no UTF-8 sequence holds an ASCII byte, and the decoder's replacement of bad bytes
// stops at one), so the cells, and so the columns, are the string path's bit for bit.
import type { InstanceColumns } from '../../tableData/columns.js';
import type { LineBytes, RawLines } from '../../tableData/rawLines.js';
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

/**
 * The feature cells of every line's bytes, in line order: visit(j, cell) with the cell decoded, or
 * (when `value` is given) value(j, v) for a plain decimal cell (a token none can be, the caller's
 * check). Throws NotColumnar at a line with the wrong cell count.
 */
export function scanCellBytes(lines: LineBytes, n: number, layout: DenseLayout, delim: number, visit: (cellIndex: number, cell: string) => void, value: ((cellIndex: number, v: number) => void) | undefined, signal: AbortSignal): void {
  const { width, labelIdx } = layout;
  const { bytes, start, end } = lines;
  for (let r = 0; r < n; r++) {
    if ((r & 0xffff) === 0) signal.throwIfAborted();
    const stop = end[r]!;
    let pos = start[r]!;
    for (let j = 0; j < width; j++) {
      const last = j === width - 1;
      if (value && j !== labelIdx) {
        const v = readDecimalBytes(bytes, pos, stop, delim);
        if (v === v) {
          if (last ? scanStop !== stop : scanStop === stop) throw new NotColumnar(last ? 'too many cells' : 'too few cells');
          value(j, v);
          pos = scanStop + 1;
          continue;
        }
      }
      const cellStop = cellEndBytes(bytes, pos, stop, last, delim);
      if (j !== labelIdx) visit(j, decodeCell(bytes, pos, cellStop));
      pos = cellStop + 1;
    }
  }
}

/** Where the cell starting at `pos` ends (cellEnd over bytes). */
function cellEndBytes(bytes: Uint8Array, pos: number, stop: number, last: boolean, delim: number): number {
  let i = pos;
  while (i < stop && bytes[i] !== delim) i++;
  if (last) {
    if (i < stop) throw new NotColumnar('too many cells');
    return stop;
  }
  if (i >= stop) throw new NotColumnar('too few cells');
  return i;
}

// As rawLines.ts decodes a line (no BOM stripped, bad bytes replaced): a cell decodes to its slice of the line.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The cell's text: ASCII bytes one by one (the usual odd cell: a token), else the UTF-8 decoder. */
function decodeCell(bytes: Uint8Array, from: number, to: number): string {
  if (to - from <= 16) {
    let text = '';
    for (let i = from; i < to; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return utf8.decode(bytes.subarray(from, to));
      text += String.fromCharCode(b);
    }
    return text;
  }
  return utf8.decode(bytes.subarray(from, to));
}

/** The delimiter's byte when the bytes can be split at it (one ASCII character no number holds), else -1. */
export function bytesDelimiter(delimitor: string): number {
  return delimitor.length === 1 && delimitor.charCodeAt(0) < 0x80 && !/[0-9.+-]/.test(delimitor) ? delimitor.charCodeAt(0) : -1;
}

/** True when a token could be a plain decimal cell (then no cell may skip the token checks). */
export function numericToken(tokens: readonly string[]): boolean {
  return tokens.some((t) => /^[0-9.+-]*$/.test(t) && t !== '');
}

/** Fits (unless loaded) one replacement over the cells as the earlier fills left them. */
function fitReplacement(raw: RawLines, layout: DenseLayout, o: ParseOptions, fill: DenseFill, defaultTokens: readonly string[], before: readonly Replacement[], signal: AbortSignal): Replacement {
  if (fill.loaded) return fill.loaded;
  const tokens = fill.settings.tokens ?? [...defaultTokens];
  const fitter = fillFitter(layout.features, fill.settings, tokens);
  if (!fitter.add) return { tokens, fill: fitter.fill() };
  const delim = bytesDelimiter(o.delimitor);
  if (raw.bytes && delim >= 0 && fitter.addValue && !numericToken(tokens) && !before.some((rep) => numericToken(rep.tokens))) {
    // A plain decimal cell is no token (of this fill or an earlier one): add(c, cell) adds its value.
    const { colOf } = layout;
    const add = fitter.add;
    const addValue = fitter.addValue;
    scanCellBytes(raw.bytes, raw.keys.length, layout, delim, (j, cell) => {
      const c = colOf[j]!;
      for (const rep of before) if (isToken(cell, rep.tokens)) cell = rep.fill[c]!;
      add(c, cell);
    }, (j, v) => addValue(colOf[j]!, v), signal);
  } else scanCells(raw, layout, o.delimitor, before, fitter.add, signal);
  return { tokens, fill: fitter.fill() };
}

export function readDenseColumns(
  raw: RawLines, layout: DenseLayout, o: ParseOptions,
  fills: { missing?: DenseFill; outlier?: DenseFill; defaultTokens: readonly string[] }, signal: AbortSignal,
): DenseColumnsResult {
  const { width, labelIdx, colOf } = layout;
  const n = raw.keys.length;
  // Lines given as bytes: their ranges are counted (asking for the lines would decode them).
  // Streamed lines (raw.chunks: an upload of either format) come with their rows, checked by their
  // readers; asking for `bytes` would read them whole.
  if (!raw.chunks && (raw.bytes ? raw.bytes.start.length !== n || raw.bytes.end.length !== n : raw.lines.length !== n)) throw new Error(`DataIO: ${n} keys but ${raw.bytes ? raw.bytes.start.length : raw.lines.length} lines`);
  const missing = fills.missing ? fitReplacement(raw, layout, o, fills.missing, fills.defaultTokens, [], signal) : undefined;
  const outlier = fills.outlier ? fitReplacement(raw, layout, o, fills.outlier, fills.defaultTokens, missing ? [missing] : [], signal) : undefined;
  const missingCount = new Array<number>(layout.features).fill(0);
  const outlierCount = new Array<number>(layout.features).fill(0);
  const nanTokens = o.nanTokens(missing);

  const kinds = cellKinds(o);
  const { isInt, sparseZero } = kinds;
  const features = Array.from({ length: layout.features }, () => new Float64Array(n));
  const labels = labelIdx >= 0 ? new Float64Array(n) : undefined;
  /** The labels in key order (the streamed path fills `labels` in storage order first). */
  let labelsOut = labels;
  const step = o.delimitor.length;
  // No token (NaN, missing, outlier) can be a plain decimal cell: such a cell's value is its number.
  const noNumericToken = !numericToken([...nanTokens, ...(missing?.tokens ?? []), ...(outlier?.tokens ?? [])]);
  // Float cells may skip the string when no token (NaN, missing, outlier) looks like a number.
  const fast = !isInt && noNumericToken;
  // One pass per plain cell with a one-character delimiter that cannot be part of a number: the
  // digits are read up to the delimiter, no indexOf first (measured ~30 % of the parse).
  const fused = fast && step === 1 && !/[0-9.+-]/.test(o.delimitor);
  const delimCode = o.delimitor.charCodeAt(0);

  const readCell = cellReader(layout, kinds, nanTokens, { features, labels }, {
    ...(missing ? { missing } : {}), ...(outlier ? { outlier } : {}), missingCount, outlierCount,
  });

  const delimByte = bytesDelimiter(o.delimitor);
  if (raw.chunks && delimByte >= 0 && noNumericToken) {
    // In storage order (no buffer of the whole table): the columns are filled in that order, then
    // each is put in key order by a gather through one spare column. Writing each line's cells at
    // its row instead (20 random places a line) measured slower.
    const lineOf = new Int32Array(n);
    let line = 0;
    raw.chunks.forEach((c) => {
      readLineBytes(c.bytes, c.start, c.end, undefined, c.count, width, labelIdx, colOf, delimByte, kinds, features, labels, line, readCell, signal);
      const { row, count } = c;
      for (let i = 0; i < count; i++) lineOf[row[i]!] = line + i;
      line += count;
    });
    if (line !== n) throw new Error(`DataIO: ${n} keys but ${line} lines`);
    let spare: Float64Array<ArrayBuffer> = new Float64Array(n);
    const gather = (from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const to = spare;
      for (let p = 0; p < n; p++) to[p] = from[lineOf[p]!]!;
      spare = from;
      return to;
    };
    for (let c = 0; c < features.length; c++) features[c] = gather(features[c]!);
    if (labels) labelsOut = gather(labels);
  } else if (raw.bytes && delimByte >= 0 && noNumericToken) {
    const { bytes, start, end } = raw.bytes;
    readLineBytes(bytes, start, end, undefined, n, width, labelIdx, colOf, delimByte, kinds, features, labels, 0, readCell, signal);
  } else {
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
        readCell(r, j, line.slice(start, end));
      }
    }
  }
  const ratio = (counts: number[]) => counts.map((k) => (n === 0 ? 0 : k / n));
  return {
    columns: { keys: raw.keys, features, ...(labelsOut ? { labels: labelsOut } : {}) },
    ...(missing ? { missing: { rep: missing, ratio: ratio(missingCount) } } : {}),
    ...(outlier ? { outlier: { rep: outlier, ratio: ratio(outlierCount) } } : {}),
  };
}

interface CellKinds {
  readonly isInt: boolean;
  readonly labelInt: boolean;
  readonly sparseZero: boolean;
}

/** The kinds of cells `o` reads: int data, an int label, the sparse output's zeroing. */
function cellKinds(o: ParseOptions): CellKinds {
  return {
    isInt: INT_TYPES.includes(o.dataType),
    labelInt: o.labelType === 'int' || INT_TYPES.includes(o.labelType),
    sparseZero: o.outputFormat === 'sparse' && FLOAT_TYPES.includes(o.dataType),
  };
}

/**
 * Cell j of line r from its text, into `into`'s columns: the row path's steps (label; fills, each
 * replaced cell counted; NaN tokens; float()/int()). Throws NotColumnar where Python would refuse.
 */
function cellReader(
  layout: DenseLayout, kinds: CellKinds, nanTokens: readonly string[], into: { readonly features: readonly Float64Array[]; readonly labels: Float64Array | undefined },
  fills: { readonly missing?: Replacement; readonly outlier?: Replacement; readonly missingCount: number[]; readonly outlierCount: number[] },
): (r: number, j: number, cell: string) => void {
  const { labelIdx, colOf } = layout;
  const { isInt, labelInt, sparseZero } = kinds;
  const { missing, outlier, missingCount, outlierCount } = fills;
  return (r, j, cell) => {
    if (j === labelIdx) {
      const v = labelInt ? parsePyInt(cell) : parsePyFloat(cell);
      if (v === undefined) throw new NotColumnar('label');
      into.labels![r] = v;
      return;
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
    into.features[c]![r] = v;
  };
}

/**
 * A reader of line ranges (rawLines.ts LineRanges) into columns, with the fills' replacements when
 * given (fitted beforehand: streamedFill.ts, or a loaded model's): each
 * range's lines (in key order) parsed by the byte reader below into the same buffers (as long as
 * the longest range yet), the result views of their first n values (issue 17: one partition's
 * columns in memory, no fresh memory per partition). The values are readDenseColumns' for the same lines. Undefined when
 * the lines cannot be read as bytes (a delimiter a number may hold, a NaN, missing or outlier token
 * that looks like a number): readDenseColumns' other paths. A line it cannot read throws NotColumnar.
 */
export function denseRangeReader(layout: DenseLayout, o: ParseOptions, signal: AbortSignal, fills: { readonly missing?: Replacement; readonly outlier?: Replacement } = {}): ((lines: LineBytes, n: number) => { features: Float64Array[]; labels?: Float64Array }) | undefined {
  const delimByte = bytesDelimiter(o.delimitor);
  const nanTokens = o.nanTokens(fills.missing);
  if (delimByte < 0 || numericToken([...nanTokens, ...(fills.missing?.tokens ?? []), ...(fills.outlier?.tokens ?? [])])) return undefined;
  const kinds = cellKinds(o);
  const into = { features: [] as Float64Array[], labels: undefined as Float64Array | undefined };
  // The replaced cells' counts are not used: the fit's pass counted them (streamedFill.ts).
  const counts = () => new Array<number>(layout.features).fill(0);
  const readCell = cellReader(layout, kinds, nanTokens, into, { ...fills, missingCount: counts(), outlierCount: counts() });
  let capacity = -1;
  return (lines, n) => {
    // Buffers as long as the longest range yet (the ranges of one cut differ by one row at most).
    if (n > capacity) {
      into.features = Array.from({ length: layout.features }, () => new Float64Array(n));
      into.labels = layout.labelIdx >= 0 ? new Float64Array(n) : undefined;
      capacity = n;
    }
    readLineBytes(lines.bytes, lines.start, lines.end, undefined, n, layout.width, layout.labelIdx, layout.colOf, delimByte, kinds, into.features, into.labels, 0, readCell, signal);
    const features = into.features.map((column) => column.subarray(0, n));
    return { features, ...(into.labels ? { labels: into.labels.subarray(0, n) } : {}) };
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

/**
 * The main pass over lines as bytes (line i at bytes[start[i], end[i]), row rowOf[i], or base + i): a plain decimal cell is read from its bytes — a feature when
 * no token can be one (the caller's condition) and, for int data, when it has no point (Python's
 * int() of an optional sign and ≤ 15 digits is that number, -0 included, as Number() gives it); a
 * label likewise (labels know no tokens). Any other cell is decoded and read by `readCell`.
 */
function readLineBytes(
  bytes: Uint8Array, start: Float64Array, end: Float64Array, rowOf: Int32Array | undefined, n: number, width: number, labelIdx: number, colOf: Int32Array, delim: number,
  o: CellKinds,
  features: Float64Array[], labels: Float64Array | undefined, base: number, readCell: (r: number, j: number, cell: string) => void, signal: AbortSignal,
): void {
  const { isInt, labelInt, sparseZero } = o;
  for (let i = 0; i < n; i++) {
    if ((i & 0xffff) === 0) signal.throwIfAborted();
    // Line i is row r: rowOf[i] when given, else base + i.
    const r = rowOf === undefined ? base + i : rowOf[i]!;
    const stop = end[i]!;
    let pos = start[i]!;
    for (let j = 0; j < width; j++) {
      const last = j === width - 1;
      const v = readDecimalBytes(bytes, pos, stop, delim);
      if (v === v && !((j === labelIdx ? labelInt : isInt) && scanPoint)) {
        // cellEnd's checks: the last cell runs to the line's end, the others to a delimiter.
        if (last ? scanStop !== stop : scanStop === stop) throw new NotColumnar(last ? 'too many cells' : 'too few cells');
        if (j === labelIdx) labels![r] = v;
        else features[colOf[j]!]![r] = sparseZero && Math.abs(v) < FLOAT_ZERO ? 0 : v;
        pos = scanStop + 1;
        continue;
      }
      const cellStop = cellEndBytes(bytes, pos, stop, last, delim);
      readCell(r, j, decodeCell(bytes, pos, cellStop));
      pos = cellStop + 1;
    }
  }
}

/** Whether the last readDecimalBytes that read a number saw a point. */
let scanPoint = false;

/**
 * readDecimal over bytes: the plain decimal in bytes[from, …) up to `end` or the first `delim`
 * (scanStop: where it stopped; scanPoint: a point was read), else NaN (any other byte, non-ASCII
 * included, or more than 15 digits).
 */
export function readDecimalBytes(bytes: Uint8Array, from: number, end: number, delim: number): number {
  let i = from;
  let negative = false;
  let c = i < end ? bytes[i]! : -1;
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    c = bytes[i]!;
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
  scanPoint = fraction >= 0;
  const v = fraction > 0 ? m / POW10[fraction]! : m;
  return negative ? -v : v;
}

/** Where readDecimalBytes stopped (tests). */
export function lastScanStop(): number {
  return scanStop;
}
