// One party's binning results as FATE's FeatureBinningResult holds them: a ColumnResult per column
// name (in binning order), the party's role and id.
import type { ColumnResult } from './woe.js';

export interface PartyResults {
  readonly role: string;
  readonly partyId: string;
  readonly columns: Map<string, ColumnResult>;
}

/** A column with split points only (a host's own view of its columns, or a column without labels). */
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
    binAnonymous: splitPoints.map((_, i) => `bin_${i}`),
  };
}
