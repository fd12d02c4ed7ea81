// The host's side of HeteroFeatureBinning (FATE 1.4.5 hetero_binning_host.py): bin its own columns,
// and for each column and bin add up the guest's encrypted labels of the rows in it. It sends back
// only the re-randomised encrypted sums and the bin sizes, under anonymous column names; it never
// sees a label, and its split points never leave it. With optimal binning it starts from
// init_bin_nums quantile buckets and keeps the ones the guest names (bucket indexes, not values).
import type { ComponentContext, PartyRef } from '../contract.js';
import type { BinColumns } from './columns.js';
import { fitSplitPoints } from './fit.js';
import { binSums, labelIndexes } from './hostSums.js';
import { PaillierBinSummer, PlaintextLabelCipherForTestsOnly, type BinSummer } from './labelCipher.js';
import type { FeatureBinningParams } from './params.js';
import {
  anonymousIndex,
  anonymousName,
  BUCKET_IDX,
  ENCRYPTED_BIN_SUM,
  ENCRYPTED_LABEL,
  TAG,
  type BucketIdx,
  type EncryptedBinSum,
  type EncryptedBins,
  type EncryptedLabels,
} from './protocol.js';
import type { RowPieces } from './rowPieces.js';

/** Split points of the host's columns by name, as its own model keeps them. */
export async function fitHost(
  data: RowPieces,
  cols: BinColumns,
  p: FeatureBinningParams,
  guest: PartyRef | undefined,
  ctx: ComponentContext,
): Promise<Map<string, number[]>> {
  const optimal = p.method === 'optimal';
  // FATE's host bins an optimal job with init_bin_nums quantiles whatever init_bucket_method says.
  const points = fitSplitPoints(data, cols, p, optimal ? 'quantile' : p.method, optimal ? p.optimal.initBinNums : p.binNum);
  if (p.localOnly || !guest) return points;

  const enc = (await ctx.federation.get(ENCRYPTED_LABEL, TAG, guest)) as EncryptedLabels;
  ctx.signal.throwIfAborted();
  if (!enc || !Array.isArray(enc.ids) || !Array.isArray(enc.labels) || enc.ids.length !== enc.labels.length) {
    throw new Error('HeteroFeatureBinning: the guest sent malformed encrypted labels');
  }
  const summer: BinSummer = enc.n === null ? new PlaintextLabelCipherForTestsOnly() : new PaillierBinSummer(enc.n);
  // Join by id, as FATE's join of the bin table with the label table: rows without a label are left out.
  const labelOf = labelIndexes(data.keys(), enc.ids);
  const sums: Record<string, EncryptedBins> = {};
  const { products, sizes } = await binSums(data, cols.all, cols.all.map((c) => points.get(cols.header[c]!)!), labelOf, enc.labels, summer, ctx.signal);
  ctx.signal.throwIfAborted();
  cols.all.forEach((c, k) => {
    sums[anonymousName(c)] = { events: products[k]!.map((e) => summer.rerandomize(e)), sizes: sizes[k]! };
  });
  const payload: EncryptedBinSum = {
    encrypted_bin_sum: sums,
    category_names: cols.category.map(anonymousName),
    bin_method: p.method,
    optimal_params: {
      metric_method: p.optimal.metricMethod,
      bin_num: p.binNum,
      mixture: p.optimal.mixture,
      max_bin_pct: p.optimal.maxBinPct,
      min_bin_pct: p.optimal.minBinPct,
    },
  };
  await ctx.federation.remote(ENCRYPTED_BIN_SUM, TAG, payload, [guest]);

  if (optimal) {
    const idx = (await ctx.federation.get(BUCKET_IDX, TAG, guest)) as BucketIdx;
    for (const [name, keep] of Object.entries(idx ?? {})) {
      const col = cols.header[anonymousIndex(name)];
      const sp = col === undefined ? undefined : points.get(col);
      if (!sp || !Array.isArray(keep) || keep.some((k) => !Number.isInteger(k) || k < 0 || k >= sp.length)) {
        throw new Error(`HeteroFeatureBinning: the guest sent bucket indexes for ${name} that do not fit its buckets`);
      }
      points.set(col!, keep.map((k) => sp[k]!));
    }
  }
  return points;
}
