// The default, embedded event store: one SQLite file, one row per event, the rowid is the global
// position. Every call is synchronous underneath (better-sqlite3); the *Sync methods expose that
// fast path, the async ones implement the port.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Database as Db, Statement } from 'better-sqlite3';
import {
  assertExpectedRevision,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from '../eventStore.js';
import { openEventsDatabase } from './eventsDatabase.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './eventRow.js';
import { PollingSubscription } from './pollingSubscription.js';

/** How often a subscription looks for appends made by other connections or processes. */
const POLL_MS = 250;
/** SQLite reads a negative LIMIT as "no limit". */
const NO_LIMIT = -1;

interface StreamHead {
  readonly revision: number;
  readonly position: number;
}

export class SqliteEventStore implements EventStore {
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly selectStreamHead: Statement<[string], StreamHead>;
  private readonly insertEvent: Statement<[string, bigint, string, string, string, string, number]>;
  private readonly selectStream: Statement<[string, bigint, number], EventRow>;
  private readonly selectAll: Statement<[bigint, number], EventRow>;
  private readonly selectHeadPosition: Statement<[], { head: number | null }>;
  private readonly appendTransaction: (streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) => AppendResult;
  private readonly appendBatch: (batch: readonly PendingAppend[]) => void;
  private pending: PendingAppend[] = [];

  /** Opens (and creates when absent, parent directory included) the log at `file`. */
  static open(file: string): SqliteEventStore {
    return new SqliteEventStore(openEventsDatabase(file));
  }

  constructor(private readonly db: Db) {
    // Many subscriptions may listen; they are not a leak.
    this.appended.setMaxListeners(0);
    this.selectStreamHead = db.prepare('SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1');
    this.insertEvent = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectStream = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.selectAll = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    this.selectHeadPosition = db.prepare('SELECT MAX(position) AS head FROM events');
    // IMMEDIATE takes the write lock before reading the head, so no other connection can slip an
    // append in between the expectation check and the inserts.
    this.appendTransaction = db.transaction((streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) =>
      this.appendInTransaction(streamId, events, expected),
    ).immediate;
    // Group commit: the appends of one event-loop turn share one transaction and so one fsync;
    // each runs in its own savepoint, so a failed expectation rolls back that append alone.
    const nested = db.transaction((streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) =>
      this.appendInTransaction(streamId, events, expected),
    );
    this.appendBatch = db.transaction((batch: readonly PendingAppend[]) => {
      for (const p of batch) {
        try {
          p.result = nested(p.streamId, p.events, p.expected);
        } catch (error) {
          p.error = error;
        }
      }
    }).immediate;
  }

  /** Durable when it resolves; concurrent calls are committed together (group commit). */
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ streamId, events, expected: options.expectedRevision ?? 'any', resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.appendBatch(batch);
    } catch (error) {
      // The commit itself failed (disk full, closed database): nothing of the batch was written.
      for (const p of batch) p.reject(error);
      return;
    }
    if (batch.some((p) => p.result && p.events.length > 0)) this.appended.emit('append');
    for (const p of batch) {
      if (p.result) p.resolve(p.result);
      else p.reject(p.error);
    }
  }

  /** Synchronous append: one transaction, all events or none. */
  appendToStreamSync(streamId: string, events: readonly NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): AppendResult {
    const result = this.appendTransaction(streamId, events, options.expectedRevision ?? 'any');
    if (events.length > 0) this.appended.emit('append');
    return result;
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.readStreamSync(streamId, options);
  }

  readStreamSync(streamId: string, options: ReadStreamOptions = {}): RecordedEvent[] {
    return this.selectStream.all(streamId, options.fromRevision ?? 0n, options.maxCount ?? NO_LIMIT).map(toRecordedEvent);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  readAllSync(options: ReadAllOptions = {}): RecordedEvent[] {
    return this.selectAll.all(options.fromPosition ?? 0n, options.maxCount ?? NO_LIMIT).map(toRecordedEvent);
  }

  async headPosition(): Promise<bigint> {
    return this.headPositionSync();
  }

  headPositionSync(): bigint {
    return BigInt(this.selectHeadPosition.get()?.head ?? 0);
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    const log = {
      readPage: (afterPosition: bigint, limit: number) => this.readAllSync({ fromPosition: afterPosition, maxCount: limit }),
      onAppend: (listener: () => void) => {
        this.appended.on('append', listener);
        return () => void this.appended.off('append', listener);
      },
    };
    const subscription = new PollingSubscription(log, handler, options, POLL_MS, (stopped) => this.subscriptions.delete(stopped));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.unsubscribe()));
    if (this.pending.length && this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }

  private appendInTransaction(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult {
    const head = this.selectStreamHead.get(streamId);
    const current = head ? BigInt(head.revision) : -1n;
    assertExpectedRevision(streamId, expected, current);
    let revision = current;
    let position = head ? BigInt(head.position) : 0n;
    const created = Date.now();
    for (const event of events) {
      revision += 1n;
      const inserted = this.insertEvent.run(
        streamId,
        revision,
        event.id ?? randomUUID(),
        event.type,
        // A throw here (unserialisable data) rolls the whole append back.
        JSON.stringify(event.data ?? null),
        JSON.stringify(event.metadata ?? {}),
        created,
      );
      position = BigInt(inserted.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  }
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
  result?: AppendResult;
  error?: unknown;
}
