// DataIO's `input_format: "sparse"` (FATE 1.4.5 SparseFeatureReader, libsvm-like): each value is
// `label<delimitor>fid:value<delimitor>fid:value…`. Fit makes the header "0".."max fid"; every row
// becomes a dense vector over that header with 0 where the row names no value, which is what FATE's
// SparseVector reads as and what its output view shows. Components downstream see dense numbers,
// so every one of them works unchanged on sparse input.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { parseFeatureValue, parseLabelValue } from './cells.js';
import type { Settings } from './settings.js';

export interface SparseRead {
  readonly header: string[];
  readonly rows: [string, Instance][];
}

function entriesOf(key: string, value: string, delimitor: string): { label: string; pairs: [number, string][] } {
  if (value.trim() === '') throw new Error(`DataIO: row ${JSON.stringify(key)} is empty (input_format sparse needs a label first)`);
  const cols = value.split(delimitor);
  const pairs: [number, string][] = [];
  for (let i = 1; i < cols.length; i++) {
    const parts = cols[i]!.split(':');
    const fid = parts.length === 2 && /^\s*[+-]?\d+\s*$/.test(parts[0]!) ? Number(parts[0]) : NaN;
    if (!Number.isInteger(fid) || fid < 0) {
      throw new Error(`DataIO: row ${JSON.stringify(key)}: ${JSON.stringify(cols[i])} is not fid:value (input_format sparse)`);
    }
    pairs.push([fid, parts[1]!]);
  }
  return { label: cols[0]!, pairs };
}

/**
 * Reads a sparse table. `fittedHeader` (predict) fixes the width; without it the width is the
 * largest fid + 1. FATE's transform sizes rows len(header) + 1 (an off-by-one that breaks a dense
 * dot product downstream); fedflow keeps the fitted width and refuses a fid beyond it by name.
 */
export function readSparse(table: DataTable<string>, s: Settings, fittedHeader?: readonly string[]): SparseRead {
  const parsed = table.rows.map(([key, value]) => ({ key, ...entriesOf(key, String(value), s.delimitor) }));
  let width: number;
  if (fittedHeader) {
    width = fittedHeader.length;
  } else {
    let max = -1;
    for (const row of parsed) for (const [fid] of row.pairs) if (fid > max) max = fid;
    if (max < 0) throw new Error('DataIO: no feature value in input data, please check! (input_format sparse)');
    width = max + 1;
  }
  const header = fittedHeader ? [...fittedHeader] : Array.from({ length: width }, (_, i) => String(i));
  const rows: [string, Instance][] = parsed.map(({ key, label, pairs }) => {
    const features = new Array<number>(width).fill(0);
    for (const [fid, cell] of pairs) {
      if (fid >= width) throw new Error(`DataIO: row ${JSON.stringify(key)} has feature index ${fid}, the model's header has ${width} features (0..${width - 1})`);
      features[fid] = parseFeatureValue(cell, key, String(fid), s.dataType);
    }
    return [key, { features, label: parseLabelValue(label, key, s.labelName, s.labelType) }];
  });
  return { header, rows };
}
