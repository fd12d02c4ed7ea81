// The computing API over partitioned columnar tables (issue 17), the one way components read a
// stored table without loading it whole:
// - in the calling thread (components already run on their party's own worker thread): the rows a
//   range or a piece at a time into reused buffers (`rows`, `forEachPiece`, pieces.ts) and exact
//   nearest-rank quantiles in a few streamed passes (`nearestRankQuantiles`, rankSelect.ts), the keys
//   packed in one string (`packedKeys`) and some rows kept unread (`take`: the output writer copies
//   them file to file), what Intersection reads and keeps of a big table;
// - on worker threads: map a kernel over the partitions and the operations built on it — aggregate
//   (column statistics, label counts), exact quantiles (sorted partitions merged), a reproducible
//   sample, a join by key, a bounded collect.
// Every operation streams: one partition at a time is read and a small result kept, so a table of
// ten million rows never becomes ten million row objects.
//
// Threads: min(threads, partitions) workers per call (default: the cores), partitions dealt round
// robin; a table of one partition runs in the calling thread (a worker's start, ~30 ms, would cost
// more than it saves).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { keysUnread, STORED_ROWS, takeUnloaded, unreadKeysPacked, type InstanceColumns } from '../tableData/columns.js';
import type { PackedStrings } from '../tableData/packedIds.js';
import { partitionRows, type ColumnarMeta } from '../store/tables/columnarTable.js';
import { compareUtf8 } from '../store/tables/packedTable.js';
import { storedColumns } from '../store/tables/storedColumns.js';
import { KERNELS, emptyStats, metaOf, readPartition, tableDir, type ColumnStats, type KernelArgs, type KernelName, type KernelResult, type TableRef } from './partitions.js';
import type { PartitionJob, PartitionMessage } from './partitionWorker.js';
import { forEachPiece, readStoredLabels, readStoredRows, rowBuffers, type Piece, type SizedRowBuffers, type StoredRowsBuffers, type StoredRows } from './pieces.js';
import { nearestRankQuantiles } from './rankSelect.js';

const ENTRY = new URL('./partitionWorker.js', import.meta.url);

export interface ComputeOptions {
  /** Worker threads per call (default: the machine's cores). */
  readonly threads?: number;
}

/**
 * The partitioned table behind columns whose values the runtime reads lazily from storage
 * (storedColumns.ts; columns.ts `STORED_ROWS`) while they are unread; undefined for any other columns
 * (then they are in memory: use them).
 */
export function partitionedTableOf(columns: InstanceColumns, options: ComputeOptions = {}): PartitionedTable | undefined {
  const source = (columns as { [STORED_ROWS]?: () => StoredRows | undefined })[STORED_ROWS]?.();
  return source && new PartitionedTable(source, options, columns);
}

export class PartitionedTable {
  readonly meta: ColumnarMeta;
  private readonly source: StoredRows;

  /**
   * A whole table of the store (`TableRef`), or stored rows as lazily read columns hold them: a
   * table, perhaps some of its rows (ascending) and a map applied to each piece read. `columns`: those
   * lazily read columns ({@link partitionedTableOf}), whose keys `packedKeys` and `take` read or
   * carry over (a whole table gets its own on first use).
   */
  constructor(
    table: TableRef | StoredRows,
    private readonly options: ComputeOptions = {},
    private columns?: InstanceColumns,
  ) {
    this.source = 'dir' in table ? table : { dir: tableDir(table), meta: metaOf(table), rows: undefined };
    this.meta = this.source.meta;
  }

  get partitions(): number {
    return this.meta.partitionRows.length;
  }

  get count(): number {
    return this.source.rows ? this.source.rows.length : this.meta.count;
  }

  /** Feature columns per row (an instances table). */
  get width(): number {
    return this.meta.width ?? 0;
  }

  get labelled(): boolean {
    return this.meta.labelled === true;
  }

  /** Rows [from, to): features and labels, into `into`'s arrays when given (views of their first to − from values). */
  rows(from: number, to: number, into?: StoredRowsBuffers): { features: Float64Array[]; labels?: Float64Array } {
    if (from < 0 || to > this.count || from > to) throw new Error(`rows [${from}, ${to}) are outside the table's ${this.count}`);
    return readStoredRows(this.source, from, to, into);
  }

  /** Buffers `rows` can read `n` rows of this table into: `held` when big enough (pieces.ts rowBuffers). */
  rowBuffers(n: number, held?: SizedRowBuffers): SizedRowBuffers {
    return rowBuffers(this.width, this.labelled, n, held);
  }

  /** The labels alone (undefined when the table has none). */
  labels(): Float64Array | undefined {
    return readStoredLabels(this.source);
  }

  /** Every row in order, a piece at a time in this thread, each read into the same buffers (`visit` must not keep them). */
  forEachPiece(visit: (piece: Piece) => void, pieceRows?: number): void {
    forEachPiece(this.source, visit, pieceRows);
  }

  /**
   * Exact nearest-rank quantiles of feature columns, as columnStats.ts `nearestRankQuantiles` gives
   * them over the columns in memory (signed zeros included), in a few passes over the pieces: for
   * each column, its value at each `qs` (0 when the column has no non-NaN value).
   */
  nearestRankQuantiles(columns: readonly number[], qs: readonly number[]): number[][] {
    return nearestRankQuantiles((visit) => this.forEachPiece((piece) => visit(piece.features)), columns, qs);
  }

  /**
   * The keys (at the table's rows) as one string joined by '\n' and their count (packedIds.ts), made
   * without a string per key (the raw Intersection compares and sends its own ids so, issue 17);
   * undefined once the keys were read as strings, when a key holds a '\n' or there are none.
   */
  packedKeys(): PackedStrings | undefined {
    return unreadKeysPacked(this.lazyColumns());
  }

  /**
   * The rows at `indexes` (strictly ascending) as columns still unread: a table behind them too, and
   * the output writer copies them from this table's files to the output's, keys included (issue 17,
   * Intersection's kept rows). Undefined once the values were read (then take them from the columns
   * in memory). Only on a task's own input (columns.ts `consumableColumns`).
   */
  take(indexes: Int32Array): InstanceColumns | undefined {
    return takeUnloaded(this.lazyColumns(), indexes);
  }

  /**
   * Whether the keys were never made strings (the writer then copies their bytes): a reader that
   * would make them only to note something about them skips it.
   */
  keysUnread(): boolean {
    return keysUnread(this.lazyColumns());
  }

  /** The lazily read columns this table stands behind: the ones it was made from, else a whole table's. */
  private lazyColumns(): InstanceColumns {
    if (!this.columns && !this.source.rows && !this.source.mapFeatures) this.columns = storedColumns(this.source.dir);
    if (!this.columns) throw new Error('keys and unread rows are read from an instances table, or the lazily read columns of one');
    return this.columns;
  }

  /** The kernel's result for every partition, in partition order. */
  async map<K extends KernelName>(kernel: K, ...args: KernelArgs<K>): Promise<KernelResult<K>[]> {
    const dir = this.wholeTableDir();
    const n = this.partitions;
    const threads = Math.max(1, Math.min(this.options.threads ?? availableParallelism(), n));
    if (threads === 1 || n === 1) {
      const f = KERNELS[kernel] as (...a: unknown[]) => KernelResult<K>;
      return Array.from({ length: n }, (_, p) => f(readPartition(dir, this.meta, p), p, ...args));
    }
    const results = new Array<KernelResult<K>>(n);
    await Promise.all(
      Array.from({ length: threads }, (_, w) => {
        const partitions = Array.from({ length: n }, (_, p) => p).filter((p) => p % threads === w);
        return runWorker({ dir, kernel, args, partitions }, (p, r) => (results[p] = r as KernelResult<K>));
      }),
    );
    return results;
  }

  /** The table's directory when its partitions are its rows (kernels read whole partitions, unmapped). */
  private wholeTableDir(): string {
    if (this.source.rows || this.source.mapFeatures) throw new Error('partition kernels run over a whole stored table, not some of its rows or mapped values');
    return this.source.dir;
  }

  /** Column statistics of every feature column (a map, then a reduce of the partials). */
  async columnStats(): Promise<ColumnStats> {
    const partials = await this.map('columnStats');
    const out = emptyStats(this.meta.width ?? 0);
    for (const s of partials) {
      for (let c = 0; c < out.count.length; c++) {
        out.count[c] += s.count[c]!;
        out.sum[c] += s.sum[c]!;
        out.sumSq[c] += s.sumSq[c]!;
        out.min[c] = Math.min(out.min[c]!, s.min[c]!);
        out.max[c] = Math.max(out.max[c]!, s.max[c]!);
      }
    }
    return out;
  }

  /** Counts of each label value (a labelled table). */
  async labelCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const part of await this.map('labelCounts')) for (const [k, v] of Object.entries(part)) out[k] = (out[k] ?? 0) + v;
    return out;
  }

  /**
   * Exact quantiles of a feature column (NaN cells skipped), numpy's 'lower' method: the value at rank
   * ⌊q·(n−1)⌋. Each worker sorts its partitions' column; the sorted runs are merged here, holding
   * one Float64Array per partition (8 bytes a row), never row objects.
   */
  async quantiles(column: number, qs: readonly number[]): Promise<number[]> {
    const runs = await this.map('sortedColumn', column);
    const total = runs.reduce((n, r) => n + r.length, 0);
    if (total === 0) return qs.map(() => NaN);
    const ranks = qs.map((q) => {
      if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is not in [0, 1]`);
      return Math.floor(q * (total - 1));
    });
    const wanted = [...new Set(ranks)].sort((a, b) => a - b);
    const found = new Map<number, number>();
    const at = new Array<number>(runs.length).fill(0);
    for (let rank = 0, next = 0; next < wanted.length; rank++) {
      let best = -1;
      for (let r = 0; r < runs.length; r++) if (at[r]! < runs[r]!.length && (best < 0 || runs[r]![at[r]!]! < runs[best]![at[best]!]!)) best = r;
      const value = runs[best]![at[best]!++]!;
      while (next < wanted.length && wanted[next] === rank) found.set(wanted[next++]!, value);
    }
    return ranks.map((r) => found.get(r)!);
  }

  /** A Bernoulli sample of the keys (each kept with probability `fraction`), the same for the same seed. */
  async sampleKeys(fraction: number, seed: number): Promise<string[]> {
    if (!(fraction >= 0 && fraction <= 1)) throw new Error(`sample fraction ${fraction} is not in [0, 1]`);
    return (await this.map('sampleKeys', fraction, seed)).flat();
  }

  /** The keys of this table that are also in `other` (an inner join on the key), in key order. */
  async joinKeys(other: readonly string[]): Promise<string[]> {
    const sorted = isSorted(other) ? other : [...other].sort(compareUtf8);
    return (await this.map('keysIn', sorted)).flat();
  }

  /** At most `limit` rows from the start of the table (key order), read a partition at a time. */
  collect(limit: number): [string, unknown][] {
    if (!(limit >= 0)) throw new Error(`collect needs a limit >= 0, got ${limit}`);
    const out: [string, unknown][] = [];
    const dir = this.wholeTableDir();
    for (let p = 0; p < this.partitions && out.length < limit; p++) {
      for (const row of partitionRows(this.meta, readPartition(dir, this.meta, p), limit - out.length)) out.push(row);
    }
    return out;
  }
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareUtf8(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

function runWorker(job: PartitionJob, onResult: (partition: number, result: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: job });
    let failed: Error | undefined;
    worker.on('message', (m: PartitionMessage) => {
      if (m.type === 'result') onResult(m.partition, m.result);
      else failed = new Error(m.message);
    });
    worker.on('error', (e) => (failed ??= e));
    worker.on('exit', (code) => {
      if (failed) reject(failed);
      else if (code !== 0) reject(new Error(`partition worker exited with ${code}`));
      else resolve();
    });
  });
}
