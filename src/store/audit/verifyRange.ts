// One range of positions of a SQLite event log checked against the chain (verifyLog.ts): the
// whole log on one thread, or one slice per worker thread. Every event is checked against its
// stored predecessor, so slices need nothing from each other but the event just before them.
import type { Database } from 'better-sqlite3';
import { ChainVerifier, type ChainBreak } from './chain.js';
import { hashAsHex, storedHashHex } from './storedHash.js';

export interface RangeResult {
  readonly events: number;
  readonly breaks: ChainBreak[];
  /** Stored hashes at the checkpointed positions inside the range. */
  readonly checkpointHashes: [number, string][];
  readonly lastPosition: number | null;
  readonly headHash: string;
  /** Holes of a replayed excerpt met in the range (declared, so not breaks). */
  readonly declaredGaps: number;
  /** Events at the range's end without a stored hash, and the first of them (ChainVerifier.unlinked). */
  readonly unlinked: number;
  readonly firstUnlinked?: ChainBreak;
}

/** The hash in either stored form (storedHash.ts). */
type RawRow = [number, string, number, string, string, string, string, number, unknown];


/** Positions from..to (inclusive; to = null: to the end). */
export function verifyRange(db: Database, from: number, to: number | null, checkpointPositions: readonly number[], excerpt?: ReadonlyMap<number, string>): RangeResult {
  const hash = hashAsHex(db);
  const COLUMNS = `position, stream_id, revision, event_id, type, data, metadata, created, ${hash}`;
  const row = from > 1 ? (db.prepare(`SELECT position, ${hash} FROM events WHERE position < ? ORDER BY position DESC LIMIT 1`).get(from) as { position: number; hash: unknown } | undefined) : undefined;
  const before = row ? { position: row.position, hash: storedHashHex(row.hash) } : undefined;
  const verifier = new ChainVerifier(checkpointPositions.filter((p) => p >= from && (to === null || p <= to)).map(BigInt), { excerpt, after: before });
  const rows = to === null
    ? db.prepare(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position`).raw().bind(from)
    : db.prepare(`SELECT ${COLUMNS} FROM events WHERE position BETWEEN ? AND ? ORDER BY position`).raw().bind(from, to);
  for (const r of rows.iterate() as IterableIterator<RawRow>) {
    verifier.push({ position: r[0], streamId: r[1], revision: r[2], eventId: r[3], type: r[4], data: r[5], metadata: r[6], created: r[7] }, storedHashHex(r[8]));
  }
  const last = verifier.lastPosition;
  return {
    events: verifier.events,
    breaks: verifier.breaks,
    checkpointHashes: verifier.checkpointHashes(),
    lastPosition: last === undefined || verifier.events === 0 ? null : Number(last),
    headHash: verifier.headHash,
    declaredGaps: verifier.declaredGaps,
    unlinked: verifier.unlinked,
    ...(verifier.firstUnlinked ? { firstUnlinked: verifier.firstUnlinked } : {}),
  };
}

/** The holes a replayed excerpt declares (table chain_excerpt, written by fedflow replay only). */
export function readExcerpt(db: Database): Map<number, string> | undefined {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain_excerpt'").get();
  if (!hasTable) return undefined;
  const rows = db.prepare('SELECT position, previous_hash FROM chain_excerpt').all() as { position: number; previous_hash: string }[];
  return new Map(rows.map((r) => [r.position, r.previous_hash]));
}
