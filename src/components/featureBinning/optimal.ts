// Optimal binning (FATE 1.4.5 optimal_binning/optimal_binning.py, bucket_info.py, heap.py): start from
// init_bin_nums fine buckets with their event / non-event counts, then
//  - iv, gini, chi_square: merge adjacent buckets bottom-up, always the pair whose merge costs least
//    (IV lost, Gini gained, smallest χ²), in FATE's phases: buckets without both labels first (when
//    `mixture`), then buckets under min_bin_pct, then down to bin_num buckets; no merge may exceed
//    max_bin_pct of the rows;
//  - ks: split top-down at the largest KS between cumulative event and non-event rates, breadth first,
//    until bin_num buckets.
// Only counts are used, so the guest runs it on a host's decrypted bucket counts without ever knowing
// the host's bucket bounds, and answers with bucket indexes.
//
// FATE keeps candidate pairs in a heap; here each step scans the current adjacent pairs. The candidates
// are the same (a pair's eligibility depends only on its two buckets, which change only by merging),
// ties go to the leftmost pair.
import type { FeatureBinningParams } from './params.js';

export interface BucketCounts {
  readonly events: number;
  readonly nonEvents: number;
}

export interface LabelTotals {
  readonly eventTotal: number;
  readonly nonEventTotal: number;
}

interface Bucket {
  events: number;
  nonEvents: number;
  /** Index of the last initial bucket in it (its right bound). */
  last: number;
}

const total = (b: BucketCounts) => b.events + b.nonEvents;
const mixed = (b: BucketCounts) => b.events > 0 && b.nonEvents > 0;

/** A bucket's IV term with FATE's adjustment (bucket_info.Bucket.iv). */
function bucketIv(events: number, nonEvents: number, totals: LabelTotals, adjustment: number): number {
  const adj = events === 0 || nonEvents === 0 ? adjustment : 0;
  const er = (events + adj) / Math.max(totals.eventTotal, 1);
  const nr = (nonEvents + adj) / Math.max(totals.nonEventTotal, 1);
  return (nr - er) * Math.log(nr / er);
}

function gini(b: BucketCounts): number {
  const t = total(b);
  if (t === 0) return 0;
  return 1 - (b.events / t) ** 2 - (b.nonEvents / t) ** 2;
}

/** The cost of merging l and r (heap.py's node scores): the pair with the lowest merges first. */
function mergeScore(metric: string, l: Bucket, r: Bucket, totals: LabelTotals, adjustment: number): number {
  const e = l.events + r.events;
  const ne = l.nonEvents + r.nonEvents;
  const t = e + ne;
  if (t === 0) return -Infinity;
  if (metric === 'iv') return bucketIv(l.events, l.nonEvents, totals, adjustment) + bucketIv(r.events, r.nonEvents, totals, adjustment) - bucketIv(e, ne, totals, adjustment);
  if (metric === 'gini') return gini({ events: e, nonEvents: ne }) - gini(l) - gini(r);
  // chi_square
  if (e === 0 || ne === 0) return -Infinity;
  const lt = total(l);
  const rt = total(r);
  const el1 = (lt / t) * e;
  const el0 = (lt / t) * ne;
  const er1 = (rt / t) * e;
  const er0 = (rt / t) * ne;
  return (l.events - el1) ** 2 / el1 + (l.nonEvents - el0) ** 2 / el0 + (r.events - er1) ** 2 / er1 + (r.nonEvents - er0) ** 2 / er0;
}

type Constraint = 'mixture' | 'single_mixture' | 'small_size' | 'single_small_size' | null;

function eligible(c: Constraint, l: Bucket, r: Bucket, minItems: number, maxItems: number): boolean {
  if (total(l) + total(r) > maxItems) return false;
  switch (c) {
    case 'mixture':
      return !mixed(l) && !mixed(r);
    case 'single_mixture':
      return !(mixed(l) && mixed(r));
    case 'small_size':
      return total(l) < minItems && total(r) < minItems;
    case 'single_small_size':
      return total(l) < minItems || total(r) < minItems;
    default:
      return true;
  }
}

function mergeBottomUp(initial: readonly BucketCounts[], p: FeatureBinningParams, maxBin: number, sampleCount: number, totals: LabelTotals): number[] {
  const o = p.optimal;
  const maxItems = Math.floor(o.maxBinPct * sampleCount);
  const minItems = Math.ceil(o.minBinPct * sampleCount);
  const buckets: Bucket[] = initial.map((b, i) => ({ events: b.events, nonEvents: b.nonEvents, last: i }));
  const scoreCache = new Map<Bucket, number>();
  const score = (i: number) => {
    // Cached per left bucket; a merge replaces both buckets by a new object and drops the left
    // neighbour's entry, so no entry goes stale.
    const l = buckets[i]!;
    let s = scoreCache.get(l);
    if (s === undefined) {
      s = mergeScore(o.metricMethod, l, buckets[i + 1]!, totals, p.adjustmentFactor);
      scoreCache.set(l, s);
    }
    return s;
  };

  const phase = (c: Constraint, aimOf: () => number, afterMerge: (l: Bucket, r: Bucket, m: Bucket, aim: number) => number) => {
    let aim = aimOf();
    while (aim > 0) {
      let best = -1;
      let bestScore = Infinity;
      for (let i = 0; i + 1 < buckets.length; i++) {
        const l = buckets[i]!;
        const r = buckets[i + 1]!;
        if (!eligible(c, l, r, minItems, maxItems)) continue;
        const s = score(i);
        if (s < bestScore || best < 0) {
          best = i;
          bestScore = s;
        }
      }
      if (best < 0) return;
      const l = buckets[best]!;
      const r = buckets[best + 1]!;
      const m: Bucket = { events: l.events + r.events, nonEvents: l.nonEvents + r.nonEvents, last: r.last };
      buckets.splice(best, 2, m);
      // The left neighbour's pair now ends at the new bucket.
      if (best > 0) scoreCache.delete(buckets[best - 1]!);
      aim = afterMerge(l, r, m, aim);
    }
  };
  const countNonMixed = () => buckets.filter((b) => !mixed(b)).length;
  const countSmall = () => buckets.filter((b) => total(b) < minItems).length;
  const mixtureDecrease = (l: Bucket, r: Bucket, m: Bucket, aim: number) => aim - (mixed(l) ? 0 : 1) - (mixed(r) ? 0 : 1) + (mixed(m) ? 0 : 1);
  const smallDecrease = (l: Bucket, r: Bucket, m: Bucket, aim: number) =>
    aim - (total(l) < minItems ? 1 : 0) - (total(r) < minItems ? 1 : 0) + (total(m) < minItems ? 1 : 0);

  if (o.mixture) {
    phase('mixture', countNonMixed, mixtureDecrease);
    phase('single_mixture', countNonMixed, mixtureDecrease);
  }
  phase('small_size', countSmall, smallDecrease);
  phase('single_small_size', countSmall, smallDecrease);
  phase(null, () => buckets.length - maxBin, () => buckets.length - maxBin);
  return buckets.map((b) => b.last);
}

function splitTopDown(initial: readonly BucketCounts[], p: FeatureBinningParams, maxBin: number, sampleCount: number): number[] {
  const minItems = Math.ceil(p.optimal.minBinPct * sampleCount);
  const splits: number[] = [];
  const queue: [number, number][] = [[0, initial.length]];
  while (queue.length > 0) {
    if (splits.length >= maxBin - 1) break;
    const [start, end] = queue.shift()!;
    if (start >= end) continue;
    const accE: number[] = [];
    const accN: number[] = [];
    let te = 0;
    let tn = 0;
    for (let i = start; i < end; i++) {
      te += initial[i]!.events;
      tn += initial[i]!.nonEvents;
      accE.push(te);
      accN.push(tn);
    }
    if (te === 0 || tn === 0) continue;
    const ks = accE.map((e, i) => Math.abs(e / te - accN[i]! / tn));
    const maxKs = Math.max(...ks);
    let best = maxKs === 0 ? Math.floor(ks.length / 2) : ks.indexOf(maxKs);
    const side = (b: number) => {
      const le = accE[b]!;
      const ln = accN[b]!;
      return { le, ln, re: te - le, rn: tn - ln, lt: le + ln, rt: te - le + tn - ln };
    };
    let s = side(best);
    if (s.lt < minItems || s.rt < minItems) {
      best = Math.floor(ks.length / 2);
      s = side(best);
    }
    if (p.optimal.mixture && !(s.le > 0 && s.ln > 0 && s.re > 0 && s.rn > 0)) continue;
    if (s.lt < minItems || s.rt < minItems) continue;
    const cut = start + best + 1;
    splits.push(cut);
    // The larger side is split first.
    if (s.rt > s.lt) queue.push([cut, end], [start, cut]);
    else queue.push([start, cut], [cut, end]);
  }
  if (splits.length === 0) splits.push(Math.floor(initial.length / 2));
  splits.sort((a, b) => a - b);
  splits.push(initial.length);
  // Each bucket [previous cut, cut) ends at initial bucket cut − 1; FATE's np.unique drops repeats.
  return [...new Set(splits.map((c) => c - 1))].filter((i) => i >= 0);
}

/**
 * Indexes of the initial buckets whose right bounds stay as split points, ascending. `totals` are the
 * guest's label counts over all its rows (FATE's label histogram); by default the buckets' own sums.
 */
export function optimalFromBuckets(buckets: readonly BucketCounts[], p: FeatureBinningParams, maxBin: number, totals?: LabelTotals): number[] {
  if (buckets.length === 0) return [];
  if (Math.ceil(1 / p.optimal.maxBinPct) > maxBin) {
    throw new Error(`HeteroFeatureBinning: ceil(1 / optimal_binning_param.max_bin_pct) = ${Math.ceil(1 / p.optimal.maxBinPct)} must not exceed bin_num ${maxBin}`);
  }
  let e = 0;
  let n = 0;
  for (const b of buckets) {
    e += b.events;
    n += b.nonEvents;
  }
  const t = totals ?? { eventTotal: e, nonEventTotal: n };
  const sampleCount = e + n;
  if (p.optimal.metricMethod === 'ks') return splitTopDown(buckets, p, maxBin, sampleCount);
  return mergeBottomUp(buckets, p, maxBin, sampleCount, t);
}
