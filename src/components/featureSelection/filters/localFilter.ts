// What a filter that runs on a party's own data sees: the rows, the header's column statistics
// (computed once per fit, shared by the filters that need them), and the state it updates.
import type { Instance } from '../../../tableData/dataTable.js';
import type { ColumnSummary } from '../columnSummary.js';
import type { SelectionProperties } from '../selectionState.js';

export interface LocalData {
  readonly rows: readonly Instance[];
  /** Statistics per header column (lazy: only the filters that need them pay for them). */
  summaries(): readonly ColumnSummary[];
}

/** A FeatureSelectionMeta field name and its value (e.g. ['uniqueMeta', {eps}]). */
export type MetaEntry = [field: string, value: Record<string, unknown>];

export type LocalFilter = (props: SelectionProperties, data: LocalData) => MetaEntry;
