// One party's binning results as FATE's FeatureBinningResult holds them: a ColumnResult per column
// name (in binning order), the party's role and id.
import type { ColumnResult } from './woe.js';

export interface PartyResults {
  readonly role: string;
  readonly partyId: string;
  readonly columns: Map<string, ColumnResult>;
}
