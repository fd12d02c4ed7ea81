// Links: the chain hashes of events the writer thread committed before hashing them.
// Why: in a group commit the appenders and the writer take turns, so every microsecond the writer
// spends per event before its commit lengthens every append; hashing there cost a durable append
// ≈ 10 % (docs/audit-cost.md). The writer now commits a batch's rows without their hashes, answers,
// and links them while the appenders gather the next batch — time in which it was idle (batches of
// LINK_AFTER_REPLY_FROM events or more, appendBatch.ts; smaller ones are hashed in place, into the
// rows). The hashes (the same chain, the same definition) go to `chain_links`, one row per run of
// positions, in a transaction of their own that does not wait for fsync: the next batch's durable
// commit carries them to disk with its own.
// What it changes for the proof: for the moments between a batch's commit and its links, and
// after a crash until the next start links them, the newest events have no stored hash. That
// weakens nothing the chain proves: events after the last signed checkpoint can be rewritten and
// re-hashed by whoever can write the file, linked or not; checkpoints are only ever signed over
// linked events, and `audit verify` accepts hashless events only as the log's tail after the last
// checkpoint.
import type { Database as Db } from 'better-sqlite3';
import { eventHash, GENESIS_HASH } from '../audit/chain.js';
import { CHAIN_LINKS_TABLE, LINK_RUN, LINKED_HASH_AS_HEX, storedHashHex } from '../audit/storedHash.js';

/** Writes runs of hashes (inside the caller's transaction). */
export function linkWriter(db: Db): (first: number, hashes: Buffer, count: number) => void {
  const insert = db.prepare(`INSERT INTO ${CHAIN_LINKS_TABLE} (first, hashes) VALUES (?, ?)`);
  return (first, hashes, count) => {
    for (let i = 0; i < count; i += LINK_RUN) insert.run(first + i, hashes.subarray(32 * i, 32 * Math.min(count, i + LINK_RUN)));
  };
}

type TailRow = [number, string, number, string, string, string, string, number, unknown];

/**
 * Links the events at the log's end that have no hash (a crash between a commit and its links, or
 * another connection's links not stored yet), inside the caller's transaction. Returns the log's
 * last position and its hash (hex), or undefined for an empty log.
 */
export function linkTail(db: Db): { lastPosition: number; lastHash: string } | undefined {
  const unlinked: TailRow[] = [];
  let before: { position: number; hash: string } | undefined;
  const rows = db.prepare(`SELECT position, stream_id, revision, event_id, type, data, metadata, created, ${LINKED_HASH_AS_HEX} FROM events ORDER BY position DESC`).raw();
  for (const r of rows.iterate() as IterableIterator<TailRow>) {
    const hash = storedHashHex(r[8]);
    if (hash !== null) {
      before = { position: r[0], hash };
      break;
    }
    unlinked.push(r);
  }
  if (unlinked.length === 0) return before && { lastPosition: before.position, lastHash: before.hash };
  unlinked.reverse();
  const write = linkWriter(db);
  let previous = before?.hash ?? GENESIS_HASH;
  // Runs of consecutive positions (a tail cut leaves a gap, which verify names; the links still follow the rows).
  let runFirst = unlinked[0]![0];
  let run: Buffer[] = [];
  const flush = (): void => {
    if (run.length) write(runFirst, Buffer.concat(run), run.length);
    run = [];
  };
  for (const r of unlinked) {
    if (r[0] !== runFirst + run.length) {
      flush();
      runFirst = r[0];
    }
    previous = eventHash(previous, { position: r[0], streamId: r[1], revision: r[2], eventId: r[3], type: r[4], data: r[5], metadata: r[6], created: r[7] });
    run.push(Buffer.from(previous, 'hex'));
  }
  flush();
  return { lastPosition: unlinked.at(-1)![0], lastHash: previous };
}
