// Event store over EventStoreDB/KurrentDB (gRPC, @eventstore/db-client). The port borrows ESDB's
// vocabulary, so this is mostly translation; the differences handled here:
// - our position is one bigint (the commit position);
// - our readAll is exclusive of fromPosition while ESDB reads $all inclusively;
// - system events (type `$…`) are hidden from readAll, headPosition and subscriptions.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type Direction,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  assertWellFormedIds,
  assertExpectedRevision,
  WrongExpectedRevisionError,
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
import { commitPositionOf, isSystemEvent, toEsdbPosition, toEventData, toRecordedEvent } from './esdbEvents.js';
import { EsdbSubscription } from './esdbSubscription.js';
import { stampEvents, type NodeIdentity } from '../audit/stampMetadata.js';

/** Records fetched per $all round trip. */
const PAGE_SIZE = 500;

export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbSubscription>();

  /** `esdb://host:2113?tls=false` or `esdb+discover://…`; the client connects lazily. */
  static connect(connectionString: string, options: { readonly node?: NodeIdentity } = {}): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: { readonly node?: NodeIdentity } = {},
  ) {}

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertWellFormedIds(streamId, events);
    if (events.length === 0) return this.checkExpectation(streamId, expected);
    try {
      // Our ExpectedRevision values are ESDB's constants ('any', 'no_stream', 'stream_exists', bigint).
      const result = await this.client.appendToStream(streamId, stampEvents(events, this.options.node).map(toEventData), { expectedRevision: expected });
      // Only when the connection string sets throwOnAppendFailure=false.
      if (!result.success) {
        const actual = result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision;
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      // The append's commit position is the last event's; re-read only if the server left it out.
      const position = result.position?.commit ?? (await this.lastEventOf(streamId))?.position ?? 0n;
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new WrongExpectedRevisionError(streamId, expected, error.actualVersion);
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamEvents(streamId, FORWARDS, options.fromRevision ?? START, options.maxCount);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const found: RecordedEvent[] = [];
    let after = options.fromPosition;
    let cursor: ReadPosition = after === undefined || after === 0n ? START : toEsdbPosition(after);
    while (found.length < wanted) {
      // +1: ESDB starts at the cursor itself, which we have already seen.
      const requested = Math.min(PAGE_SIZE, wanted - found.length + 1);
      const page = await this.readAllPage(cursor, requested, FORWARDS);
      let advanced = false;
      for (const event of page) {
        const position = event.position.commit;
        if (after !== undefined && position <= after) continue;
        cursor = event.position;
        after = position;
        advanced = true;
        if (isSystemEvent(event)) continue;
        found.push(toRecordedEvent(event, position));
        if (found.length >= wanted) break;
      }
      if (page.length < requested || !advanced) break;
    }
    return found;
  }

  async headPosition(): Promise<bigint> {
    let cursor: ReadPosition = END;
    let before: bigint | undefined;
    for (;;) {
      const page = await this.readAllPage(cursor, PAGE_SIZE, BACKWARDS);
      let advanced = false;
      for (const event of page) {
        const position = event.position.commit;
        if (before !== undefined && position >= before) continue;
        if (!isSystemEvent(event)) return position;
        cursor = event.position;
        before = position;
        advanced = true;
      }
      if (page.length < PAGE_SIZE || !advanced) return 0n;
    }
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    const from = options.fromPosition;
    const source = this.client.subscribeToAll({
      // A catch-up subscription from a position is exclusive, like ours; START covers 0n too.
      fromPosition: from === undefined || from === 0n ? START : toEsdbPosition(from),
      filter: excludeSystemEvents(),
    });
    const subscription = new EsdbSubscription(source, handler, options, (stopped) => this.subscriptions.delete(stopped));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.unsubscribe()));
    await this.client.dispose();
  }

  /** An empty append writes nothing, but the caller still learns whether its expectation holds. */
  private async checkExpectation(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const last = await this.lastEventOf(streamId);
    assertExpectedRevision(streamId, expected, last?.revision ?? -1n);
    return { nextExpectedRevision: last?.revision ?? -1n, position: last?.position ?? 0n };
  }

  private async lastEventOf(streamId: string): Promise<RecordedEvent | undefined> {
    const [last] = await this.readStreamEvents(streamId, BACKWARDS, END, 1);
    return last;
  }

  private async readStreamEvents(
    streamId: string,
    direction: Direction,
    fromRevision: bigint | typeof START | typeof END,
    maxCount: number | undefined,
  ): Promise<RecordedEvent[]> {
    if (maxCount !== undefined && maxCount <= 0) return [];
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { direction, fromRevision, maxCount })) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, commitPositionOf(resolved.event, resolved.commitPosition)));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  private async readAllPage(from: ReadPosition, maxCount: number, direction: Direction): Promise<AllStreamRecordedEvent[]> {
    const events: AllStreamRecordedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition: from, maxCount, direction })) {
      if (resolved.event) events.push(resolved.event);
    }
    return events;
  }
}
