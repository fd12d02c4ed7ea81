// The default, embedded event store: one SQLite file, one row per event, the rowid is the global
// position. Reads run on the caller's thread (better-sqlite3 is synchronous; the *Sync methods
// expose that); appends are group-committed by a writer thread (see open and appendToStream).
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Database as Db, Statement } from 'better-sqlite3';
import {
  assertWellFormedIds,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from '../eventStore.js';
import { appender, outcomeToResults, type AppendOutcome, type ChainOptions, type CommitUnit, type SerializedAppend } from './appendBatch.js';
import { stampedMetadataTexts, type NodeIdentity } from '../audit/stampMetadata.js';
import { prepareSigner } from '../audit/checkpoint.js';
import { openEventsDatabase } from './eventsDatabase.js';
import { eventColumns, toRecordedEvent, type EventRow } from './eventRow.js';
import { PollingSubscription } from './pollingSubscription.js';

/** How often a subscription looks for appends made by other connections or processes. */
const POLL_MS = 250;
/** SQLite reads a negative LIMIT as "no limit". */
const NO_LIMIT = -1;

export interface SqliteStoreOptions extends ChainOptions {
  /** Stamped on every event's metadata (store/audit). */
  readonly node?: NodeIdentity;
  /** A read-only node: the file is opened read-only, every append is refused, nothing is signed at close. */
  readonly readOnly?: boolean;
}

/** An append to a log opened read-only. */
export class ReadOnlyLogError extends Error {
  override readonly name = 'ReadOnlyLogError';
  constructor() {
    super('this node is read-only: its event log takes no appends');
  }
}


export class SqliteEventStore implements EventStore {
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly selectStream: Statement<[string, bigint, number], EventRow>;
  private readonly selectAll: Statement<[bigint, number], EventRow>;
  private readonly selectHeadPosition: Statement<[], { head: number | null }>;
  private readonly appendSingle: (unit: CommitUnit) => AppendResult[];
  private readonly appendBatch: (units: readonly CommitUnit[]) => AppendOutcome[];
  private readonly checkpointNow: () => unknown;
  /** Appends waiting for the next batch, and the batch being committed (one at a time, in order). */
  private pending: PendingAppend[] = [];
  private inFlight: { id: number; batch: PendingAppend[] } | undefined;
  private nextBatchId = 1;
  private drained: (() => void)[] = [];
  private writerGone = false;

  /**
   * Opens (and creates when absent, parent directory included) the log at `file`. Appends are
   * committed by a writer thread (so fsync never blocks the caller's event loop); reads use this
   * thread's connection.
   */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteEventStore {
    if (options.readOnly) return new SqliteEventStore(openEventsDatabase(file, { readOnly: true }), undefined, options);
    const db = openEventsDatabase(file);
    // The key is parsed once, here, for both connections (the writer gets the KeyObject itself).
    const signer = options.signer ? prepareSigner(options.signer) : undefined;
    const chain: ChainOptions = {
      ...(signer ? { signer } : {}),
      ...(options.checkpointEvery ? { checkpointEvery: options.checkpointEvery } : {}),
      ...(options.hashChain === false ? { hashChain: false } : {}),
    };
    const writer = file === ':memory:' ? undefined : new Worker(new URL('./writerWorker.js', import.meta.url), { workerData: { file, chain }, execArgv: [] });
    return new SqliteEventStore(db, writer, { ...options, ...(signer ? { signer } : {}) });
  }

  constructor(
    private readonly db: Db,
    private readonly writer?: Worker,
    private readonly options: SqliteStoreOptions = {},
  ) {
    // Many subscriptions may listen; they are not a leak.
    this.appended.setMaxListeners(0);
    const columns = eventColumns(db);
    this.selectStream = db.prepare(
      `SELECT ${columns} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.selectAll = db.prepare(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    this.selectHeadPosition = db.prepare('SELECT MAX(position) AS head FROM events');
    const refuse = (): never => {
      throw new ReadOnlyLogError();
    };
    const { single, batch, checkpointNow } = options.readOnly ? { single: refuse, batch: refuse, checkpointNow: () => undefined } : appender(db, options);
    this.appendSingle = single;
    this.appendBatch = batch;
    this.checkpointNow = checkpointNow;
    writer?.on('message', (message: { id: number; outcomes: AppendOutcome[] }) => this.settle(message.id, message.outcomes));
    writer?.on('error', (error) => this.failWriter(error));
    writer?.on('exit', (code) => {
      this.writerGone = true;
      this.failWriter(new Error(`event log writer exited (${code})`));
    });
  }

  /**
   * Durable when it resolves. Appends made while a batch is being committed are committed together
   * in the next one (group commit: one transaction and one fsync for many appends); each append has
   * its own savepoint, so a failed expectation rolls back that append alone.
   */
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return this.enqueue([{ streamId, events, ...(options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {}) }]).then((results) => results[0]!);
  }

  /** Several streams in one savepoint of the next group commit: all or nothing. */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.enqueue(appends);
  }

  private enqueue(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (this.options.readOnly) return Promise.reject(new ReadOnlyLogError());
    return new Promise((resolve, reject) => {
      let unit: CommitUnit;
      try {
        unit = appends.map((a) => serialize(a.streamId, a.events, this.options.node, a.expectedRevision ?? 'any'));
      } catch (error) {
        return reject(error);
      }
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ unit, resolve, reject });
    });
  }

  /** Synchronous append on this thread's connection: one transaction, all events or none. */
  appendToStreamSync(streamId: string, events: readonly NewEvent[], options: { expectedRevision?: ExpectedRevision } = {}): AppendResult {
    const [result] = this.appendSingle([serialize(streamId, events, this.options.node, options.expectedRevision ?? 'any')]);
    if (events.length > 0) this.appended.emit('append');
    return result!;
  }

  private flush(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (!this.writer) {
      let outcomes: AppendOutcome[];
      try {
        outcomes = this.appendBatch(batch.map((p) => p.unit));
      } catch (error) {
        const failure = error instanceof Error ? error.message : String(error);
        outcomes = batch.map(() => ({ failure }));
      }
      this.inFlight = { id: 0, batch };
      this.settle(0, outcomes);
      return;
    }
    const id = this.nextBatchId++;
    this.inFlight = { id, batch };
    this.writer.postMessage({ id, units: batch.map((p) => p.unit) });
  }

  private settle(id: number, outcomes: AppendOutcome[]): void {
    const inFlight = this.inFlight;
    if (!inFlight || inFlight.id !== id) return;
    this.inFlight = undefined;
    if (outcomes.some((o) => 'ok' in o)) this.appended.emit('append');
    inFlight.batch.forEach((p, i) => {
      try {
        p.resolve(outcomeToResults(outcomes[i]!));
      } catch (error) {
        p.reject(error);
      }
    });
    this.flush();
    if (!this.inFlight && this.pending.length === 0) for (const done of this.drained.splice(0)) done();
  }

  private failWriter(error: unknown): void {
    const waiting = [...(this.inFlight?.batch ?? []), ...this.pending];
    this.inFlight = undefined;
    this.pending = [];
    for (const p of waiting) p.reject(error);
    for (const done of this.drained.splice(0)) done();
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

  /**
   * Asks the writer to close and waits for it: it finishes what it was doing first (a checkpoint
   * it signs after answering a batch), closes its connection and exits. Terminated if it hangs.
   */
  private stopWriter(writer: Worker): Promise<void> {
    if (this.writerGone) return Promise.resolve();
    return new Promise((resolve) => {
      const stuck = setTimeout(() => void writer.terminate(), 10_000);
      writer.once('exit', () => {
        clearTimeout(stuck);
        resolve();
      });
      writer.postMessage({ close: true });
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.unsubscribe()));
    // Appends already accepted are committed before the log closes.
    if (this.inFlight || this.pending.length) await new Promise<void>((resolve) => this.drained.push(resolve));
    if (this.writer) {
      this.writer.removeAllListeners('exit');
      await this.stopWriter(this.writer);
    }
    if (this.db.open) {
      // The head at shutdown is signed, so a tail cut while the node was down is seen.
      try {
        this.checkpointNow();
      } catch {
        // A read-only or locked file: the periodic checkpoints stand.
      }
      this.db.close();
    }
  }
}

interface PendingAppend {
  readonly unit: CommitUnit;
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/** JSON text is made here, so an unserialisable payload fails its own append only. */
function serialize(streamId: string, events: readonly NewEvent[], node: NodeIdentity | undefined, expected: ExpectedRevision): SerializedAppend {
  assertWellFormedIds(streamId, events);
  // Metadata is stamped straight into text (one serialisation per scope, see stampedMetadataTexts).
  const metadata = stampedMetadataTexts(events, node);
  return {
    streamId,
    expected,
    events: events.map((e, i) => ({
      ...(e.id ? { id: e.id } : {}),
      type: e.type,
      data: JSON.stringify(e.data ?? null),
      metadata: metadata[i]!,
    })),
  };
}
