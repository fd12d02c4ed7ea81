// The end of the log as one connection's appender knows it: the last position handed out, the
// last event's position and chain hash, the newest checkpoint. Kept in memory between commits
// instead of read back for every commit unit (two queries and a hash converted to hex per unit
// were a fifth of what the chain cost the writer thread: bench:audit), and read again whenever the
// file may hold something this connection did not write: another connection committed since
// (SQLite's `data_version` says so), or this connection's own commit failed.
import type { Database as Db } from 'better-sqlite3';
import { LINKED_HASH_AS_HEX, storedHashHex } from '../audit/storedHash.js';

export interface LogHead {
  /** The last position handed out: AUTOINCREMENT's counter, never reused, even after a tail cut. */
  readonly at: number;
  /** The last stored event's position (0: an empty log). */
  readonly lastPosition: number;
  /** That event's chain hash in hex; null: an empty log, an event stored without one, or one not linked yet (chainLinks.ts). */
  readonly lastHash: string | null;
  /** The newest checkpoint's position (0: none). */
  readonly checkpointed: number;
}

export interface LogHeadCache {
  /** The head, read from the file when it may have changed. Call it inside the transaction that uses it. */
  get(): LogHead;
  /**
   * The head as this connection's last transaction left it, without asking the file (undefined
   * after `forget`). For use outside a transaction: there `get`'s `data_version` query takes and
   * drops a shared lock on the file (two fcntl calls), which after every batch cost the writer
   * thread ≈ 25 µs (bench:audit profile, docs/audit-cost.md stop 19).
   */
  peek(): LogHead | undefined;
  /** What this connection's transaction made the head (it must call `forget` if that transaction fails). */
  set(head: LogHead): void;
  /** Read it again next time: this connection's commit failed, or rolled back. */
  forget(): void;
  /** How many times the head was read from the file: a change says the file may hold what this connection did not write. */
  reads(): number;
}

export function logHeadCache(db: Db): LogHeadCache {
  // Changes when another connection (another thread's, another process's) commits to the file; a
  // connection's own commits leave it as it is.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const selectLast = db.prepare<[], { position: number; hash: unknown }>(`SELECT position, ${LINKED_HASH_AS_HEX} FROM events ORDER BY position DESC LIMIT 1`);
  const selectSequence = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  const selectCheckpoint = db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM chain_checkpoints');
  let head: LogHead | undefined;
  let seenVersion: unknown;
  let reads = 0;
  const read = (): LogHead => {
    reads += 1;
    const last = selectLast.get();
    return {
      at: Math.max(selectSequence.get()?.seq ?? 0, last?.position ?? 0),
      lastPosition: last?.position ?? 0,
      lastHash: storedHashHex(last?.hash),
      checkpointed: selectCheckpoint.get()?.position ?? 0,
    };
  };
  return {
    get() {
      const version = dataVersion.get();
      if (head === undefined || version !== seenVersion) {
        head = read();
        seenVersion = version;
      }
      return head;
    },
    peek() {
      return head;
    },
    set(next) {
      head = next;
    },
    forget() {
      head = undefined;
    },
    reads() {
      return reads;
    },
  };
}
