// How an event's chain hash sits in the SQLite log. Events the writer thread appends get theirs
// right after their commit, in `chain_links` (store/sqlite/chainLinks.ts): 32 raw bytes each, end
// to end. In a row (the in-thread path, replay, logs written before links) it is the 32 raw bytes
// of the SHA-256 (a BLOB); logs older still hold it as 64 lowercase hex characters (TEXT), and one
// file may hold every form (an old log that kept taking appends); a row's own hash wins. SQLite records each value's
// storage class, so the value itself says which form it is: no version marker is needed, and the
// chain's definition (chain.ts, hex text of the previous hash) is the same for both forms.
// Why bytes: a durable commit writes every page it touched to the WAL and fsyncs it; with 64 hex
// characters per row the chain's extra bytes written per event were twice what 32 bytes make
// (bench:audit prints both figures). Reading and hashing cost the same in either form.
// Everything that shows a hash (verify, export, receipts, queries) shows hex.

/**
 * The `hash` column read as hex text by SQLite itself, whatever the stored form (`AS hash`). Reading
 * the BLOB would make better-sqlite3 allocate a Buffer per row, and converting it to hex in JS made
 * `audit verify` a fifth to a third slower than on the hex form; converted in SQL it runs as fast.
 * Every read of the column that feeds the chain or is shown goes through this (storedHashHex then
 * only passes the text on).
 */
export const HASH_AS_HEX = "CASE typeof(hash) WHEN 'blob' THEN lower(hex(hash)) ELSE hash END AS hash";

/** A stored hash in either form as hex; null when the event has none (written outside the chain). */
export function storedHashHex(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  // Any other storage class (a number written behind the log's back) is no hash: verify names it.
  return String(value);
}

/** The form new events are stored in: the hash's 32 bytes. */
export function hashBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}


/**
 * Where the writer thread keeps the hashes of the events it links after their commit
 * (store/sqlite/chainLinks.ts): one row per run of consecutive positions, `first` the run's first
 * position, `hashes` their 32-byte hashes end to end, at most LINK_RUN of them. Why 16: a read of
 * one event's hash loads its whole run (SQLite materialises a BLOB for substr), so long runs made
 * `audit verify` slow (1,024: ≈ 55,000 events/s against ≈ 230,000 at 64), while rows of 512 bytes
 * still pack several to a page, so a batch's links write no more pages than one long row
 * (bench:audit, docs/audit-cost.md stop 22).
 */
export const CHAIN_LINKS_TABLE = 'chain_links';
export const LINK_RUN = 16;

/**
 * HASH_AS_HEX for a log that may hold links: an event's own `hash` when it has one (the in-thread
 * path and logs written before links), else its place in the run of `chain_links` covering it,
 * else NULL (an event not linked yet). Read from `events` unaliased.
 */
export const LINKED_HASH_HEX = `COALESCE(CASE typeof(events.hash) WHEN 'blob' THEN lower(hex(events.hash)) ELSE events.hash END, (SELECT CASE WHEN (events.position - l.first) * 32 < length(l.hashes) THEN lower(hex(substr(l.hashes, (events.position - l.first) * 32 + 1, 32))) END FROM ${CHAIN_LINKS_TABLE} l WHERE l.first <= events.position ORDER BY l.first DESC LIMIT 1))`;
export const LINKED_HASH_AS_HEX = `${LINKED_HASH_HEX} AS hash`;

/** The hash column to select from this file's `events`: with links when the file has the table (a log opened read-only may predate it). */
export function hashAsHex(db: { prepare(sql: string): { get(...args: unknown[]): unknown } }): string {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHAIN_LINKS_TABLE) ? LINKED_HASH_AS_HEX : HASH_AS_HEX;
}
