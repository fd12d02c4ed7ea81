// In-memory event store for unit tests: same semantics as the persistent adapters, nothing kept.
// Positions are 1-based indexes into one array, so "events after position p" start at index p.
import { randomUUID } from 'node:crypto';
import {
  assertWellFormedIds,
  assertExpectedRevision,
  type AppendResult,
  type EventMetadata,
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
import { eventHash, GENESIS_HASH } from '../audit/chain.js';
import { stampEvents, type NodeIdentity } from '../audit/stampMetadata.js';
import { upcast } from '../audit/upcasters.js';

export class MemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly subscriptions = new Set<MemorySubscription>();
  private lastHash = GENESIS_HASH;

  constructor(private readonly options: { readonly node?: NodeIdentity } = {}) {}

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return this.appendNow([{ streamId, events, ...(options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {}) }])[0]!;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    return this.appendNow(appends);
  }

  /** Checks every expectation and builds every record first: then writes all, or throws having written nothing. */
  private appendNow(appends: readonly StreamAppend[]): AppendResult[] {
    const created = Date.now();
    const heads = new Map<string, bigint>();
    const headOf = (streamId: string) => heads.get(streamId) ?? BigInt(this.streams.get(streamId)?.length ?? 0) - 1n;
    let position = this.log.length;
    let hash = this.lastHash;
    const planned = appends.map(({ streamId, events, expectedRevision }) => {
      assertWellFormedIds(streamId, events);
      const current = headOf(streamId);
      assertExpectedRevision(streamId, expectedRevision ?? 'any', current);
      const recorded = stampEvents(events, this.options.node).map((event, index): RecordedEvent => {
        // Chained over the JSON text, as the sqlite adapter stores it.
        const data = JSON.stringify(event.data ?? null);
        const metadata = JSON.stringify(event.metadata ?? {});
        const fields = { id: event.id ?? randomUUID(), streamId, type: event.type, revision: current + 1n + BigInt(index), position: BigInt(++position), created };
        hash = eventHash(hash, { ...fields, eventId: fields.id, data, metadata });
        return { ...fields, data: JSON.parse(data) as unknown, metadata: JSON.parse(metadata) as EventMetadata, hash };
      });
      heads.set(streamId, current + BigInt(recorded.length));
      return { streamId, current, recorded };
    });
    const results = planned.map(({ streamId, current, recorded }): AppendResult => {
      const stream = this.streams.get(streamId) ?? [];
      if (recorded.length === 0) return { nextExpectedRevision: current, position: stream.at(-1)?.position ?? 0n };
      this.log.push(...recorded);
      stream.push(...recorded);
      this.streams.set(streamId, stream);
      const last = recorded.at(-1)!;
      return { nextExpectedRevision: last.revision, position: last.position };
    });
    this.lastHash = hash;
    if (planned.some((p) => p.recorded.length > 0)) for (const subscription of this.subscriptions) subscription.notify();
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Number(options.fromRevision ?? 0n);
    const stream = this.streams.get(streamId) ?? [];
    return stream.slice(from, options.maxCount === undefined ? undefined : from + options.maxCount).map(upcast);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const from = Number(options.fromPosition ?? 0n);
    return this.log.slice(from, options.maxCount === undefined ? undefined : from + options.maxCount).map(upcast);
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.log.length);
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    const subscription = new MemorySubscription(this.log, handler, options, (stopped) => this.subscriptions.delete(stopped));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.unsubscribe()));
  }
}

class MemorySubscription implements Subscription {
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private readonly running: Promise<void>;

  constructor(
    private readonly log: readonly RecordedEvent[],
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscribeOptions,
    private readonly onStopped: (subscription: MemorySubscription) => void,
  ) {
    this.running = this.run(Number(options.fromPosition ?? 0n));
  }

  notify(): void {
    this.wakeUp?.();
  }

  async unsubscribe(): Promise<void> {
    this.stop();
    await this.running;
  }

  private async run(nextIndex: number): Promise<void> {
    // Start on a later tick so the caller holds the Subscription before the first handler call.
    await null;
    while (!this.stopped) {
      const event = this.log[nextIndex];
      if (!event) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        continue;
      }
      nextIndex += 1;
      try {
        await this.handler(upcast(event));
      } catch (error) {
        this.stop();
        if (this.options.onError) this.options.onError(error);
        // Nobody listens: a reader that silently stops is worse than a crash.
        else queueMicrotask(() => {
          throw error;
        });
        return;
      }
    }
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.wakeUp?.();
    this.onStopped(this);
  }
}
