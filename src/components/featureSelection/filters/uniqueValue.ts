// unique_value (FATE unique_value_filter.py): a column whose max − min is below eps holds one value
// and is dropped; the value recorded is |max − min|.
import type { LocalFilter } from './localFilter.js';

export const uniqueValueFilter = (eps: number): LocalFilter => (props, data) => {
  const summaries = data.summaries();
  for (const name of props.selectNames) {
    const s = summaries[props.indexOf(name)!]!;
    const diff = Math.abs(s.max - s.min);
    if (diff >= eps) props.addLeftName(name);
    props.setFeatureValue(name, diff);
  }
  props.keepOne(true);
  return ['uniqueMeta', { eps }];
};
