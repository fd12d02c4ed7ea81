// The one way a command reaches a stream: read → fold → decide (pure) → append with the revision
// that was read. A concurrent writer makes the append fail; the command is then decided again on
// the fresh state (safe because deciders are pure), a few times before giving up.
import { fold, type Decider } from '../domain/decider.js';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
} from '../store/eventStore.js';

export interface HandledCommand<State, Event> {
  readonly events: Event[];
  /** State after the new events. */
  readonly state: State;
  /** Undefined when the command decided nothing. */
  readonly appended?: AppendResult;
}

export async function handleCommand<State, Command, Event extends { type: string; data: unknown }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  options: { retries?: number; metadata?: EventMetadata } = {},
): Promise<HandledCommand<State, Event>> {
  const retries = options.retries ?? 3;
  const cache = stateCache(store);
  for (let attempt = 0; ; attempt++) {
    // The state this node last wrote is reused: if another writer moved the stream on, the append
    // fails on the expected revision and the stream is read afresh.
    const cached = attempt === 0 ? (cache.get(streamId) as Cached<State> | undefined) : undefined;
    const { state, revision } = cached && cached.decider === decider ? cached : await loadState(store, streamId, decider);
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state };
    try {
      const appended = await store.appendToStream(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, ...(options.metadata ? { metadata: options.metadata } : {}) })),
        { expectedRevision: revision ?? 'no_stream' },
      );
      const next = events.reduce(decider.evolve, state);
      remember(cache, streamId, { decider, state: next, revision: appended.nextExpectedRevision });
      return { events, state: next, appended };
    } catch (error) {
      cache.delete(streamId);
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= retries) throw error;
    }
  }
}

interface Cached<State> {
  readonly decider: unknown;
  readonly state: State;
  readonly revision: bigint | null;
}

const MAX_CACHED_STREAMS = 20_000;
const caches = new WeakMap<EventStore, Map<string, Cached<unknown>>>();

function stateCache(store: EventStore): Map<string, Cached<unknown>> {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  return cache;
}

function remember(cache: Map<string, Cached<unknown>>, streamId: string, entry: Cached<unknown>): void {
  cache.delete(streamId);
  cache.set(streamId, entry);
  // Oldest first in a Map: drop the least recently written stream.
  if (cache.size > MAX_CACHED_STREAMS) cache.delete(cache.keys().next().value!);
}

/** Current state of a stream without deciding anything. */
export async function loadState<State, Event>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<State, unknown, Event>, 'evolve' | 'initialState'>,
): Promise<{ state: State; revision: bigint | null }> {
  const recorded = await store.readStream(streamId);
  const state = fold(decider, recorded.map((r) => ({ type: r.type, data: r.data }) as Event));
  return { state, revision: recorded.length ? recorded[recorded.length - 1]!.revision : null };
}
