// percentage_value (FATE percentage_value_filter.py): a column where one value (floats compared at 8
// decimals) fills more than ceil(n · upper_pct) rows is dropped. FATE finds the candidates with a
// Misra–Gries pass and then counts them exactly, which decides the same as counting the mode
// exactly: a value above that count is always a candidate. The value recorded is 1 (dropped) or 0.
import type { LocalFilter } from './localFilter.js';

const key = (v: number): number => Math.round(v * 1e8) / 1e8;

export const percentageValueFilter = (upperPct: number): LocalFilter => (props, data) => {
  const thresholdCount = Math.ceil(data.rows.length * upperPct);
  for (const i of [...props.select]) {
    const name = props.header[i]!;
    const counts = new Map<number, number>();
    let mode = 0;
    for (const inst of data.rows) {
      const v = inst.features[i]!;
      const k = Number.isNaN(v) ? NaN : key(v);
      const c = (counts.get(k) ?? 0) + 1;
      counts.set(k, c);
      if (c > mode) mode = c;
    }
    // upper_pct 1: FATE keeps no candidate at all, so nothing is dropped; the same falls out here.
    const dropped = mode > thresholdCount;
    if (!dropped) props.addLeftName(name);
    props.setFeatureValue(name, dropped ? 1 : 0);
  }
  props.keepOne(true);
  return ['pencentageValueMeta', { upperPct }];
};
