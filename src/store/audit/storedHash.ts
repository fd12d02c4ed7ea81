// How an event's chain hash sits in the SQLite log. New events store the 32 raw bytes of the
// SHA-256 (a BLOB); logs written before hold the same hash as 64 lowercase hex characters (TEXT),
// and one file may hold both (an old log that kept taking appends). SQLite records each value's
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

