// The partial scores hosts contribute to the guest's predictions (FATE's predict_index / host_prob):
// the guest names ids, each host answers W_h·x for each of its models (one per class in one-vs-rest),
// in plain, as FATE does. Used after training, in validation-free predictions of cross-validation
// folds, and in predict jobs.
import type { InstanceColumns } from '../../tableData/columns.js';
import type { Instance } from '../../tableData/dataTable.js';
import type { PartyRef } from '../contract.js';
import { type IdList, type JoinedIds, joinedIds } from '../../tableData/packedIds.js';
import type { PredictColumns } from '../../tableData/predictColumns.js';
import type { Wire } from '../validation/heteroValidation.js';
import { dotRow } from '../linearModel/protocol.js';
import { dotColumns, type RowsById } from './lrColumns.js';
import type { RowSource } from './rowSource.js';

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

/** Host: answers the guest's ids with W_h·x per model. */
export async function answerHostSums(wire: Wire, tag: string, guest: PartyRef, row: (key: string) => Instance, coefs: readonly (readonly number[])[]): Promise<void> {
  const keys = await wire.get<string[]>('predict_index', tag, guest);
  const rows = keys.map(row);
  await wire.send('host_prob', tag, coefs.map((w) => rows.map((inst) => dotRow(w, inst.features))), guest);
}

/** Host, from columns: answers the guest's ids with W_h·x per model (the same sums as {@link answerHostSums}). */
export async function answerHostSumsFrom(wire: Wire & IdWire, tag: string, guest: PartyRef, data: RowsById, coefs: readonly (readonly number[])[]): Promise<void> {
  const keys = wire.getIds ? await wire.getIds('predict_index', tag, guest) : await wire.get<string[]>('predict_index', tag, guest);
  // As typed arrays: one copy of their bytes across threads (and v8-serialized between nodes), where
  // a JS array of 9M doubles cost the main thread seconds of structured clone each way (issue 17).
  // A big stored table is scored a piece at a time from its partitions (rowSource.ts).
  await wire.send('host_prob', tag, data.dots(keys, coefs), guest);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A guest model: binary (one model, classes null) or one-vs-rest (one model per class). */
export interface GuestModels {
  coefs: number[][];
  intercepts: number[];
  classes: number[] | null;
}

/**
 * FATE's predictions of the rows of `cols` as predict columns (predictColumns.ts): per model the
 * sigmoid of W_g·x + b + the hosts' sums; one-vs-rest takes the class of the highest probability
 * (OneVsRest.__get_multi_class_res: the first on ties).
 */
export function predictColumns(m: GuestModels, cols: InstanceColumns, sums: readonly (readonly number[])[], threshold: number, type: string, source?: RowSource): PredictColumns {
  const n = cols.keys.length;
  // `source` read from storage (rowSource.ts): W·x a piece at a time, the labels read alone.
  const stored = source && !source.stable ? source : undefined;
  const probs = m.coefs.map((w, c) => {
    const z = stored ? stored.dot(w, 0, n) : dotColumns(w, cols.features, n);
    const s = sums[c]!;
    for (let i = 0; i < n; i++) z[i] = sigmoid(z[i]! + m.intercepts[c]! + s[i]!);
    return z;
  });
  const labels = (stored ? stored.labels : cols.labels) ?? null;
  if (m.classes === null) {
    const scores = probs[0]!;
    const results = new Float64Array(n);
    for (let i = 0; i < n; i++) results[i] = scores[i]! > threshold ? 1 : 0;
    return { keys: cols.keys, labels, results, scores, detail: { kind: 'binary' }, type };
  }
  const results = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c]![i]! > probs[best]![i]!) best = c;
    results[i] = m.classes[best]!;
    scores[i] = probs[best]![i]!;
  }
  return { keys: cols.keys, labels, results, scores, detail: { kind: 'classes', classes: m.classes.map(String), probs }, type };
}
