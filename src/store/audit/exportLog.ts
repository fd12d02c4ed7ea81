// `fedflow events export`: the node's SQLite log (or the part a filter selects) as NDJSON
// (exportFormat.ts), in log order, with each event's hash and its predecessor's, the signed
// checkpoints and the digests of the tables the events refer to. It streams: rows are read one at a
// time from a read-only connection (a running node keeps writing through WAL) and written out at
// once, so memory stays flat whatever the log's size. The whole log is re-hashed on the way: an
// export is made only from an intact chain.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { ChainVerifier, GENESIS_HASH } from './chain.js';
import { hashAsHex, storedHashHex } from './storedHash.js';
import { checkpointSigner, type CheckpointSigner } from './checkpoint.js';
import { codeVersion } from './codeVersion.js';
import { checkpointLine, eventLine, EXPORT_FORMAT, EXPORT_VERSION, jsonLine, type ExportedTable, type StoredEventRow } from './exportFormat.js';
import { readCheckpoints } from './verifyLog.js';
import { concernsJob, matches, type LogFilter } from './logQuery.js';
import type { RecordedEvent } from '../eventStore.js';

/** Which events to export: the whole log, or a job with what it touched, or a filter. */
export type ExportSelection = LogFilter;

export interface ExportSummary {
  readonly events: number;
  readonly checkpoints: number;
  readonly tables: number;
  readonly scanned: number;
}

/** Where a table's rows live (tables dir), to digest them; absent: digests are left null. */
export type TableFiles = (location: string) => readonly string[];

/** The log is broken: nothing trustworthy can be exported from it. */
export class BrokenLogError extends Error {
  override readonly name = 'BrokenLogError';
}

/** A stored row as read; the hash in either stored form (storedHash.ts). */
type RawRow = [number, string, number, string, string, string, string, number, unknown];

const TABLE_EVENTS = new Set(['TableCreated', 'TableDataLoaded', 'TableDeleted']);

/**
 * Writes the export to `write` (one call per line; awaited, so a slow pipe applies backpressure).
 * Throws BrokenLogError when a stored hash does not fit (after the lines before it were written:
 * the export then has no end line, and replay refuses it).
 */
export async function exportEventLog(
  file: string,
  selection: ExportSelection,
  write: (line: string) => void | Promise<void>,
  o: { partyId?: string; tableFiles?: TableFiles; signer?: CheckpointSigner } = {},
): Promise<ExportSummary> {
  if (!existsSync(file)) throw new Error(`no event log at ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  // One read transaction: every pass and the checkpoints see the same log, however busy the node.
  db.exec('BEGIN');
  try {
    const checkpoints = readCheckpoints(db);
    const byPosition = new Map(checkpoints.map((c) => [Number(c.position), c]));
    const select = db.prepare(`SELECT position, stream_id, revision, event_id, type, data, metadata, created, ${hashAsHex(db)} FROM events ORDER BY position`).raw();
    const rows = () => select.iterate() as IterableIterator<RawRow>;
    const included = inclusion(selection, selection.jobId !== undefined ? jobStreams(rows(), selection.jobId) : undefined);
    await write(jsonLine({
      kind: 'header', format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: new Date().toISOString(),
      party_id: o.partyId ?? partyOfLog(db), code_version: codeVersion(), filter: describeSelection(selection),
    }));
    const verifier = new ChainVerifier();
    let previousHash = GENESIS_HASH;
    let events = 0;
    let written = 0;
    let lastWritten: { position: string; hash: string } | undefined;
    const tables = new Map<string, { namespace: string; name: string; location: string | null }>();
    for (const r of rows()) {
      const stored: StoredEventRow = { position: r[0], streamId: r[1], revision: r[2], eventId: r[3], type: r[4], data: r[5], metadata: r[6], created: r[7], hash: storedHashHex(r[8]) };
      verifier.push(stored, stored.hash);
      const broken = verifier.firstBreak;
      if (broken) throw new BrokenLogError(`the log is broken at position ${broken.position} (stream ${broken.streamId}, revision ${broken.revision}, ${broken.type}): ${broken.reason}; run fedflow audit verify`);
      // An event of the tail the node has not linked yet: exported with the hash it will get (a
      // hashless event followed by linked ones is a break, refused above at the next event).
      const row = stored.hash === null ? { ...stored, hash: verifier.headHash } : stored;
      if (included(row)) {
        await write(eventLine(row, previousHash));
        events += 1;
        lastWritten = { position: String(row.position), hash: row.hash! };
        if (TABLE_EVENTS.has(row.type)) noteTable(tables, row);
        const cp = byPosition.get(row.position);
        if (cp) {
          await write(checkpointLine(cp));
          written += 1;
        }
      }
      previousHash = row.hash!;
    }
    // The events after the log's last checkpoint are pinned by nothing: with the node's key at hand,
    // the exporter signs the last exported event now (a true statement: the chain had that head).
    if (o.signer && lastWritten && !byPosition.has(Number(lastWritten.position))) {
      await write(checkpointLine(checkpointSigner(o.signer)(BigInt(lastWritten.position), lastWritten.hash, Date.now())));
      written += 1;
    }
    for (const t of tables.values()) await write(jsonLine(tableDigest(t, o.tableFiles)));
    await write(jsonLine({ kind: 'end', events, checkpoints: written, head_position: lastWritten?.position ?? null, head_hash: lastWritten?.hash ?? null }));
    return { events, checkpoints: written, tables: tables.size, scanned: verifier.events };
  } finally {
    db.exec('COMMIT');
    db.close();
  }
}

/** The party the node's newest event names (cluster mode stamps it; a standalone node hosts every party: null). */
function partyOfLog(db: Database.Database): string | null {
  const row = db.prepare('SELECT metadata FROM events ORDER BY position DESC LIMIT 1').get() as { metadata: string } | undefined;
  const party = row ? (JSON.parse(row.metadata) as { partyId?: unknown }).partyId : undefined;
  return typeof party === 'string' ? party : null;
}

/** The filter as the header records it (JSON: positions as strings). */
function describeSelection(s: ExportSelection): Record<string, unknown> {
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown>;
}

function recorded(row: StoredEventRow): RecordedEvent {
  return {
    id: row.eventId, streamId: row.streamId, type: row.type, data: JSON.parse(row.data) as unknown, metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    revision: BigInt(row.revision), position: BigInt(row.position), created: row.created,
  };
}

/**
 * Whether a row is exported. The whole log needs no parsing; a filter parses each event. A job
 * export takes whole streams (the job's, and every stream of a table or model it touched) so that
 * the views rebuilt from it answer about those tables and models as the origin does.
 */
function inclusion(s: ExportSelection, streams: ReadonlySet<string> | undefined): (row: StoredEventRow) => boolean {
  const { jobId, ...rest } = s;
  const filtered = Object.values(rest).some((v) => v !== undefined);
  if (!streams && !filtered) return () => true;
  return (row) => {
    if (streams && !streams.has(row.streamId)) return false;
    return !filtered || matches(recorded(row), rest);
  };
}

/**
 * First pass of a job export: the streams holding the job's events, and the streams of the tables
 * its events name (input tables in its conf, tables it loaded or wrote).
 */
function jobStreams(rows: Iterable<RawRow>, jobId: string): Set<string> {
  const streams = new Set<string>();
  const tables = new Set<string>();
  for (const r of rows) {
    // Cheap test first: most events of a busy log mention another job.
    if (!r[1].includes(jobId) && !r[5].includes(jobId)) continue;
    const event = recorded({ position: r[0], streamId: r[1], revision: r[2], eventId: r[3], type: r[4], data: r[5], metadata: r[6], created: r[7], hash: storedHashHex(r[8]) });
    if (!concernsJob(event, jobId)) continue;
    streams.add(r[1]);
    collectTables(event.data, tables, 0);
  }
  for (const t of tables) streams.add(t);
  return streams;
}

/** Every `{namespace, name}` (or `table_name`) object inside an event's data, as a table stream id. */
function collectTables(value: unknown, into: Set<string>, depth: number): void {
  if (depth > 12 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collectTables(item, into, depth + 1);
    return;
  }
  const o = value as Record<string, unknown>;
  const name = typeof o.name === 'string' ? o.name : typeof o.table_name === 'string' ? o.table_name : undefined;
  if (typeof o.namespace === 'string' && name !== undefined) into.add(`table-${encodeURIComponent(o.namespace)}/${encodeURIComponent(name)}`);
  for (const v of Object.values(o)) collectTables(v, into, depth + 1);
}

function noteTable(tables: Map<string, { namespace: string; name: string; location: string | null }>, row: StoredEventRow): void {
  const data = JSON.parse(row.data) as { namespace: string; name: string; location?: string };
  const entry = tables.get(row.streamId) ?? { namespace: data.namespace, name: data.name, location: null };
  if (row.type === 'TableDataLoaded') entry.location = data.location ?? null;
  if (row.type === 'TableDeleted') entry.location = null;
  tables.set(row.streamId, entry);
}

function tableDigest(t: { namespace: string; name: string; location: string | null }, files: TableFiles | undefined): ExportedTable {
  const paths = t.location && files ? files(t.location).filter((p) => existsSync(p)) : [];
  if (!t.location || paths.length === 0) return { kind: 'table', namespace: t.namespace, name: t.name, location: t.location, sha256: null, bytes: null };
  const hash = createHash('sha256');
  let bytes = 0;
  for (const p of paths) {
    bytes += statSync(p).size;
    hashFileInto(hash, p);
  }
  return { kind: 'table', namespace: t.namespace, name: t.name, location: t.location, sha256: hash.digest('hex'), bytes };
}

/** Feeds a file to a hash in 1 MiB reads (a table may be large; memory stays flat). */
function hashFileInto(hash: ReturnType<typeof createHash>, path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}
