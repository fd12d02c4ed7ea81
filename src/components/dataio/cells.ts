// Reading one cell of an uploaded table as FATE's readers do (Python float()/int() on the text).
import { parsePyFloat, parsePyInt } from './values.js';

export const FLOAT_TYPES = ['float', 'float64', 'double'];
export const INT_TYPES = ['int', 'int64', 'long'];

/** A cell Python could not read: the column and the text kept, so a caller (online serving) can say it its way. */
export class CellError extends Error {
  override name = 'CellError';
  constructor(message: string, readonly column: string, readonly cell: string) {
    super(message);
  }
}

/** A feature cell as `data_type`; a clear error naming the row and column when Python would raise. */
export function parseFeatureValue(cell: string, key: string, column: string, dataType: string): number {
  const v = INT_TYPES.includes(dataType) ? parsePyInt(cell) : parsePyFloat(cell);
  if (v === undefined) {
    throw new CellError(`DataIO: row ${JSON.stringify(key)}, column ${JSON.stringify(column)}: cannot read ${JSON.stringify(cell)} as ${dataType}`, column, cell);
  }
  return v;
}

/** A dense cell: the missing tokens read NaN, anything else as `data_type`. */
export function parseFeature(cell: string, key: string, column: string, dataType: string, nanTokens: readonly string[]): number {
  if (nanTokens.includes(cell)) return Number.NaN;
  return parseFeatureValue(cell, key, column, dataType);
}

export function parseLabelValue(cell: string, key: string, column: string, labelType: string): number {
  const v = labelType === 'int' || INT_TYPES.includes(labelType) ? parsePyInt(cell) : parsePyFloat(cell);
  if (v === undefined) {
    throw new Error(`DataIO: row ${JSON.stringify(key)}, label column ${JSON.stringify(column)}: cannot read ${JSON.stringify(cell)} as ${labelType}`);
  }
  return v;
}
