// The guest's side of HeteroFeatureBinning (FATE 1.4.5 hetero_binning_guest.py): bin its own columns
// and compute their WOE/IV in the clear; send every host its labels encrypted (one ciphertext per
// row); from each host's encrypted per-bin event counts and bin sizes compute the host columns'
// WOE/IV under their anonymous names. The guest never learns a host's split points or values.
import type { ComponentContext, PartyRef } from '../contract.js';
import type { BinColumns } from './columns.js';
import { countBinsOf, fitSplitPoints } from './fit.js';
import { PaillierLabelEncryptor, PlaintextLabelCipherForTestsOnly, type LabelEncryptor } from './labelCipher.js';
import { optimalFromBuckets, type BucketCounts } from './optimal.js';
import type { FeatureBinningParams } from './params.js';
import { BUCKET_IDX, ENCRYPTED_BIN_SUM, ENCRYPTED_LABEL, TAG, type EncryptedBinSum, type EncryptedLabels } from './protocol.js';
import type { PartyResults } from './results.js';
import type { RowPieces } from './rowPieces.js';
import { woeIv, type ColumnResult } from './woe.js';

export interface GuestFit {
  readonly own: PartyResults;
  readonly hosts: PartyResults[];
}

/** Labels as FATE's load_data sees them: 1 is the event, anything else a non-event. */
function eventLabels(labels: Float64Array | undefined): Uint8Array {
  if (!labels) throw new Error('HeteroFeatureBinning: the guest data has no label (DataIO with_label true is needed for WOE/IV)');
  const distinct = new Set<number>();
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    distinct.add(y);
    out[i] = y === 1 ? 1 : 0;
  }
  if (distinct.size > 2) throw new Error(`HeteroFeatureBinning: IV needs binary labels; the guest data has ${distinct.size} distinct labels`);
  return out;
}

function ownColumns(data: RowPieces, labels: Uint8Array, cols: BinColumns, p: FeatureBinningParams): Map<string, ColumnResult> {
  const out = new Map<string, ColumnResult>();
  const names = cols.all.map((c) => cols.header[c]!);
  if (p.method === 'optimal') {
    // Start from init_bin_nums buckets, then merge them by the metric (optimal_binning.py).
    const init = fitSplitPoints(data, cols, p, p.optimal.initBucketMethod, p.optimal.initBinNums);
    const counted = countBinsOf(data, cols.all, names.map((name) => init.get(name)!), labels);
    cols.all.forEach((c, k) => {
      const name = names[k]!;
      const points = init.get(name)!;
      const counts = counted[k]!;
      if (cols.category.includes(c)) {
        out.set(name, woeIv(counts, p.adjustmentFactor, points));
        return;
      }
      const keep = optimalFromBuckets(bucketsOf(counts), p, p.binNum);
      const merged = mergeCounts(counts.events, counts.nonEvents, keep);
      out.set(name, woeIv(merged, p.adjustmentFactor, keep.map((i) => points[i]!)));
    });
    return out;
  }
  const points = fitSplitPoints(data, cols, p, p.method, p.binNum);
  const counted = countBinsOf(data, cols.all, names.map((name) => points.get(name)!), labels);
  names.forEach((name, k) => out.set(name, woeIv(counted[k]!, p.adjustmentFactor, points.get(name)!)));
  return out;
}

function bucketsOf(counts: { events: readonly number[]; nonEvents: readonly number[] }): BucketCounts[] {
  return counts.events.map((e, i) => ({ events: e, nonEvents: counts.nonEvents[i]! }));
}

/** Sums the counts of the buckets up to and including each kept index (the kept split points' bins). */
export function mergeCounts(events: readonly number[], nonEvents: readonly number[], keep: readonly number[]): { events: number[]; nonEvents: number[] } {
  const e: number[] = [];
  const ne: number[] = [];
  let from = 0;
  for (const k of keep) {
    let se = 0;
    let sne = 0;
    for (let i = from; i <= k && i < events.length; i++) {
      se += events[i]!;
      sne += nonEvents[i]!;
    }
    e.push(se);
    ne.push(sne);
    from = k + 1;
  }
  return { events: e, nonEvents: ne };
}

function makeEncryptor(p: FeatureBinningParams): LabelEncryptor {
  return p.encryptMethod === null ? new PlaintextLabelCipherForTestsOnly() : new PaillierLabelEncryptor(p.keyLength, p.obfuscation);
}

export async function fitGuest(
  data: RowPieces,
  cols: BinColumns,
  p: FeatureBinningParams,
  self: PartyRef,
  hosts: readonly PartyRef[],
  ctx: ComponentContext,
): Promise<GuestFit> {
  // The labels alone (a stored table's values stay unread: its features are read a piece at a time).
  const labels = eventLabels(data.labels());
  if (p.localOnly || hosts.length === 0) {
    return { own: { role: 'guest', partyId: self.partyId, columns: ownColumns(data, labels, cols, p) }, hosts: [] };
  }
  const ids = data.keys();
  const encryptor = makeEncryptor(p);
  try {
    const payload: EncryptedLabels = { n: encryptor.publicN, ids: [...ids], labels: await encryptor.encryptLabels(labels) };
    ctx.signal.throwIfAborted();
    await ctx.federation.remote(ENCRYPTED_LABEL, TAG, payload, hosts);
    ctx.tracker.setProgress(30);
    // The guest's own columns while the hosts sum.
    const own = ownColumns(data, labels, cols, p);
    let totalEvents = 0;
    for (const y of labels) totalEvents += y;
    const hostResults: PartyResults[] = [];
    for (const host of hosts) {
      const sums = (await ctx.federation.get(ENCRYPTED_BIN_SUM, TAG, host)) as EncryptedBinSum;
      ctx.signal.throwIfAborted();
      hostResults.push(await hostColumns(sums, encryptor, p, host, totalEvents, ids.length - totalEvents, ctx));
    }
    return { own: { role: 'guest', partyId: self.partyId, columns: own }, hosts: hostResults };
  } finally {
    encryptor.close();
  }
}

async function hostColumns(
  sums: EncryptedBinSum,
  encryptor: LabelEncryptor,
  p: FeatureBinningParams,
  host: PartyRef,
  eventTotal: number,
  nonEventTotal: number,
  ctx: ComponentContext,
): Promise<PartyResults> {
  if (!sums || typeof sums !== 'object' || !sums.encrypted_bin_sum) throw new Error(`HeteroFeatureBinning: host ${host.partyId} sent no encrypted_bin_sum`);
  const columns = new Map<string, ColumnResult>();
  const category = new Set(sums.category_names ?? []);
  const bucketIdx: Record<string, number[]> = {};
  for (const [name, bins] of Object.entries(sums.encrypted_bin_sum)) {
    if (bins.events.length !== bins.sizes.length) throw new Error(`HeteroFeatureBinning: host ${host.partyId} sent ${bins.events.length} sums for ${bins.sizes.length} bins of ${name}`);
    const events = bins.events.map((c) => encryptor.decryptCount(c));
    events.forEach((e, i) => {
      if (!(e >= 0 && e <= bins.sizes[i]!)) throw new Error(`HeteroFeatureBinning: host ${host.partyId} sent an impossible count for ${name} (bin ${i}: ${e} events of ${bins.sizes[i]})`);
    });
    const nonEvents = events.map((e, i) => bins.sizes[i]! - e);
    if (sums.bin_method === 'optimal' && !category.has(name)) {
      const hostParams: FeatureBinningParams = {
        ...p,
        binNum: sums.optimal_params.bin_num,
        optimal: {
          ...p.optimal,
          metricMethod: sums.optimal_params.metric_method as FeatureBinningParams['optimal']['metricMethod'],
          mixture: sums.optimal_params.mixture,
          maxBinPct: sums.optimal_params.max_bin_pct,
          minBinPct: sums.optimal_params.min_bin_pct,
        },
      };
      const keep = optimalFromBuckets(events.map((e, i) => ({ events: e, nonEvents: nonEvents[i]! })), hostParams, hostParams.binNum, { eventTotal, nonEventTotal });
      bucketIdx[name] = keep;
      columns.set(name, woeIv(mergeCounts(events, nonEvents, keep), p.adjustmentFactor));
    } else {
      columns.set(name, woeIv({ events, nonEvents }, p.adjustmentFactor));
    }
  }
  if (sums.bin_method === 'optimal') await ctx.federation.remote(BUCKET_IDX, TAG, bucketIdx, [host]);
  return { role: 'host', partyId: host.partyId, columns };
}
