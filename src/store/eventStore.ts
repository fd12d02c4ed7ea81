// The event-store port. Vocabulary follows EventStoreDB/KurrentDB (stream, bigint revision,
// no_stream / stream_exists / any, $all position, catch-up subscription) so that the esdb adapter
// is a thin translation and the sqlite / memory adapters behave the same way.

/** An event as the domain produces it: a type, a JSON payload and optional metadata. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: EventMetadata;
  /** Optional explicit id (UUID); adapters generate one when absent. */
  readonly id?: string;
}

/**
 * Who and why (store/audit): every adapter stamps correlationId, causationId, actor, the node's
 * partyId, the type's schemaVersion and the codeVersion on append (stampEvents).
 */
export interface EventMetadata {
  readonly causationId?: string;
  readonly correlationId?: string;
  readonly [key: string]: unknown;
}

/** An event as the store recorded it. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly id: string;
  readonly streamId: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** 0-based position of the event inside its stream. */
  readonly revision: bigint;
  /** Position in the global log ($all); strictly increasing in append order. */
  readonly position: bigint;
  /** Milliseconds since epoch, set by the store. */
  readonly created: number;
  /** SHA-256 chaining this event to the previous one of the node's log (sqlite and memory adapters; see store/audit/chain.ts). */
  readonly hash?: string;
}

/** What the writer expects of the stream before its append. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendResult {
  /** Revision of the last event written (the next expected revision for this writer). */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last event written. */
  readonly position: bigint;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > fromPosition are returned. Omit to read from the start. */
  readonly fromPosition?: bigint;
  readonly maxCount?: number;
}

export interface Subscription {
  /** Stops delivery; resolves when no handler call is in flight any more. */
  unsubscribe(): Promise<void>;
}

export type SubscriptionHandler = (event: RecordedEvent) => void | Promise<void>;

export interface SubscribeOptions extends ReadAllOptions {
  /** Called when the handler throws: the subscription is stopped first. */
  readonly onError?: (error: unknown) => void;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision?: ExpectedRevision;
}

export interface EventStore {
  /** Appends atomically; throws WrongExpectedRevisionError when the expectation does not hold. */
  appendToStream(streamId: string, events: readonly NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: every expectation holds and every event is
   * written, or nothing is (the first failed expectation is thrown). Results are in `appends`
   * order, positions in that order too. Optional: an adapter without multi-stream transactions
   * (EventStoreDB 23) leaves it out and callers append stream by stream (see handleCommands).
   */
  appendToStreams?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream in revision order; an absent stream reads as an empty list. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the newest event (0n when the log is empty). */
  headPosition(): Promise<bigint>;
  /**
   * Catch-up subscription to $all: delivers every event after fromPosition in order, one at a
   * time (the next waits for the handler's promise), then follows new events live.
   */
  subscribeToAll(handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

/** The one error a writer sees when another writer got there first. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Current revision of the stream, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`wrong expected revision on stream ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An append whose stream id, event id or type is not well-formed UTF-16 (a lone surrogate). */
export class MalformedIdError extends Error {
  override readonly name = 'MalformedIdError';
  constructor(readonly field: 'stream id' | 'event id' | 'event type', readonly value: string) {
    super(`${field} ${JSON.stringify(value)} holds a lone UTF-16 surrogate: it cannot be stored and hashed as the same text`);
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses ids and types with a lone surrogate, before anything is written. Why: SQLite stores such
 * a string as bytes of its own while the chain hashes it as U+FFFD, so `audit verify` would report
 * an untouched event as changed (data and metadata are safe: JSON.stringify escapes lone
 * surrogates). Shared by adapters.
 */
export function assertWellFormedIds(streamId: string, events: readonly NewEvent[]): void {
  if (LONE_SURROGATE.test(streamId)) throw new MalformedIdError('stream id', streamId);
  for (const event of events) {
    if (LONE_SURROGATE.test(event.type)) throw new MalformedIdError('event type', event.type);
    if (event.id !== undefined && LONE_SURROGATE.test(event.id)) throw new MalformedIdError('event id', event.id);
  }
}

/** Checks an expectation against the current stream revision (-1n = no stream). Shared by adapters. */
export function assertExpectedRevision(streamId: string, expected: ExpectedRevision, current: bigint): void {
  const actual = current < 0n ? 'no_stream' : current;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current < 0n) ||
    (expected === 'stream_exists' && current >= 0n) ||
    (typeof expected === 'bigint' && expected === current);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
}
