// What HeteroFeatureBinning reads of its input table: the feature columns a piece of rows at a time,
// the labels and the keys. A big stored table (issue 17: lazily read columns, storedColumns.ts) is
// read through the computing API (compute.ts `partitionedTableOf`) a piece at a time into the same
// buffers, so its features are never whole in memory (10M rows × 20 features: 1.6 GB); a table in
// memory is one piece, its own columns. Fitting, counting and summing go through `forEachPiece`
// alike, so both give the same split points, counts and sums.
import { partitionedTableOf } from '../../compute/compute.js';
import { PIECE_ROWS } from '../../compute/pieces.js';
import { rowCountOf, type InstanceColumns } from '../../tableData/columns.js';

export interface RowPieces {
  /** Rows in the table. */
  readonly count: number;
  /** Feature columns per row. */
  readonly width: number;
  /** Whether the rows are read from storage a piece at a time (false: the columns are in memory). */
  readonly streamed: boolean;
  /**
   * Every row in order, a piece at a time: rows [from, from + length) with `features[c]` column c's
   * values of the piece (valid during the visit only: the next piece is read into the same buffers).
   */
  forEachPiece(visit: (from: number, features: readonly Float64Array[]) => void): void;
  /** The same, waiting for each visit before the next piece is read. */
  forEachPieceAsync(visit: (from: number, features: readonly Float64Array[]) => Promise<void>): Promise<void>;
  /** The labels, one per row (undefined when the table has none): one Float64Array, not the features. */
  labels(): Float64Array | undefined;
  /** The row keys (strings; a stored table's decoded on first use). */
  keys(): readonly string[];
}

/**
 * The table's rows as pieces: through the computing API for a big stored table (`pieceRows` rows a
 * piece), else its columns in memory as one piece.
 */
export function rowPiecesOf(columns: InstanceColumns, pieceRows?: number): RowPieces {
  const stored = partitionedTableOf(columns);
  if (!stored) {
    return {
      count: rowCountOf(columns),
      width: columns.features.length,
      streamed: false,
      forEachPiece: (visit) => visit(0, columns.features),
      forEachPieceAsync: (visit) => visit(0, columns.features),
      labels: () => columns.labels,
      keys: () => columns.keys,
    };
  }
  return {
    count: stored.count,
    width: stored.width,
    streamed: true,
    forEachPiece: (visit) => stored.forEachPiece((piece) => visit(piece.from, piece.features), pieceRows),
    forEachPieceAsync: async (visit) => {
      // compute.ts forEachPiece's loop, with a wait between pieces (the host's sums use helper threads).
      const size = Math.min(stored.count, pieceRows ?? PIECE_ROWS);
      const into = stored.rowBuffers(size);
      for (let from = 0; from < stored.count; from += size) {
        await visit(from, stored.rows(from, Math.min(stored.count, from + size), into).features);
      }
    },
    labels: () => stored.labels(),
    // The keys' strings only (columns.ts: reading `keys` does not load the values).
    keys: () => columns.keys,
  };
}
