// The IV filters' decisions (FATE iv_value_select_filter.py, iv_percentile_filter.py,
// iv_top_k_filter.py), made by the guest for itself and for each host from the binning model's
// IVs. A host's state here is named by the host's anonymous names and holds only the columns the
// host said it looks at. IVs strictly above the threshold pass, as in FATE.
import type { ColumnIvs } from '../binningModel.js';
import type { SelectionProperties } from '../selectionState.js';

/** FATE's consts.FLOAT_ZERO, as the percentile index uses it. */
const FLOAT_ZERO = 1e-6;

export interface PartyIvs {
  readonly ivs: ColumnIvs;
  readonly props: SelectionProperties;
}

/** fit_iv_values: IV above the threshold keeps a column; if nothing is left at all, the last column looked at stays. */
export function fitIvValues({ ivs, props }: PartyIvs, threshold: number, who: string): void {
  // A party that looks at no column has nothing to decide (FATE never gets here: it hangs first).
  if (props.select.length === 0) return;
  const selected = new Set(props.selectNames);
  let alternative: string | undefined;
  for (const [name, iv] of ivs) {
    if (!selected.has(name)) continue;
    alternative = name;
    if (iv > threshold) props.addLeftName(name);
    props.setFeatureValue(name, iv);
  }
  if (props.allLeftNames.length === 0) {
    if (alternative === undefined) {
      throw new Error(`HeteroFeatureSelection: the binning model has no IV for any column ${who} selects (${props.selectNames.join(', ')})`);
    }
    props.addLeftName(alternative);
  }
}

/** The IV at position floor(p · n − FLOAT_ZERO) of every selected column's IV, highest first (Python indexing). */
export function percentileThreshold(parties: readonly PartyIvs[], percentile: number): number {
  const values: number[] = [];
  for (const { ivs, props } of parties) {
    const selected = new Set(props.selectNames);
    for (const [name, iv] of ivs) if (selected.has(name)) values.push(iv);
  }
  if (values.length === 0) throw new Error('HeteroFeatureSelection: iv_percentile found no IV for the selected columns in the binning model');
  values.sort((a, b) => b - a);
  let at = Math.floor(percentile * values.length - FLOAT_ZERO);
  if (at < 0) at += values.length;
  return values[Math.min(at, values.length - 1)]!;
}

/**
 * iv_top_k: the k highest IVs over every party's selected columns keep their columns (ties in the
 * order guest columns, then each host's, in binning order); a party left with nothing keeps its
 * lowest-ranked column.
 */
export function topK(parties: readonly PartyIvs[], k: number): void {
  const all: { party: number; name: string; iv: number }[] = [];
  parties.forEach(({ ivs, props }, party) => {
    const selected = new Set(props.selectNames);
    for (const [name, iv] of ivs) if (selected.has(name)) all.push({ party, name, iv });
  });
  all.sort((a, b) => b.iv - a.iv);
  const substitute = new Map<number, string>();
  all.forEach(({ party, name, iv }, rank) => {
    const props = parties[party]!.props;
    substitute.set(party, name);
    if (rank < k) props.addLeftName(name);
    props.setFeatureValue(name, iv);
  });
  for (const [party, name] of substitute) {
    const props = parties[party]!.props;
    if (props.allLeftNames.length === 0) props.addLeftName(name);
  }
}
