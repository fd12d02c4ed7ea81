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
  for (let attempt = 0; ; attempt++) {
    const recorded = await store.readStream(streamId);
    const state = fold(decider, recorded.map((r) => ({ type: r.type, data: r.data }) as Event));
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state };
    const expectedRevision = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1]!.revision;
    try {
      const appended = await store.appendToStream(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, ...(options.metadata ? { metadata: options.metadata } : {}) })),
        { expectedRevision },
      );
      return { events, state: events.reduce(decider.evolve, state), appended };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= retries) throw error;
    }
  }
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
