// An uploaded table's lines without a row tuple per line (issue 17): the keys and the rest of each
// line in two arrays. The runtime loads a big upload this way and DataIO parses the lines straight
// into columns; any other reader of the table gets its `rows` built on first use, as before.
//
// The lines may come as UTF-8 bytes instead of strings (`LineBytes`): one buffer and each line's
// byte range, read from storage without a JS string per line. A reader that can parse bytes (DataIO's
// dense reader) uses them; `lines` is then decoded on first use, line by line, for any other reader.
import type { DataTable, Schema } from './dataTable.js';

/** Lines as UTF-8 bytes: line r (in key order) is `bytes.subarray(start[r], end[r])`. */
export interface LineBytes {
  readonly bytes: Uint8Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
}

/**
 * A piece of the lines in storage order (not key order): line i is `bytes.subarray(start[i],
 * end[i])` and is row `row[i]` of the table (its key's position). Valid only during the visit.
 */
export interface LineChunk {
  readonly bytes: Uint8Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly row: Int32Array;
  readonly count: number;
}

/**
 * The lines streamed from storage in pieces, every call a new pass, in storage order: an upload in
 * format 2 or 3 (store/tables/lineFile.ts: through one reused 4 MiB buffer) or in format 1
 * (uploadLines.ts: a SQLite chunk of rows at a time). A reader that puts each line at its row
 * needs no buffer of the whole table (at 1M rows its 135 MB of fresh memory cost ~0.7 s here).
 * A pass throws when storage cannot vouch for the lines (the reader then falls back on `lines`).
 */
export interface LineChunks {
  forEach(visit: (chunk: LineChunk) => void): void;
}

/**
 * The lines cut into ranges of key positions (issue 17): range i is the lines of rows
 * [bounds[i], bounds[i + 1]), given in key order, so a reader makes a table's output partitions one
 * at a time from the lines of each. Storage sorts the lines into their ranges in one pass and keeps
 * them aside (not in memory) until asked.
 */
export interface LineRanges {
  /**
   * Range i's lines as bytes, line r of the range (row bounds[i] + r) at bytes[start[r], end[r]): valid until the next call.
   * Once every range was read without `again`, the ranges free themselves; `again` says this read is
   * not the last of range i (DataIO's fit passes before the writer's: dataio/streamedFill.ts).
   */
  lines(i: number, again?: boolean): LineBytes;
  /**
   * Where range i's lines are, for a reader on another thread of this process (store/tables/
   * lineRanges.ts `readLinePlace`: the scratch file's descriptor is the process's): not a read, so
   * the ranges stay open until `close`, which must wait for that reader.
   */
  place?(i: number): LinePlace;
  /** Frees what the ranges hold (a later call of `lines` is an error). */
  close(): void;
}

/** Range i of LineRanges as another thread reads it: extents of a file open in this process and the tail kept in memory (a copy). */
export interface LinePlace {
  readonly fd: number;
  /** Offset, length, offset, length, … in the file. */
  readonly spans: readonly number[];
  readonly tail: Uint8Array;
  readonly rows: number;
  readonly range: number;
}

export interface RawLines {
  readonly keys: readonly string[];
  /** The line after the id, as uploaded (delimiter-joined cells). */
  readonly lines: readonly string[];
  /** The same lines as bytes, when storage gave bytes (then `lines` is decoded on first use). */
  readonly bytes?: LineBytes;
  /**
   * The same lines in storage order a chunk at a time, read again from storage at each pass (issue
   * 17: a reader that parses each line into its place never holds the table's text); then `bytes`
   * and `lines` read the whole text once, on first use.
   */
  readonly chunks?: LineChunks;
  /** The lines by ranges of rows (see LineRanges), when storage can sort them aside. */
  readonly ranges?: (bounds: readonly number[]) => LineRanges;
}

const RAW = new WeakMap<object, RawLines>();

/** A DataTable of upload lines backed by `raw`: `rows` built on first use. */
export function rawLinesTable(schema: Schema, raw: RawLines): DataTable<string> {
  let rows: [string, string][] | undefined;
  const table = {
    schema,
    get rows(): [string, string][] {
      if (!rows) {
        const n = raw.keys.length;
        const lines = raw.lines;
        rows = new Array<[string, string]>(n);
        for (let r = 0; r < n; r++) rows[r] = [raw.keys[r]!, lines[r]!];
      }
      return rows;
    },
  };
  RAW.set(table, raw);
  return table;
}

// ignoreBOM: a line that starts with U+FEFF keeps it (the decoder would strip it otherwise).
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** RawLines over bytes: `lines` decoded once, on first use (a reader of bytes never pays for it). */
export function rawLinesFromBytes(keys: readonly string[], bytes: LineBytes): RawLines {
  if (bytes.start.length !== keys.length || bytes.end.length !== keys.length) {
    throw new Error(`line bytes: ${bytes.start.length} starts and ${bytes.end.length} ends for ${keys.length} keys`);
  }
  let lines: string[] | undefined;
  return {
    keys,
    bytes,
    get lines(): readonly string[] {
      if (!lines) {
        const n = keys.length;
        lines = new Array<string>(n);
        for (let r = 0; r < n; r++) lines[r] = utf8.decode(bytes.bytes.subarray(bytes.start[r]!, bytes.end[r]!));
      }
      return lines;
    },
  };
}

/**
 * RawLines over streamed lines (one type for both upload formats): the keys now, the lines a chunk
 * at a time at each `chunks.forEach`, and the whole text (`whole`, read once, on first use) only for
 * a reader that asks for `bytes` or `lines`.
 */
export function rawLinesFromStream(keys: readonly string[], chunks: LineChunks, whole: () => RawLines, ranges?: (bounds: readonly number[]) => LineRanges): RawLines {
  let all: RawLines | undefined;
  return {
    keys,
    chunks,
    ...(ranges ? { ranges } : {}),
    get bytes(): LineBytes | undefined {
      return (all ??= whole()).bytes;
    },
    get lines(): readonly string[] {
      return (all ??= whole()).lines;
    },
  };
}

/** The lines a table was loaded as (rawLinesTable), without building anything; else undefined. */
export function rawLinesIfAny(table: DataTable): RawLines | undefined {
  return RAW.get(table);
}

/** The table's lines: its own when it was loaded as lines, else taken from its rows (values as text). */
export function rawLinesOf(table: DataTable): RawLines {
  const own = RAW.get(table);
  if (own) return own;
  const rows = table.rows;
  const n = rows.length;
  const keys = new Array<string>(n);
  const lines = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    keys[r] = rows[r]![0];
    lines[r] = String(rows[r]![1]);
  }
  return { keys, lines };
}
