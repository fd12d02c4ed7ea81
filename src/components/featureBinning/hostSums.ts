// The host's per-bin sums of the guest's encrypted labels, a piece of rows at a time (issue 17): for
// each piece, the bins of its rows that have a label (binsOf into buffers reused for every piece) and
// their ciphertexts go to the summer (Paillier: products mod n², on helper threads for big pieces),
// and the piece's sums are added to the running ones. Π over a bin of all its rows is the same
// residue whichever pieces the rows come in (plaintext mode: the same integer sums), so the sums are
// those of the table in one piece; no whole column of bins or of values is ever held.
import { binsOf } from './fit.js';
import type { BinSummer, Ct } from './labelCipher.js';
import type { RowPieces } from './rowPieces.js';

/** For each row (by its key), the position of its id in the guest's `ids`, -1 when the guest sent none (the last one when twice). */
export function labelIndexes(keys: readonly string[], ids: readonly string[]): Int32Array {
  const at = new Map<string, number>();
  ids.forEach((id, i) => at.set(id, i));
  const out = new Int32Array(keys.length);
  keys.forEach((key, r) => (out[r] = at.get(key) ?? -1));
  return out;
}

export interface HostBinSums {
  /** Per column (in the order of `points`), per bin up to the highest one a labelled row reaches: the summer's sum of their labels. */
  readonly products: Ct[][];
  /** Per column, per bin: how many labelled rows it holds. */
  readonly sizes: number[][];
}

/**
 * Per column with split points `points[k]` (header column `columns[k]`), the summer's per-bin sums
 * of the labels of the rows that have one (`labelOf[r]` ≥ 0: `labels[labelOf[r]]`) and the bins'
 * sizes, the rows read a piece at a time.
 */
export async function binSums(
  data: RowPieces,
  columns: readonly number[],
  points: readonly (readonly number[])[],
  labelOf: Int32Array,
  labels: readonly Ct[],
  summer: BinSummer,
  signal: AbortSignal,
): Promise<HostBinSums> {
  if (columns.length === 0) return { products: [], sizes: [] };
  // binIndex answers at most the last split point's bin (bin 0 when there are none).
  const last = points.map((sp) => Math.max(0, sp.length - 1));
  const sums: Ct[][] = [];
  const sizes = points.map((_, k) => new Array<number>(last[k]! + 1).fill(0));
  const tops = points.map(() => -1);
  let buffers: Int32Array[] = [];
  await data.forEachPieceAsync(async (from, features) => {
    const n = features[columns[0]!]!.length;
    const at: number[] = [];
    const cts: Ct[] = [];
    for (let i = 0; i < n; i++) {
      const j = labelOf[from + i]!;
      if (j < 0) continue;
      at.push(i);
      cts.push(labels[j]!);
    }
    if (at.length === 0) return;
    if (buffers.length === 0 || buffers[0]!.length < at.length) buffers = columns.map(() => new Int32Array(at.length));
    const bins = columns.map((c, k) => binsOf(features[c]!, points[k]!, at, buffers[k]));
    bins.forEach((b, k) => {
      const size = sizes[k]!;
      let top = tops[k]!;
      for (let i = 0; i < b.length; i++) {
        const x = b[i]!;
        size[x] = size[x]! + 1;
        if (x > top) top = x;
      }
      tops[k] = top;
    });
    const piece = await summer.sumBins(cts, bins, last, signal);
    signal.throwIfAborted();
    piece.forEach((col, k) => {
      const acc = sums[k];
      if (!acc) sums[k] = col;
      else col.forEach((v, b) => (acc[b] = summer.addSums(acc[b]!, v)));
    });
  });
  // Bins past the highest one a row reached are left out, as a whole table's sums leave them.
  return {
    products: points.map((_, k) => (sums[k] ?? []).slice(0, tops[k]! + 1)),
    sizes: sizes.map((s, k) => s.slice(0, tops[k]! + 1)),
  };
}
