// binning.ts's quantile binning of a big stored table (issue 17), a piece at a time through the
// computing API: the table's doubles are never whole in memory, only its bins (one byte per value at
// bin_num ≤ 127: 10M rows × 20 features are 200 MB of bins against 1.6 GB of doubles). The split
// points are binColumn's to the bit:
//   passes 1–4 the present values at binColumn's ranks ⌈k·n/bin_num⌉ − 1 (rankSelect.ts
//              `valuesAtRanks`: a radix select over the pieces); its first pass also checks every
//              value (the same error for the same first bad feature) and counts, per feature, the
//              present values, the negative ones and the -0s: a zero at a rank takes the sign a
//              typed-array sort gives that rank (all -0s before all +0s);
//   last pass  every value binned against those points into the narrow bin columns.
// With `index` (a host whose rows are in another order than the guest's ids), instance i is stored
// row index[i]: the rows no instance names are left out of the quantiles, as binColumns's gather
// leaves them out.
import type { PartitionedTable } from '../../compute/compute.js';
import type { InstanceColumns } from '../../tableData/columns.js';
import { valuesAtRanks } from '../../compute/rankSelect.js';
import { binIndexes, bisectLeft, isMissing, MISSING_BIN, notNumeric, type FeatureBins, type MissingSettings } from './binning.js';

/** For tests: smaller pieces and radix buckets than the defaults, so that a small table crosses both. */
export interface PieceSizes {
  readonly pieceRows?: number;
  readonly collectLimit?: number;
}

/**
 * Where each stored row goes among the instances (−1: none), when `index` names each row at most
 * once; undefined when it names one twice (then the caller bins gathered columns: a duplicated row
 * counts twice in the quantiles, which a pass over the stored rows cannot weigh).
 */
export function placesOf(index: Int32Array, rows: number): Int32Array | undefined {
  const place = new Int32Array(rows).fill(-1);
  for (let i = 0; i < index.length; i++) {
    const r = index[i]!;
    if (place[r] !== -1) return undefined;
    place[r] = i;
  }
  return place;
}

/**
 * binColumns(the table's first `width` feature columns, binNum, missing, index) over the stored
 * table a piece at a time. `place`: {@link placesOf} the index (instance count `instances`); absent,
 * instance i is row i.
 */
export function binStoredTable(table: PartitionedTable, width: number, binNum: number, missing: MissingSettings, place?: Int32Array, instances = table.count, sizes: PieceSizes = {}): FeatureBins {
  const { pieceRows, collectLimit } = sizes;
  const present = new Float64Array(width);
  const negative = new Float64Array(width);
  const negativeZeros = new Float64Array(width);
  const bad = new Uint8Array(width);
  const kept = (r: number) => !place || place[r]! >= 0;
  /** binColumn's check of every value, and the counts: on the first scan only (rankSelect's counting pass). */
  const check = (from: number, to: number, features: readonly Float64Array[]) => {
    for (let f = 0; f < width; f++) {
      const column = features[f]!;
      let n = 0;
      let neg = 0;
      let negZero = 0;
      for (let r = from; r < to; r++) {
        if (!kept(r)) continue;
        const x = column[r - from]!;
        if (!Number.isFinite(x) && !(missing.useMissing && Number.isNaN(x))) bad[f] = 1;
        if (isMissing(x, missing)) continue;
        n++;
        if (x < 0) neg++;
        else if (x === 0 && 1 / x < 0) negZero++;
      }
      present[f] += n;
      negative[f] += neg;
      negativeZeros[f] += negZero;
    }
  };

  // The scan rankSelect reads: each piece's values with the missing ones (and rows no instance
  // names) as NaN, which it skips. NaN is already NaN: only those cases need a copy.
  const masks = missing.zeroAsMissing && missing.useMissing || place !== undefined;
  let scratch: Float64Array[] = [];
  let scans = 0;
  const scan = (visit: (features: readonly Float64Array[]) => void) => {
    const first = scans++ === 0;
    table.forEachPiece(({ from, to, features }) => {
      if (first) check(from, to, features);
      if (!masks) return visit(features);
      if (scratch.length === 0 || scratch[0]!.length < to - from) scratch = Array.from({ length: width }, () => new Float64Array(to - from));
      const out = scratch.map((s) => s.subarray(0, to - from));
      for (let f = 0; f < width; f++) {
        const column = features[f]!;
        const into = out[f]!;
        for (let r = from; r < to; r++) into[r - from] = kept(r) && !isMissing(column[r - from]!, missing) ? column[r - from]! : NaN;
      }
      visit(out);
    }, pieceRows);
  };
  // After the first scan (rankSelect asks for the ranks then, before any value is used): binColumns
  // checks feature after feature, so the first bad one is the one it names.
  const checked = () => {
    const firstBad = bad.indexOf(1);
    if (firstBad >= 0) throw notNumeric(firstBad);
  };
  const columns = Array.from({ length: width }, (_, f) => f);
  // binColumn's ranks of its sorted present values: ⌈k·n/bin_num⌉ − 1, k = 1..bin_num.
  const ranksOf = (_: number, n: number) => (n === 0 ? [] : Array.from({ length: binNum }, (_, k) => Math.max(0, Math.ceil(((k + 1) * n) / binNum) - 1)));
  const { values, counts } = valuesAtRanks(scan, columns, (i, n) => (checked(), ranksOf(i, n)), collectLimit);
  const splitPoints = columns.map((f) => {
    const n = present[f]!;
    if (counts[f] !== n) throw new Error(`HeteroSecureBoost: feature ${f} has ${counts[f]} values in the quantile passes, ${n} in the first`);
    if (n === 0) return [0];
    const points: number[] = [];
    ranksOf(f, n).forEach((rank, k) => {
      let v = values[f]![k]!;
      // A sorted Float64Array holds its -0s before its +0s.
      if (v === 0) v = rank - negative[f]! < negativeZeros[f]! ? -0 : 0;
      if (points.length === 0 || v > points[points.length - 1]!) points.push(v);
    });
    return points;
  });

  const binOf = columns.map(() => binIndexes(binNum, instances));
  table.forEachPiece(({ from, to, features }) => {
    for (let f = 0; f < width; f++) {
      const column = features[f]!;
      const points = splitPoints[f]!;
      const bins = binOf[f]!;
      for (let r = from; r < to; r++) {
        const i = place ? place[r]! : r;
        if (i < 0) continue;
        const x = column[r - from]!;
        bins[i] = isMissing(x, missing) ? MISSING_BIN : bisectLeft(points, x);
      }
    }
  }, pieceRows);
  return { splitPoints, binOf };
}

const labelsRead = new WeakMap<InstanceColumns, Float64Array | undefined>();

/**
 * The labels of a stored table's columns, read once per columns (a pass over every partition): the
 * evaluation type, the guest's training and the predict output read the same ones.
 */
export function storedLabels(columns: InstanceColumns, table: PartitionedTable): Float64Array | undefined {
  if (!labelsRead.has(columns)) labelsRead.set(columns, table.labels());
  return labelsRead.get(columns);
}
