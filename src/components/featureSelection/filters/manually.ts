// manually (FATE manually_filter.py): drop the listed columns, or keep only the listed ones.
// Indexes are positions in the component's input header. Python's truthiness decides which list
// applies: filter_out_indexes [] with filter_out_names null means "keep only left_*", and with
// those null too, nothing is kept but the one column every filter keeps.
import type { ManuallyParam } from '../params.js';
import type { LocalFilter } from './localFilter.js';

export const manuallyFilter = (param: ManuallyParam): LocalFilter => (props) => {
  const header = props.header;
  const outIndexes = new Set<number>();
  let outNames: readonly string[] = [];
  const filterOutGiven = (param.filterOutIndexes !== null && param.filterOutIndexes.length > 0) || param.filterOutNames !== null;
  if (filterOutGiven) {
    for (const i of param.filterOutIndexes ?? []) outIndexes.add(i);
    outNames = param.filterOutNames ?? [];
  } else {
    header.forEach((_, i) => outIndexes.add(i));
    for (const i of param.leftColIndexes ?? []) outIndexes.delete(i);
    for (const name of param.leftColNames ?? []) {
      const i = props.indexOf(name);
      if (i !== undefined) outIndexes.delete(i);
    }
  }
  const filteredOut: string[] = [];
  for (const i of [...props.select]) {
    const name = header[i]!;
    if (!outIndexes.has(i) && !outNames.includes(name)) props.addLeftName(name);
    else filteredOut.push(name);
  }
  props.keepOne(true);
  return ['manuallyMeta', { filterOutNames: filteredOut }];
};
