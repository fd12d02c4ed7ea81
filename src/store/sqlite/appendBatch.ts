// The write path of the SQLite log, shared by the writer thread (group commit) and the
// synchronous in-thread path: expectation checks + inserts, one savepoint per commit unit. A unit
// is one append, or the appends to several streams that must be written together
// (EventStore.appendToStreams): all of a unit or none of it.
import { randomUUID } from 'node:crypto';
import type { Database as Db } from 'better-sqlite3';
import { assertExpectedRevision, WrongExpectedRevisionError, type AppendResult, type ExpectedRevision } from '../eventStore.js';

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

export function appender(db: Db) {
  const selectHead = db.prepare<[string], { revision: number; position: number }>(
    'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
  );
  const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const appendOne = (a: SerializedAppend, created: number): AppendResult => {
    const head = selectHead.get(a.streamId);
    const current = head ? BigInt(head.revision) : -1n;
    assertExpectedRevision(a.streamId, a.expected, current);
    let revision = current;
    let position = head ? BigInt(head.position) : 0n;
    for (const e of a.events) {
      revision += 1n;
      position = BigInt(insert.run(a.streamId, revision, e.id ?? randomUUID(), e.type, e.data, e.metadata, created).lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  };
  const appendUnit = (unit: CommitUnit): AppendResult[] => {
    const created = Date.now();
    return unit.map((a) => appendOne(a, created));
  };
  // Nested inside the batch transaction this is a savepoint: a failed unit rolls back alone.
  const nested = db.transaction(appendUnit);
  // IMMEDIATE takes the write lock before reading heads, so no other connection slips in between.
  const single = db.transaction(appendUnit).immediate;
  const batch = db.transaction((units: readonly CommitUnit[]): AppendOutcome[] =>
    units.map((unit) => {
      try {
        return { ok: nested(unit) };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) return { wrongRevision: { streamId: error.streamId, expected: error.expected, actual: error.actual } };
        return { failure: error instanceof Error ? error.message : String(error) };
      }
    }),
  ).immediate;
  return { single, batch };
}

export function outcomeToResults(outcome: AppendOutcome): AppendResult[] {
  if ('ok' in outcome) return outcome.ok;
  if ('wrongRevision' in outcome) {
    const w = outcome.wrongRevision;
    throw new WrongExpectedRevisionError(w.streamId, w.expected, w.actual);
  }
  throw new Error(outcome.failure);
}
