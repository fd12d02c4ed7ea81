// What crosses the federation in HeteroFeatureSelection (FATE's HeteroFeatureSelectionTransferVariable),
// once per IV filter, tagged with the filter's position in filter_methods:
//   host → guest  host_select_cols: the host's anonymous names (`host.<i>`) of the columns it looks at;
//   guest → host  result_left_cols: which of those the guest's decision keeps — sent to that host only.
// Nothing else crosses: no IV, no value, no other party's columns. The local filters need no exchange.

export const HOST_SELECT_COLS = 'host_select_cols';
export const RESULT_LEFT_COLS = 'result_left_cols';

export const filterTag = (filterIndex: number): string => String(filterIndex);

/** A received list of column names, checked (a peer's payload is input like any other). */
export function nameListOf(payload: unknown, what: string): string[] {
  if (!Array.isArray(payload) || payload.some((x) => typeof x !== 'string')) {
    throw new Error(`HeteroFeatureSelection: ${what} is not a list of column names`);
  }
  return payload as string[];
}
