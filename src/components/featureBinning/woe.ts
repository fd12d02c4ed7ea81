// WOE and IV of one column from its per-bin event / non-event counts (FATE 1.4.5 base_binning.woe_1d and
// bin_result.BinColResults). A bin without events or without non-events gets `adjustment_factor` added
// to both counts so its WOE stays finite; totals of 0 count as 1.

/** One column's result, shaped like FATE's IVParam (proto JSON names). */
export interface ColumnResult {
  woeArray: number[];
  ivArray: number[];
  eventCountArray: number[];
  nonEventCountArray: number[];
  eventRateArray: number[];
  nonEventRateArray: number[];
  splitPoints: number[];
  iv: number;
  isWoeMonotonic: boolean;
  binNums: number;
  binAnonymous: string[];
}

/** A column with split points only (a host's own view of its columns, a column without labels; where woeIv starts). */
export function splitPointsOnly(splitPoints: readonly number[]): ColumnResult {
  return {
    woeArray: [],
    ivArray: [],
    eventCountArray: [],
    nonEventCountArray: [],
    eventRateArray: [],
    nonEventRateArray: [],
    splitPoints: [...splitPoints],
    iv: 0,
    isWoeMonotonic: true,
    binNums: 0,
    // FATE names bins bin_0.. only where the split points are known (never for a host's columns at the guest).
    binAnonymous: splitPoints.map((_, i) => `bin_${i}`),
  };
}

export interface BinCounts {
  readonly events: readonly number[];
  readonly nonEvents: readonly number[];
}

export function isMonotonic(woe: readonly number[]): boolean {
  if (woe.length <= 1) return true;
  let up = true;
  let down = true;
  for (let i = 1; i < woe.length; i++) {
    if (woe[i - 1]! > woe[i]!) up = false;
    if (woe[i - 1]! < woe[i]!) down = false;
  }
  return up || down;
}

export function woeIv(counts: BinCounts, adjustmentFactor: number, splitPoints: readonly number[] = []): ColumnResult {
  const { events, nonEvents } = counts;
  let eventTotal = 0;
  let nonEventTotal = 0;
  for (let i = 0; i < events.length; i++) {
    eventTotal += events[i]!;
    nonEventTotal += nonEvents[i]!;
  }
  if (eventTotal === 0) eventTotal = 1;
  if (nonEventTotal === 0) nonEventTotal = 1;
  const r = splitPointsOnly(splitPoints);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const ne = nonEvents[i]!;
    const adjusted = e === 0 || ne === 0;
    const eventRate = adjusted ? (e + adjustmentFactor) / eventTotal : e / eventTotal;
    const nonEventRate = adjusted ? (ne + adjustmentFactor) / nonEventTotal : ne / nonEventTotal;
    const woe = Math.log(eventRate / nonEventRate);
    const iv = (eventRate - nonEventRate) * woe;
    r.woeArray.push(woe);
    r.ivArray.push(iv);
    r.eventCountArray.push(e);
    r.nonEventCountArray.push(ne);
    r.eventRateArray.push(eventRate);
    r.nonEventRateArray.push(nonEventRate);
    r.iv += iv;
  }
  r.isWoeMonotonic = isMonotonic(r.woeArray);
  r.binNums = r.woeArray.length;
  return r;
}

/**
 * Per-bin counts of one column in the clear: bins up to the highest one seen (FATE's
 * add_label_in_partition grows the list only as far as a row reaches).
 */
export function countBins(binOfRow: Int32Array, labels: ArrayLike<number>): BinCounts {
  let top = -1;
  for (let i = 0; i < binOfRow.length; i++) if (binOfRow[i]! > top) top = binOfRow[i]!;
  const events = new Array<number>(top + 1).fill(0);
  const nonEvents = new Array<number>(top + 1).fill(0);
  for (let i = 0; i < binOfRow.length; i++) {
    const b = binOfRow[i]!;
    if (labels[i] === 1) events[b] = events[b]! + 1;
    else nonEvents[b] = nonEvents[b]! + 1;
  }
  return { events, nonEvents };
}
