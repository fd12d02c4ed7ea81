// The partial scores hosts contribute to the guest's predictions (FATE's predict_index / host_prob):
// the guest names ids, each host answers W_h·x for each of its models (one per class in one-vs-rest),
// in plain, as FATE does. Used after training, in validation-free predictions of cross-validation
// folds, and in predict jobs.
import type { Instance, PartyRef } from '../contract.js';
import type { Wire } from '../validation/heteroValidation.js';
import { dotRow } from './binaryTrain.js';

/** Guest: per model, per id: the hosts' partial scores summed. */
export async function hostSums(wire: Wire, tag: string, hosts: readonly PartyRef[], keys: string[], modelCount: number): Promise<number[][]> {
  await wire.send('predict_index', tag, keys, [...hosts]);
  const sums = Array.from({ length: modelCount }, () => new Array<number>(keys.length).fill(0));
  for (const host of hosts) {
    const parts = await wire.get<number[][]>('host_prob', tag, host);
    if (parts.length !== modelCount) throw new Error(`HeteroLR: host ${host.partyId} answered for ${parts.length} models, the guest has ${modelCount}`);
    parts.forEach((part, m) => part.forEach((x, i) => (sums[m]![i] += x)));
  }
  return sums;
}

/** Host: answers the guest's ids with W_h·x per model. */
export async function answerHostSums(wire: Wire, tag: string, guest: PartyRef, row: (key: string) => Instance, coefs: readonly (readonly number[])[]): Promise<void> {
  const keys = await wire.get<string[]>('predict_index', tag, guest);
  const rows = keys.map(row);
  await wire.send('host_prob', tag, coefs.map((w) => rows.map((inst) => dotRow(w, inst.features))), guest);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A guest model: binary (one model, classes null) or one-vs-rest (one model per class). */
export interface GuestModels {
  coefs: number[][];
  intercepts: number[];
  classes: number[] | null;
}

/** FATE's predict rows: [label, predict_result, predict_score, predict_detail, type]. */
export function predictRows(
  m: GuestModels,
  keys: readonly string[],
  rows: readonly Instance[],
  sums: readonly (readonly number[])[],
  threshold: number,
  type: string,
): [string, unknown[]][] {
  return rows.map((inst, i) => {
    const probs = m.coefs.map((w, c) => sigmoid(dotRow(w, inst.features) + m.intercepts[c]! + sums[c]![i]!));
    const label = inst.label ?? null;
    if (m.classes === null) {
      const s = probs[0]!;
      return [keys[i]!, [label, s > threshold ? 1 : 0, s, { '0': 1 - s, '1': s }, type]];
    }
    // OneVsRest.__get_multi_class_res: the class of the highest probability (first on ties).
    let best = 0;
    probs.forEach((pr, c) => {
      if (pr > probs[best]!) best = c;
    });
    const detail: Record<string, number> = {};
    m.classes.forEach((cl, c) => (detail[String(cl)] = probs[c]!));
    return [keys[i]!, [label, m.classes[best]!, probs[best]!, detail, type]];
  });
}
