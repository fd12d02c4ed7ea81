// The write path of the SQLite log, shared by the writer thread (group commit) and the
// synchronous in-thread path: expectation checks + inserts, one savepoint per commit unit. A unit
// is one append, or the appends to several streams that must be written together
// (EventStore.appendToStreams): all of a unit or none of it. Each event is hash-chained to the
// one before it in the log's real order: here, inside the write transaction, and stored as its
// 32 bytes (audit/storedHash.ts) on the in-thread path; right after the batch's answer on the
// writer thread, into `chain_links` (chainLinks.ts: off the appends' path). Every
// `checkpointEvery` events the (linked) chain head is signed (store/audit).
import { randomUUID } from 'node:crypto';
import type { Database as Db } from 'better-sqlite3';
import { assertExpectedRevision, WrongExpectedRevisionError, type AppendResult, type ExpectedRevision } from '../eventStore.js';
import { GENESIS_HASH } from '../audit/chain.js';
import { chainLinker } from '../audit/chainLinker.js';
import { logHeadCache, type LogHead, type LogHeadCache } from './logHead.js';
import { linkTail, linkWriter } from './chainLinks.js';
import { checkpointSigner, DEFAULT_CHECKPOINT_EVERY, type Checkpoint, type CheckpointSigner, type PreparedSigner } from '../audit/checkpoint.js';

/** An append whose data and metadata are already JSON text (serialised by the caller). */
export interface SerializedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly { readonly id?: string; readonly type: string; readonly data: string; readonly metadata: string }[];
}

/** Appends committed together: one savepoint. */
export type CommitUnit = readonly SerializedAppend[];

export type AppendOutcome =
  | { readonly ok: AppendResult[] }
  | { readonly wrongRevision: { streamId: string; expected: ExpectedRevision; actual: bigint | 'no_stream' } }
  | { readonly failure: string };

export interface ChainOptions {
  /** Signs checkpoints; without it the chain is kept but no checkpoint is written. */
  readonly signer?: CheckpointSigner | PreparedSigner;
  readonly checkpointEvery?: number;
  /** false: no hashes (bench:audit's baseline only; a node always chains). */
  readonly hashChain?: boolean;
}

/**
 * `checkpointsAfterReply` (the writer thread): a batch does not sign; the writer calls
 * `checkpointDue` after it has answered, so signing stays off the appends' path, and the next
 * batch stores what it signed (see writerWorker). `linkAfterReply` (the writer thread too): a
 * batch's events are committed without their hashes, and `link` hashes and stores them after the
 * answer (chainLinks.ts).
 */
export function appender(db: Db, chain: ChainOptions = {}, options: { readonly checkpointsAfterReply?: boolean; readonly linkAfterReply?: boolean } = {}) {
  const selectHead = db.prepare<[string], { revision: number; position: number }>(
    'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
  );
  const insert = db.prepare('INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata, created, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  // The log's end, carried from one commit to the next (read back only when another connection wrote).
  const heads = logHeadCache(db);
  const checkpoints = checkpointWriter(db, chain, heads);
  // chainHash's bytes, written into one reused buffer; the hash comes out as the 32 bytes stored.
  const linker = chain.hashChain !== false ? chainLinker() : undefined;
  const deferred = linker !== undefined && options.linkAfterReply === true;
  /** Whether the batch being written is linked after the answer (deferred, and big enough: LINK_AFTER_REPLY_FROM). */
  let linkingAfter = false;
  /** Deferred: the committed events waiting for their hashes, the linker's 8 arguments each in a row. */
  const unlinked: (string | number)[] = [];
  /**
   * `heads.reads()` when this appender last kept a head. Once the head was read back from the file
   * (another connection wrote, a transaction failed, the first use), the linker's state and
   * `unlinked` are not to be trusted: the file's own tail is linked instead.
   */
  let trustedReads = -1;
  const keep = (head: LogHead): void => {
    heads.set(head);
    trustedReads = heads.reads();
  };
  const trusted = (): boolean => heads.reads() === trustedReads;
  const writeLinks = linkWriter(db);
  /** Inside a transaction: the file's hashless tail linked, the linker set to continue from it. */
  const relinked = (head: LogHead): LogHead => {
    unlinked.length = 0;
    const tail = linker ? linkTail(db) : undefined;
    linker?.startFrom(tail?.lastHash ?? GENESIS_HASH);
    return tail ? { ...head, lastPosition: tail.lastPosition, lastHash: tail.lastHash } : head;
  };
  /** Inside a transaction: `head`, a hashless tail (another connection's not linked yet, or a crash's) linked first. */
  const linkedTail = (head: LogHead): LogHead => (linker && head.lastHash === null && head.lastPosition > 0 ? relinked(head) : head);
  /** One unit's inserts after `from`; the head they leave, which the caller keeps once they are in. */
  const appendUnit = (unit: CommitUnit, from: LogHead): { results: AppendResult[]; head: LogHead } => {
    const created = Date.now();
    // Hex whatever the stored form: the chain's text names the previous hash in hex. (Linked after
    // the answer: the linker goes on from the last event it linked.)
    if (!linkingAfter) linker?.startFrom(from.lastHash ?? GENESIS_HASH);
    // Bigints for the rows and the results, the same counts as numbers for the hash's text (same
    // digits; positions stay far below 2^53): no conversion per event.
    let at = from.at;
    let position = BigInt(at);
    const results = unit.map((a) => {
      const head = selectHead.get(a.streamId);
      const current = head ? BigInt(head.revision) : -1n;
      assertExpectedRevision(a.streamId, a.expected, current);
      let revision = current;
      let revisionNumber = head ? head.revision : -1;
      let lastPosition = head ? BigInt(head.position) : 0n;
      for (const e of a.events) {
        revision += 1n;
        position += 1n;
        revisionNumber += 1;
        at += 1;
        const eventId = e.id ?? randomUUID();
        let hash: Buffer | null = null;
        if (linkingAfter) unlinked.push(at, revisionNumber, created, a.streamId, eventId, e.type, e.data, e.metadata);
        else if (linker) hash = linker.next(at, revisionNumber, created, a.streamId, eventId, e.type, e.data, e.metadata);
        insert.run(position, a.streamId, revision, eventId, e.type, e.data, e.metadata, created, hash);
        lastPosition = position;
      }
      return { nextExpectedRevision: revision, position: lastPosition };
    });
    return { results, head: at === from.at ? from : { at, lastPosition: at, lastHash: linker && !linkingAfter ? linker.previousHex() : null, checkpointed: from.checkpointed } };
  };
  /** A transaction whose failure (its commit included) leaves the remembered head unknown. */
  const forgettingOnFailure = <A extends unknown[], R>(transaction: (...args: A) => R) => (...args: A): R => {
    try {
      return transaction(...args);
    } catch (error) {
      heads.forget();
      unlinked.length = 0;
      throw error;
    }
  };
  // Nested inside the batch transaction this is a savepoint: a failed unit rolls back alone (and
  // its head is not kept).
  const nested = db.transaction(appendUnit);
  // IMMEDIATE takes the write lock before reading heads, so no other connection slips in between.
  const single = forgettingOnFailure(db.transaction((unit: CommitUnit) => {
    linkingAfter = false;
    const { results, head } = appendUnit(unit, linkedTail(heads.get()));
    keep(head);
    checkpoints.due();
    return results;
  }).immediate);
  /**
   * The writer thread's checkpoint: signed right after a batch was answered (checkpointDue, off
   * the appends' path), then stored by the next batch's transaction, so the checkpoint costs that
   * commit one more row and no transaction of its own; when no batch follows soon, the writer
   * stores it alone (storeSignedCheckpoint). Same positions as signing inside the batch.
   */
  let signed: Checkpoint | undefined;
  const batchTransaction = db.transaction((units: readonly CommitUnit[], carried: Checkpoint | undefined): AppendOutcome[] => {
    if (carried) checkpoints.store(carried);
    let head = heads.get();
    if (deferred && !trusted()) head = relinked(head);
    linkingAfter = deferred && eventsIn(units) >= LINK_AFTER_REPLY_FROM;
    const outcomes = units.map((unit): AppendOutcome => {
      const mark = unlinked.length;
      try {
        const done = nested(unit, head);
        head = done.head;
        return { ok: done.results };
      } catch (error) {
        // Rolled back: its events are not in the log.
        unlinked.length = mark;
        if (error instanceof WrongExpectedRevisionError) return { wrongRevision: { streamId: error.streamId, expected: error.expected, actual: error.actual } };
        return { failure: error instanceof Error ? error.message : String(error) };
      }
    });
    keep(head);
    if (!options.checkpointsAfterReply) checkpoints.due();
    return outcomes;
  }).immediate;
  const batch = forgettingOnFailure((units: readonly CommitUnit[]): AppendOutcome[] => {
    const carried = signed;
    const outcomes = batchTransaction(units, carried);
    // Kept until a commit holds it: a failed batch leaves it for the next one.
    if (carried === signed) signed = undefined;
    return outcomes;
  });
  /** A checkpoint of the current head now (at shutdown), unless the head has one already. */
  const checkpointNow = forgettingOnFailure(db.transaction(() => {
    keep(linkedTail(heads.get()));
    return checkpoints.now();
  }).immediate);
  const storeAlone = forgettingOnFailure(db.transaction((cp: Checkpoint) => checkpoints.store(cp)).immediate);
  // Prepared once: db.pragma() would prepare each of them at every checkpoint.
  // (Setting wal_autocheckpoint answers a row, synchronous none: each is run the way it allows.)
  const pragma = (text: string) => {
    const statement = db.prepare(`PRAGMA ${text}`);
    return statement.reader ? () => void statement.get() : () => void statement.run();
  };
  const [unsynced, noWalCheckpoint, synced, walCheckpoint] = ['synchronous = NORMAL', 'wal_autocheckpoint = 0', 'synchronous = FULL', `wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`].map(pragma);
  /**
   * Signs the checkpoint the last batch made due, if any (no transaction: the remembered head says
   * whether one is due, and the signature is CPU only). True when a signed checkpoint waits to be
   * stored.
   */
  const checkpointDue = (): boolean => {
    signed ??= checkpoints.signDue();
    return signed !== undefined;
  };
  /**
   * The signed checkpoint no batch took, in a transaction of its own (an idle writer, or close).
   * Committed without an fsync and without a WAL checkpoint: its row is made durable by the next
   * append's commit (or by close). A checkpoint lost to a power cut in between is the one before it
   * standing a moment longer; the events themselves were durable when acknowledged.
   */
  const storeSignedCheckpoint = (): void => {
    if (!signed) return;
    unsynced!();
    noWalCheckpoint!();
    try {
      storeAlone(signed);
      signed = undefined;
    } finally {
      synced!();
      walCheckpoint!();
    }
  };
  /** The batch's hashes, end to end, refilled by every link. */
  let hashes = Buffer.alloc(32 * 256);
  const linkTransaction = db.transaction((): LogHead => {
    const head = heads.get();
    if (!trusted()) return relinked(head);
    const count = unlinked.length / 8;
    if (hashes.length < 32 * count) hashes = Buffer.alloc(64 * count);
    let first = unlinked[0] as number;
    let run = 0;
    for (let k = 0; k < unlinked.length; k += 8) {
      const position = unlinked[k] as number;
      // Positions run on within a batch; should they not, each run is stored from its own first.
      if (position !== first + run) {
        writeLinks(first, hashes, run);
        first = position;
        run = 0;
      }
      linker!.next(position, unlinked[k + 1] as number, unlinked[k + 2] as number, unlinked[k + 3] as string, unlinked[k + 4] as string, unlinked[k + 5] as string, unlinked[k + 6] as string, unlinked[k + 7] as string).copy(hashes, 32 * run);
      run += 1;
    }
    if (run) writeLinks(first, hashes, run);
    unlinked.length = 0;
    return { ...head, lastHash: linker!.previousHex() };
  }).immediate;
  /**
   * The writer thread, right after answering a batch: hashes its events and stores the links, in a
   * transaction that does not wait for fsync (the next batch's durable commit takes it to disk; a
   * crash before that leaves the tail to be linked at the next start). The first call, and any after
   * another connection wrote or a transaction failed, links whatever tail the file holds unlinked.
   */
  const link = (): void => {
    if (!deferred || (unlinked.length === 0 && heads.peek() !== undefined && trusted())) return;
    unsynced!();
    noWalCheckpoint!();
    try {
      keep(forgettingOnFailure(linkTransaction)());
    } catch {
      // The head is forgotten: the next batch links the file's tail before it appends.
    } finally {
      synced!();
      walCheckpoint!();
    }
  };
  return { single, batch, link, checkpointNow, checkpointDue, storeSignedCheckpoint };
}

/** Writes signed checkpoints of the chain head (inside the caller's transaction). */
function checkpointWriter(db: Db, chain: ChainOptions, heads: LogHeadCache) {
  const every = chain.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const sign = chain.signer ? checkpointSigner(chain.signer) : undefined;
  const insert = db.prepare('INSERT OR IGNORE INTO chain_checkpoints (position, hash, created, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)');
  /** `head`, if it is to be signed: at least `minimumGap` events follow the last checkpoint. */
  const headToSign = (minimumGap: number, head: LogHead | undefined): (LogHead & { lastHash: string }) | undefined => {
    if (!sign || !head?.lastHash) return undefined;
    const since = head.lastPosition - head.checkpointed;
    if (since < minimumGap || since <= 0) return undefined;
    // Checkpoints sign (and keep) the head in hex, as before: they are read and printed.
    return head as LogHead & { lastHash: string };
  };
  /** Keeps a signed checkpoint (inside the caller's transaction). */
  const store = (cp: Checkpoint): void => {
    insert.run(cp.position, cp.hash, cp.created, cp.keyId, cp.publicKey, cp.signature);
    const head = heads.get();
    if (Number(cp.position) > head.checkpointed) heads.set({ ...head, checkpointed: Number(cp.position) });
  };
  const signed = (minimumGap: number, current: LogHead | undefined): Checkpoint | undefined => {
    const head = headToSign(minimumGap, current);
    return head && sign ? sign(BigInt(head.lastPosition), head.lastHash, Date.now()) : undefined;
  };
  /** Inside the caller's transaction: the head as the file has it. */
  const write = (minimumGap: number): Checkpoint | undefined => {
    const cp = signed(minimumGap, heads.get());
    if (cp) store(cp);
    return cp;
  };
  return {
    // Outside any transaction, after a batch was answered: the head that batch's commit left (a
    // true statement about the chain: the event at that position has that hash; should the tail be
    // cut later, this checkpoint is what shows it), read from memory, not from the file. Another
    // connection's later events or checkpoints are seen by the next batch's transaction; a failed
    // commit forgot the head, so nothing is signed until the next batch makes it due again.
    signDue: () => signed(every, heads.peek()),
    store,
    due: () => write(every),
    now: () => write(1),
  };
}

/**
 * The smallest batch the writer links after its answer; smaller ones are hashed in their
 * transaction, into the rows. Linking after costs a transaction of its own (≈ 50 µs and a WAL page
 * or two); hashing in place ≈ 3.5 µs per event on the appends' path: below ≈ 15 events the
 * transaction costs more than it saves (bench:scheduler's jobs commit batches of a few events,
 * bench:audit's appenders batches of ≈ 127).
 */
export const LINK_AFTER_REPLY_FROM = 32;

function eventsIn(units: readonly CommitUnit[]): number {
  let n = 0;
  for (const unit of units) for (const a of unit) n += a.events.length;
  return n;
}

/** SQLite's default: a WAL checkpoint when the WAL passes this many pages (restored after storeSignedCheckpoint). */
const WAL_AUTOCHECKPOINT = 1000;

export function outcomeToResults(outcome: AppendOutcome): AppendResult[] {
  if ('ok' in outcome) return outcome.ok;
  if ('wrongRevision' in outcome) {
    const w = outcome.wrongRevision;
    throw new WrongExpectedRevisionError(w.streamId, w.expected, w.actual);
  }
  throw new Error(outcome.failure);
}
