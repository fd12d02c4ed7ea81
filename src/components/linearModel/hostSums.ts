// The partial scores hosts contribute to the guest's predictions (FATE's predict_index / host_prob):
// the guest names ids, each host answers W_h·x for each of its models (one per class in one-vs-rest),
// in plain, as FATE does. Used after training, in validation-free predictions of cross-validation
// folds, and in predict jobs, by HeteroLR and by HeteroLinR / HeteroPoisson.
import type { PartyRef } from '../contract.js';
import { type IdList, type JoinedIds, joinedIds } from '../../tableData/packedIds.js';
import type { Wire } from '../validation/heteroValidation.js';
import type { RowsById } from './featureColumns.js';

/** Guest: per model, per id: the hosts' partial scores summed. */
export async function hostSums(wire: Wire & IdWire, tag: string, hosts: readonly PartyRef[], keys: readonly string[], modelCount: number): Promise<number[][]> {
  // The ids joined for the batches already (training on the same keys) are sent packed from that join.
  if (wire.sendIds) await wire.sendIds('predict_index', tag, joinedIds(keys), 0, keys.length, [...hosts]);
  else await wire.send('predict_index', tag, keys, [...hosts]);
  const sums = Array.from({ length: modelCount }, () => new Array<number>(keys.length).fill(0));
  for (const host of hosts) {
    const parts = await wire.get<ArrayLike<number>[]>('host_prob', tag, host);
    if (parts.length !== modelCount) throw new Error(`HeteroLR: host ${host.partyId} answered for ${parts.length} models, the guest has ${modelCount}`);
    for (const part of parts) {
      if (part?.length !== keys.length) throw new Error(`HeteroLR: host ${host.partyId} answered ${part?.length} scores for ${keys.length} ids`);
    }
    parts.forEach((part, m) => {
      const sum = sums[m]!;
      for (let i = 0; i < part.length; i++) sum[i] += part[i]!;
    });
  }
  return sums;
}

/** A wire that can hand a list of ids over packed (binaryTrain.ts's Channel). */
interface IdWire {
  getIds?(name: string, tag: string, from: PartyRef): Promise<IdList>;
  sendIds?(name: string, tag: string, ids: JoinedIds, from: number, to: number, targets: PartyRef[]): Promise<void>;
}

/** Host, from columns: answers the guest's ids with W_h·x per model. */
export async function answerHostSumsFrom(wire: Wire & IdWire, tag: string, guest: PartyRef, data: RowsById, coefs: readonly (readonly number[])[]): Promise<void> {
  const keys = wire.getIds ? await wire.getIds('predict_index', tag, guest) : await wire.get<string[]>('predict_index', tag, guest);
  // As typed arrays: one copy of their bytes across threads (and v8-serialized between nodes), where
  // a JS array of 9M doubles cost the main thread seconds of structured clone each way (issue 17).
  // A big stored table is scored a piece at a time from its partitions (rowSource.ts).
  await wire.send('host_prob', tag, data.dots(keys, coefs), guest);
}
