// The sampling itself (FATE 1.4.5 federatedml/feature/sampler.py, RandomSampler and
// StratifiedSampler), pure: which ids to keep, and the sampled table from a list of ids.
//
// Randomness: FATE draws with numpy (sklearn's resample) and Python's random.shuffle; fedflow
// draws with its own seeded generator, so `random_state` makes a run repeatable but does not give
// the ids FATE's numpy would. Sizes, labels, keys and every rule below are FATE's.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { mulberry32 } from '../../random/mulberry32.js';
import { pushAll } from '../pushAll.js';

export interface SampleSettings {
  readonly mode: 'random' | 'stratified';
  readonly method: 'downsample' | 'upsample';
  /** random: one ratio; stratified: [label, ratio] pairs in the conf's order. */
  readonly fraction?: number;
  readonly fractions?: readonly (readonly [unknown, number])[];
  readonly randomState: number | null;
  readonly taskType: 'hetero' | 'homo';
  readonly needRun: boolean;
}

export type Metrics = { namespace: string; name: string; points: [string | number, number][]; type: string }[];

/** The project's seeded generator (mulberry32); a null seed draws one from Math.random. */
export function rng(seed: number | null): () => number {
  return mulberry32(seed ?? Math.floor(Math.random() * 2 ** 32));
}

/** sklearn.utils.resample: n ids without replacement (a partial shuffle) or with replacement. */
export function resample(ids: readonly string[], n: number, replace: boolean, random: () => number): string[] {
  if (replace) return Array.from({ length: n }, () => ids[Math.floor(random() * ids.length)]!);
  if (n > ids.length) throw new Error(`Cannot sample ${n} out of arrays with dim ${ids.length} when replace is False`);
  const pool = [...ids];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The ids to keep (downsample: each once; upsample: with repetition, in draw order) and the
 * metrics FATE logs while choosing them.
 */
export function chooseIds(table: DataTable, s: SampleSettings, random: () => number): { ids: string[]; metrics: Metrics } {
  const keys = table.rows.map(([k]) => k);
  const upsample = s.method === 'upsample';
  if (s.mode === 'random') {
    const f = s.fraction!;
    if (upsample) {
      if (!(f > 0)) throw new Error('sapmle fractions should be a numeric number large than 0');
      return { ids: resample(keys, Math.trunc(f * keys.length), true, random), metrics: [] };
    }
    if (f < 0 || f > 1) throw new Error('sapmle fractions should be a numeric number between 0 and 1inclusive');
    return { ids: resample(keys, Math.max(1, Math.trunc(f * keys.length)), false, random), metrics: [] };
  }
  const fractions = s.fractions ?? [];
  for (const [, f] of fractions) {
    if (upsample ? !(f > 0) : f < 0 || f > 1) {
      throw new Error(upsample ? 'sapmle fractions should be a numeric number greater than 0' : 'sapmle fractions should be a numeric number between 0 and 1inclusive');
    }
  }
  const group = new Map<unknown, number>();
  fractions.forEach(([label], i) => { if (!group.has(label)) group.set(label, i); });
  const byLabel: string[][] = fractions.map(() => []);
  for (const [key, value] of table.rows) {
    const g = group.get((value as Instance).label);
    if (g === undefined) throw new Error('label not specify sample rate! check it please');
    byLabel[g]!.push(key);
  }
  const ids: string[] = [];
  const sampled: [string | number, number][] = [];
  const original: [string | number, number][] = [];
  fractions.forEach(([label, f], i) => {
    const name = typeof label === 'number' ? label : String(label);
    const members = byLabel[i]!;
    original.push([name, members.length]);
    if (members.length === 0) {
      sampled.push([name, 0]);
      return;
    }
    const chosen = resample(members, Math.max(1, Math.trunc(f * members.length)), upsample, random);
    pushAll(ids, chosen);
    sampled.push([name, chosen.length]);
  });
  shuffle(ids, random);
  return {
    ids,
    metrics: [
      { namespace: 'sample_count', name: 'stratified', points: sampled, type: 'SAMPLE_TABLE' },
      { namespace: 'original_count', name: 'stratified', points: original, type: 'SAMPLE_TABLE' },
    ],
  };
}

/**
 * The sampled table from ids. Downsample keeps the rows whose id is chosen (under their ids, an id
 * this party does not hold is left out, as FATE's join does). Upsample numbers the rows: row i is
 * the row of ids[i], under the key "i" — so hosts given the guest's ids produce aligned rows.
 */
export function sampledTable(table: DataTable, ids: readonly string[], method: SampleSettings['method']): DataTable {
  if (method === 'downsample') {
    const keep = new Set(ids);
    return { schema: table.schema, rows: table.rows.filter(([k]) => keep.has(k)) };
  }
  const byKey = new Map(table.rows);
  const rows = ids.map((id, i): [string, unknown] => {
    if (!byKey.has(id)) throw new Error(`FederatedSample: sampled id ${JSON.stringify(id)} is not in this party's data`);
    return [String(i), byKey.get(id)];
  });
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { schema: table.schema, rows };
}
