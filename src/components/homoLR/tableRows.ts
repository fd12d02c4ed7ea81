// HomoLR's rows a piece at a time (issue 17), as HeteroLR's rowSource.ts: a table the runtime hands
// over in memory is read through views of its own columns (a row table converted once, as before);
// a big stored table (values unread: the computing API's `partitionedTableOf`) is never loaded whole —
// each range of rows is read from its partition files into the same few piece-sized buffers, range
// after range. Callers go through a range in pieces of at most PIECE_ROWS rows (`forEachPiece`), so a
// mini-batch of any size (batch_size -1: every row) holds at most one piece of features at a time.
//
// The values are the same doubles in the same order, so every sum taken over the pieces in row order
// is the number the whole columns gave.
import { partitionedTableOf, type PartitionedTable } from '../../compute/compute.js';
import { PIECE_ROWS, type SizedRowBuffers } from '../../compute/pieces.js';
import { type InstanceColumns, rowCountOf } from '../../tableData/columns.js';

export interface TableRows {
  readonly count: number;
  /** True: views of columns in memory (the labels() are the table's own); false: read from storage. */
  readonly inMemory: boolean;
  /** The rows' keys (a stored table's decoded on first use). */
  readonly keys: readonly string[];
  /** Feature columns per row (in the order asked for). */
  readonly width: number;
  /** Whether the table has a label column. */
  readonly labelled: boolean;
  /** The labels alone (a stored table's read without its features); undefined when unlabelled. */
  labels(): Float64Array | undefined;
  /**
   * Rows [from, to)'s feature columns (in the order asked for) and labels: views, valid until the next
   * call (a stored table's are read into reused buffers).
   */
  range(from: number, to: number): { features: readonly Float64Array[]; labels?: Float64Array };
}

/**
 * The rows of instance columns, their features picked in `order` (a model's header order: indexes
 * into the columns; all of them in their order when undefined).
 */
export function tableRowsOf(columns: InstanceColumns, order?: readonly number[]): TableRows {
  const stored = partitionedTableOf(columns);
  return stored ? new StoredRows(stored, columns, order) : new MemoryRows(columns, order);
}

/**
 * Rows per piece: the computing API's (128Ki rows: 20 features in 21 MB of buffers). Tests make it
 * small, so that a table of a few hundred rows crosses piece boundaries inside batches.
 */
export const pieceSize = { rows: PIECE_ROWS };

/** Visits rows [from, to) in pieces of at most pieceSize.rows rows, in order: (first row, row count, features, labels). */
export function forEachPiece(
  rows: TableRows, from: number, to: number,
  visit: (start: number, count: number, features: readonly Float64Array[], labels: Float64Array | undefined) => void,
): void {
  const size = pieceSize.rows;
  for (let start = from; start < to; start += size) {
    const end = Math.min(to, start + size);
    const { features, labels } = rows.range(start, end);
    visit(start, end - start, features, labels);
  }
}

/** What both kinds of rows read from the instance columns alone (a stored table's too). */
abstract class ColumnRows {
  constructor(
    protected readonly columns: InstanceColumns,
    protected readonly order: readonly number[] | undefined,
  ) {}
  get count(): number {
    return rowCountOf(this.columns);
  }
  get keys(): readonly string[] {
    return this.columns.keys;
  }
}

class MemoryRows extends ColumnRows implements TableRows {
  readonly inMemory = true;
  get width(): number {
    return this.order?.length ?? this.columns.features.length;
  }
  get labelled(): boolean {
    return this.columns.labels !== undefined;
  }
  labels(): Float64Array | undefined {
    return this.columns.labels;
  }
  range(from: number, to: number): { features: readonly Float64Array[]; labels?: Float64Array } {
    const all = this.columns.features;
    const picked = this.order ? this.order.map((j) => all[j]!) : all;
    const labels = this.columns.labels?.subarray(from, to);
    return { features: picked.map((c) => c.subarray(from, to)), ...(labels ? { labels } : {}) };
  }
}

class StoredRows extends ColumnRows implements TableRows {
  readonly inMemory = false;
  private buffers: SizedRowBuffers | undefined;

  constructor(
    private readonly table: PartitionedTable,
    columns: InstanceColumns,
    order: readonly number[] | undefined,
  ) {
    super(columns, order);
  }

  get width(): number {
    return this.order?.length ?? this.table.width;
  }
  get labelled(): boolean {
    return this.table.labelled;
  }
  labels(): Float64Array | undefined {
    return this.table.labels();
  }
  range(from: number, to: number): { features: readonly Float64Array[]; labels?: Float64Array } {
    this.buffers = this.table.rowBuffers(to - from, this.buffers);
    const read = this.table.rows(from, to, this.buffers);
    const features = this.order ? this.order.map((j) => read.features[j]!) : read.features;
    return { features, ...(read.labels ? { labels: read.labels } : {}) };
  }
}
