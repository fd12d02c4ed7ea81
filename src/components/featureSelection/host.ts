// The host's side of an IV filter: it never sees an IV. It names the columns it looks at by their
// anonymous binning names, and keeps the ones the guest sends back. With local_only the guest does
// not decide for hosts, so the host keeps every column.
import type { Federation, PartyRef } from '../contract.js';
import { decodeHostName, encodeHostName, type BinningIvs } from './binningModel.js';
import type { MetaEntry } from './filters/localFilter.js';
import type { FeatureSelectionParam, FilterMethod } from './params.js';
import { HOST_SELECT_COLS, RESULT_LEFT_COLS, filterTag, nameListOf } from './protocol.js';
import type { SelectionProperties } from './selectionState.js';

const META_FIELD: Record<string, string> = { iv_value_thres: 'ivValueMeta', iv_percentile: 'ivPercentileMeta', iv_top_k: 'ivTopKMeta' };

export async function hostIvFilter(
  method: FilterMethod,
  filterIndex: number,
  param: FeatureSelectionParam,
  props: SelectionProperties,
  binning: BinningIvs | undefined,
  guest: PartyRef | undefined,
  federation: Federation,
): Promise<MetaEntry> {
  const localOnly = method === 'iv_value_thres' ? param.ivValue.localOnly : method === 'iv_percentile' ? param.ivPercentile.localOnly : param.ivTopK.localOnly;
  const meta: MetaEntry = [META_FIELD[method]!, { localOnly }];
  if (localOnly) {
    // FATE's iv_percentile/iv_top_k hosts ignore local_only and wait for a guest that never answers; here both sides agree.
    for (const name of props.lastLeftNames) props.addLeftName(name);
    return meta;
  }
  if (!binning) {
    throw new Error('HeteroFeatureSelection: to use an IV filter, HeteroFeatureBinning must run before and its model be input.isometric_model on the host too');
  }
  if (!guest) throw new Error('HeteroFeatureSelection: an IV filter needs a guest in the job\'s roles');
  const tag = filterTag(filterIndex);
  // A column the binning model does not know has no IV, so the guest cannot keep it: it is not offered and drops out, as in FATE.
  const offered = props.selectNames.filter((n) => binning.header.includes(n));
  await federation.remote(HOST_SELECT_COLS, tag, offered.map((n) => encodeHostName(binning, n)), [guest]);
  const left = nameListOf(await federation.get(RESULT_LEFT_COLS, tag, guest), `the guest's ${RESULT_LEFT_COLS}`);
  const selected = new Set(offered);
  for (const encoded of left) {
    const name = decodeHostName(binning, encoded);
    if (!selected.has(name)) throw new Error(`HeteroFeatureSelection: the guest kept column ${encoded}, which this host did not offer`);
    props.addLeftName(name);
  }
  return meta;
}
