// The guest's table as the GLM protocol reads it, as typed columns (issue 17): the ids, the feature
// columns with Poisson's exposure column (exposure_colname, if the header has it) taken out, its log
// per row as the offset (FATE's load_exposure / safe_log: ln 1e-7 for an exposure of 0), and the
// labels (required for training). A columnar table's rows are never built; a row table is converted
// (heteroLR's lrColumns), so both run one code path and give the same numbers.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { lrColumns } from '../linearModel/featureColumns.js';
import type { GlmRows } from './protocol.js';

export interface GuestTable extends GlmRows {
  header: string[];
  sidName: string;
}

export function guestTable(t: DataTable<Instance>, exposureColname: string | null, who: string, needLabels = true): GuestTable {
  const cols = lrColumns(t, who);
  const n = cols.keys.length;
  const at = exposureColname === null ? -1 : t.schema.header.indexOf(exposureColname);
  const header = at < 0 ? [...t.schema.header] : t.schema.header.filter((_, j) => j !== at);
  const features = at < 0 ? cols.features : cols.features.filter((_, j) => j !== at);
  const offsets = new Float64Array(n);
  if (at >= 0 && n > 0) {
    const exposure = cols.features[at]!;
    for (let i = 0; i < n; i++) {
      const e = exposure[i]!;
      if (!(e >= 0)) throw new Error(`${who}: row ${JSON.stringify(cols.keys[i])} has exposure ${e}; exposures must be ≥ 0`);
      offsets[i] = Math.log(e === 0 ? 1e-7 : e);
    }
  }
  const labels = cols.labels ?? new Float64Array(n).fill(NaN);
  if (needLabels) {
    for (let i = 0; i < n; i++) if (Number.isNaN(labels[i]!)) throw new Error(`${who}: row ${JSON.stringify(cols.keys[i])} has no label`);
  }
  return { keys: cols.keys, features, labels, offsets, header, sidName: t.schema.sid_name };
}

/** FATE's regression predict rows: [label, prediction, prediction, {label: prediction}, type]. */
export function regressionRows(g: GuestTable, predict: (i: number) => number, type: string): [string, unknown[]][] {
  return g.keys.map((key, i) => {
    const v = predict(i);
    const label = g.labels[i]!;
    return [key, [Number.isNaN(label) ? null : label, v, v, { label: v }, type]];
  });
}
