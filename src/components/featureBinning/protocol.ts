// What crosses the federation in HeteroFeatureBinning, named like FATE 1.4.5's
// HeteroFeatureBinningTransferVariable. The guest sends hosts only ciphertexts of its labels (with the
// row ids both already share after intersection); a host sends back, per column and bin, only an
// encrypted event count and the bin's size, under anonymous column names `host.<index>` — never a
// split point, a raw value or a row's bin. Optimal binning adds one message back: which of the host's
// own buckets to keep as split points (bucket indexes, not values).
import type { Ct } from './labelCipher.js';

export const PREFIX = 'HeteroFeatureBinningTransferVariable.';
export const ENCRYPTED_LABEL = `${PREFIX}encrypted_label`;
export const ENCRYPTED_BIN_SUM = `${PREFIX}encrypted_bin_sum`;
export const BUCKET_IDX = `${PREFIX}bucket_idx`;
export const TAG = 'fit';

/** guest → hosts `encrypted_label`. */
export interface EncryptedLabels {
  /** The Paillier modulus (null: plaintext test mode). */
  n: bigint | null;
  ids: string[];
  /** [[y]] per id, y = 1 for an event, 0 otherwise. */
  labels: Ct[];
}

/** One host column's bins as the guest receives them. */
export interface EncryptedBins {
  /** [[Σ y]] per bin, re-randomised. */
  events: Ct[];
  /** Rows per bin. */
  sizes: number[];
}

/** host → guest `encrypted_bin_sum`. */
export interface EncryptedBinSum {
  /** By anonymous column name `host.<header index>`, in the host's binning order. */
  encrypted_bin_sum: Record<string, EncryptedBins>;
  category_names: string[];
  bin_method: string;
  optimal_params: {
    metric_method: string;
    bin_num: number;
    mixture: boolean;
    max_bin_pct: number;
    min_bin_pct: number;
  };
}

/** guest → host `bucket_idx` (optimal binning): per anonymous column, the bucket indexes whose split points stay. */
export type BucketIdx = Record<string, number[]>;

/** FATE's anonymous name of a host column: `host.<index in the host's header>`. */
export const anonymousName = (index: number): string => `host.${index}`;

export function anonymousIndex(name: string): number {
  const m = /^host\.(\d+)$/.exec(name);
  if (!m) throw new Error(`HeteroFeatureBinning: ${JSON.stringify(name)} is not an anonymous host column name`);
  return Number(m[1]);
}
