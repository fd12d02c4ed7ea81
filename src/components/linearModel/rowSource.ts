// HeteroLR's feature rows a range at a time (issue 17). A table the runtime hands over in memory is
// read through views of its own columns, as before. A big table read from its stored partitions
// (values not loaded yet: the computing API's `partitionedTableOf`) is never loaded whole: each mini-batch's
// rows are read from the partition files into the same few batch-sized buffers, step after step, and
// the final scores are computed a partition-sized piece at a time. At 10M rows the host's 20 features
// were 1.6 GB held for the whole fit (and the guest's 10, 0.8 GB): the node's peak was at HeteroLR.
// Reusing the buffers matters as much as not holding the table: every fresh ArrayBuffer counts as
// external memory, and each ~64 MB of it makes V8 mark the whole heap (millions of key strings).
//
// The values are the same doubles in the same order, so scores and models are bit for bit those of
// the in-memory path.
import { partitionedTableOf, type PartitionedTable } from '../../compute/compute.js';
import { PIECE_ROWS, type SizedRowBuffers } from '../../compute/pieces.js';
import type { InstanceColumns } from '../../tableData/columns.js';
import { rangeColumns } from './featureColumns.js';

export interface RowSource {
  readonly count: number;
  /**
   * True when a range's columns stay valid (views of the table's own columns): a caller may keep
   * them (and what it prepared from them) across steps. False: valid until the next call.
   */
  readonly stable: boolean;
  /** The labels (read once), undefined when the table has none. */
  readonly labels: Float64Array | undefined;
  /** The feature columns of rows [from, to), plus a column of ones when `intercept`. */
  range(from: number, to: number, intercept: boolean): Float64Array[];
  /** W·x of rows [from, to): featureColumns.ts's dotColumns sums over the feature columns, in its order. */
  dot(w: readonly number[], from: number, to: number): Float64Array;
}

const sources = new WeakMap<InstanceColumns, RowSource>();

/** The row source of a table's columns (one per columns object: buffers and labels are shared). */
export function rowSourceOf(columns: InstanceColumns): RowSource {
  let source = sources.get(columns);
  if (!source) {
    const stored = partitionedTableOf(columns);
    source = stored ? new StoredRowSource(stored) : new MemoryRowSource(columns);
    sources.set(columns, source);
  }
  return source;
}

/** Σ_j w_j·x_j per row, added column by column into `out` (zeroed), as dotColumns adds them. */
function addDots(out: Float64Array, w: readonly number[], features: readonly Float64Array[], n: number): void {
  for (let j = 0; j < features.length; j++) {
    const col = features[j]!;
    const wj = w[j]!;
    for (let i = 0; i < n; i++) out[i] += wj * col[i]!;
  }
}

class MemoryRowSource implements RowSource {
  readonly stable = true;
  constructor(private readonly columns: InstanceColumns) {}
  get count(): number {
    return this.columns.keys.length;
  }
  get labels(): Float64Array | undefined {
    return this.columns.labels;
  }
  range(from: number, to: number, intercept: boolean): Float64Array[] {
    return rangeColumns(this.columns.features, from, to, intercept);
  }
  dot(w: readonly number[], from: number, to: number): Float64Array {
    const out = new Float64Array(to - from);
    addDots(out, w, this.columns.features.map((c) => c.subarray(from, to)), to - from);
    return out;
  }
}

class StoredRowSource implements RowSource {
  readonly stable = false;
  private buffers: SizedRowBuffers | undefined;
  private ones = new Float64Array(0);
  private labelColumn: Float64Array | undefined | null = null;

  constructor(private readonly table: PartitionedTable) {}

  get count(): number {
    return this.table.count;
  }

  get labels(): Float64Array | undefined {
    if (this.labelColumn === null) this.labelColumn = this.table.labels();
    return this.labelColumn;
  }

  range(from: number, to: number, intercept: boolean): Float64Array[] {
    if (from < 0 || to > this.count || from > to) throw new Error(`HeteroLR: rows [${from}, ${to}) are outside the table's ${this.count}`);
    const n = to - from;
    this.buffers = this.table.rowBuffers(n, this.buffers);
    const { features } = this.table.rows(from, to, this.buffers);
    if (intercept) {
      if (this.ones.length < n) this.ones = new Float64Array(this.buffers.size).fill(1);
      features.push(this.ones.subarray(0, n));
    }
    return features;
  }

  dot(w: readonly number[], from: number, to: number): Float64Array {
    const out = new Float64Array(to - from);
    for (let a = from; a < to; a += PIECE_ROWS) {
      const b = Math.min(to, a + PIECE_ROWS);
      addDots(out.subarray(a - from, b - from), w, this.range(a, b, false), b - a);
    }
    return out;
  }
}
