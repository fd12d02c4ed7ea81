// The guest's table as the GLM protocol reads it: Poisson's exposure column (exposure_colname, if the
// header has it) taken out of the features, its log the row's offset (FATE's load_exposure /
// safe_log: ln 1e-7 for an exposure of 0); labels required.
import type { DataTable, Instance } from '../contract.js';
import type { GlmRows } from './protocol.js';

export interface GuestTable extends GlmRows {
  header: string[];
  sidName: string;
}

export function guestTable(t: DataTable<Instance>, exposureColname: string | null, who: string, needLabels = true): GuestTable {
  const at = exposureColname === null ? -1 : t.schema.header.indexOf(exposureColname);
  const header = at < 0 ? [...t.schema.header] : t.schema.header.filter((_, j) => j !== at);
  const keys: string[] = [];
  const rows: Instance[] = [];
  const labels: number[] = [];
  const offsets: number[] = [];
  for (const [key, inst] of t.rows) {
    keys.push(key);
    if (at < 0) {
      rows.push(inst);
      offsets.push(0);
    } else {
      const exposure = inst.features[at]!;
      if (!(exposure >= 0)) throw new Error(`${who}: row ${JSON.stringify(key)} has exposure ${exposure}; exposures must be ≥ 0`);
      rows.push({ ...inst, features: inst.features.filter((_, j) => j !== at) });
      offsets.push(Math.log(exposure === 0 ? 1e-7 : exposure));
    }
    if (needLabels && (inst.label === undefined || inst.label === null || Number.isNaN(inst.label))) throw new Error(`${who}: row ${JSON.stringify(key)} has no label`);
    labels.push(inst.label ?? NaN);
  }
  return { keys, rows, labels, offsets, header, sidName: t.schema.sid_name };
}

/** FATE's regression predict rows: [label, prediction, prediction, {label: prediction}, type]. */
export function regressionRows(g: GuestTable, predict: (i: number) => number, type: string): [string, unknown[]][] {
  return g.keys.map((key, i) => {
    const v = predict(i);
    const label = g.rows[i]!.label;
    return [key, [label === undefined || Number.isNaN(label) ? null : label, v, v, { label: v }, type]];
  });
}
