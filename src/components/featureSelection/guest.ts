// The guest's side of an IV filter: it holds every IV (its own and, from binning, each host's by
// anonymous name), so it decides for everyone. Each host first says which of its columns it looks
// at; the guest then sends each host only the list of its own columns that stay.
import type { Federation, PartyRef } from '../contract.js';
import { hostIvs, type BinningIvs } from './binningModel.js';
import { fitIvValues, percentileThreshold, topK, type PartyIvs } from './filters/ivFilters.js';
import type { MetaEntry } from './filters/localFilter.js';
import type { FeatureSelectionParam, FilterMethod } from './params.js';
import { HOST_SELECT_COLS, RESULT_LEFT_COLS, filterTag, nameListOf } from './protocol.js';
import { SelectionProperties } from './selectionState.js';

export interface GuestIvResult {
  readonly meta: MetaEntry;
  /** Each host's state as the guest decided it (empty with local_only): recorded in the guest's model. */
  readonly hosts: readonly SelectionProperties[];
}

async function receiveHostColumns(federation: Federation, hosts: readonly PartyRef[], tag: string): Promise<SelectionProperties[]> {
  return Promise.all(hosts.map(async (host) => {
    const names = nameListOf(await federation.get(HOST_SELECT_COLS, tag, host), `host ${host.partyId}'s ${HOST_SELECT_COLS}`);
    const props = new SelectionProperties(names);
    props.addSelectNames(names);
    return props;
  }));
}

export async function guestIvFilter(
  method: FilterMethod,
  filterIndex: number,
  param: FeatureSelectionParam,
  props: SelectionProperties,
  binning: BinningIvs,
  hosts: readonly PartyRef[],
  federation: Federation,
): Promise<GuestIvResult> {
  const tag = filterTag(filterIndex);
  const localOnly = method === 'iv_value_thres' ? param.ivValue.localOnly : method === 'iv_percentile' ? param.ivPercentile.localOnly : param.ivTopK.localOnly;
  const hostProps = localOnly ? [] : await receiveHostColumns(federation, hosts, tag);
  const guest: PartyIvs = { ivs: binning.own, props };
  const others: PartyIvs[] = hostProps.map((p, i) => ({ ivs: hostIvs(binning, hosts[i]!.partyId, i), props: p }));

  let meta: MetaEntry;
  if (method === 'iv_value_thres') {
    const { valueThreshold, hostThresholds } = param.ivValue;
    if (!localOnly && hostThresholds !== null && hostThresholds.length < hosts.length) {
      throw new Error(`HeteroFeatureSelection: iv_value_param.host_thresholds has ${hostThresholds.length} values for ${hosts.length} hosts`);
    }
    fitIvValues(guest, valueThreshold, 'the guest');
    others.forEach((h, i) => fitIvValues(h, hostThresholds?.[i] ?? valueThreshold, `host ${hosts[i]!.partyId}`));
    meta = ['ivValueMeta', { valueThreshold, localOnly }];
  } else if (method === 'iv_percentile') {
    const threshold = percentileThreshold([guest, ...others], param.ivPercentile.percentileThreshold);
    fitIvValues(guest, threshold, 'the guest');
    others.forEach((h, i) => fitIvValues(h, threshold, `host ${hosts[i]!.partyId}`));
    meta = ['ivPercentileMeta', { percentileThreshold: param.ivPercentile.percentileThreshold, localOnly }];
  } else {
    topK([guest, ...others], param.ivTopK.k);
    meta = ['ivTopKMeta', { k: param.ivTopK.k, localOnly }];
  }

  // Each host gets its own list, and only its own.
  await Promise.all(hostProps.map((p, i) => federation.remote(RESULT_LEFT_COLS, tag, p.leftNames, [hosts[i]!])));
  return { meta, hosts: hostProps };
}
