// FATE's Imputer as DataIO uses it (missing fill and outlier replace): per-column fill values fitted
// on the string cells, then matching cells replaced. Shared by the dense and the tag readers.
import { parsePyFloat, pyFloatStr, pyStr, round6 } from './values.js';

/** Imputer's default missing tokens (compared against the cell and the lower-cased cell). */
export const DEFAULT_MISSING_VALUES = ['', 'none', 'null', 'na'];
export const FILL_METHODS = ['min', 'max', 'mean', 'designated'];

export interface ReplaceSettings {
  readonly enabled: boolean;
  readonly method: string | null;
  readonly value: unknown;
  /** The token list as the conf gave it (null = the imputer default). */
  readonly tokens: string[] | null;
}

/** A fitted (or loaded) replacement: per-column fill strings and the tokens they replace. */
export interface Replacement {
  readonly tokens: string[];
  readonly fill: string[];
}

export function isToken(cell: string, tokens: readonly string[]): boolean {
  return tokens.includes(cell) || tokens.includes(cell.toLowerCase());
}

/** Fill values per column, computed from the string cells (non-numeric cells are skipped, as FATE does). */
export function fitFill(rows: string[][], width: number, rs: ReplaceSettings, tokens: readonly string[]): string[] {
  const fitter = fillFitter(width, rs, tokens);
  if (fitter.add) for (const cells of rows) for (let i = 0; i < width; i++) fitter.add(i, cells[i]!);
  return fitter.fill();
}

/**
 * fitFill one cell at a time, for a reader that does not keep the cells (DataIO's columnar path):
 * `add` is absent when the method needs no statistic (designated values).
 */
export interface FillFitter {
  readonly add?: (column: number, cell: string) => void;
  /** add(column, cell) for a cell known to be no token and to read as `value` (not NaN): the same statistic. */
  readonly addValue?: (column: number, value: number) => void;
  fill(): string[];
}

export function fillFitter(width: number, rs: ReplaceSettings, tokens: readonly string[]): FillFitter {
  const m = rs.method;
  if (m === 'min' || m === 'max' || m === 'mean') {
    const acc: number[] = new Array<number>(width).fill(m === 'min' ? Infinity : m === 'max' ? -Infinity : 0);
    const count: number[] = new Array<number>(width).fill(0);
    const addValue = (i: number, v: number): void => {
      count[i]!++;
      if (m === 'min') acc[i] = Math.min(acc[i]!, v);
      else if (m === 'max') acc[i] = Math.max(acc[i]!, v);
      else acc[i]! += v;
    };
    return {
      add: (i, cell) => {
        if (isToken(cell, tokens)) return;
        const v = parsePyFloat(cell);
        if (v === undefined || Number.isNaN(v)) return;
        addValue(i, v);
      },
      addValue,
      fill: () => acc.map((a, i) => {
        // An all-missing column has no statistic; FATE's mean falls back to 0, and so do min/max here.
        if (count[i] === 0) return '0';
        return pyFloatStr(m === 'mean' ? round6(a / count[i]!) : a);
      }),
    };
  }
  // designated, or no method: the configured value, a scalar or one per column.
  return {
    fill: () => {
      const value = rs.value;
      if (Array.isArray(value)) {
        if (value.length !== width) {
          throw new Error(`DataIO: ${value.length} designated fill values for ${width} columns`);
        }
        return value.map((v) => pyStr(v));
      }
      return new Array<string>(width).fill(pyStr(value));
    },
  };
}

/**
 * Replaces one row's matching cells in place (the step a predict job and online serving share);
 * counts the replacements per column into `replaced` when given.
 */
export function fillRow(cells: string[], rep: Replacement, replaced?: number[]): void {
  for (let i = 0; i < cells.length; i++) {
    if (isToken(cells[i]!, rep.tokens)) {
      cells[i] = rep.fill[i]!;
      if (replaced) replaced[i]!++;
    }
  }
}

/** Replaces matching cells in place; returns the per-column replaced ratio. */
export function applyFill(rows: string[][], width: number, rep: Replacement): number[] {
  const replaced = new Array<number>(width).fill(0);
  for (const cells of rows) fillRow(cells, rep, replaced);
  return replaced.map((n) => (rows.length === 0 ? 0 : n / rows.length));
}
