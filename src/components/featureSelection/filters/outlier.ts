// outlier_cols (FATE outlier_filter.py): a column whose `percentile` quantile point reaches
// upper_threshold is dropped; the value recorded is that quantile point.
import { quantilePoint } from '../columnSummary.js';
import type { LocalFilter } from './localFilter.js';

export const outlierFilter = (percentile: number, upperThreshold: number): LocalFilter => (props, data) => {
  const summaries = data.summaries();
  for (const name of props.selectNames) {
    const point = quantilePoint(summaries[props.indexOf(name)!]!, percentile);
    if (point < upperThreshold) props.addLeftName(name);
    props.setFeatureValue(name, point);
  }
  props.keepOne(true);
  return ['outlierMeta', { percentile, upperThreshold }];
};
