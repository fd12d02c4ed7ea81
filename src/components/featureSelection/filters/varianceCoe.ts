// coefficient_of_variation_value_thres (FATE variance_coe_filter.py): |std / mean| at least the
// threshold keeps a column; a mean within FLOAT_ZERO of 0 counts as +FLOAT_ZERO, as in FATE.
import { FLOAT_ZERO } from '../columnSummary.js';
import type { LocalFilter } from './localFilter.js';

export const varianceCoeFilter = (valueThreshold: number): LocalFilter => (props, data) => {
  const summaries = data.summaries();
  for (const name of props.selectNames) {
    const s = summaries[props.indexOf(name)!]!;
    const mean = Math.abs(s.mean) < FLOAT_ZERO ? FLOAT_ZERO : s.mean;
    const coe = Math.abs(s.std / mean);
    if (coe >= valueThreshold) props.addLeftName(name);
    props.setFeatureValue(name, coe);
  }
  props.keepOne(true);
  return ['varianceCoeMeta', { valueThreshold }];
};
