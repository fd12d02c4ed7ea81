// The one way a command reaches a stream: read → fold → decide (pure) → append with the revision
// that was read. A concurrent writer makes the append fail; the command is then decided again on
// the fresh state (safe because deciders are pure), a few times before giving up.
import { fold, type Decider } from '../domain/decider.js';
import { deciderName } from '../domain/deciderRegistry.js';
import { canonicalJson } from './canonicalJson.js';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type StreamAppend,
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
  options: { retries?: number; metadata?: EventMetadata; assumeNew?: boolean } = {},
): Promise<HandledCommand<State, Event>> {
  const retries = options.retries ?? 3;
  const cache = stateCache(store);
  for (let attempt = 0; ; attempt++) {
    const { state, revision, events } = await decideOn(store, cache, streamId, decider, command, attempt, options.assumeNew);
    if (events.length === 0) return { events, state };
    try {
      const appended = await store.appendToStream(
        streamId,
        withDecision(events, decider, command, options.metadata),
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

/** A command for one stream, as handleCommands takes them. */
export interface StreamCommand {
  readonly streamId: string;
  // Each command brings its own decider, so their types differ within one call.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly decider: Decider<any, any, any>;
  readonly command: unknown;
  /** The stream is most likely new (see decideOn). */
  readonly assumeNew?: boolean;
}

type AnyHandled = HandledCommand<unknown, { type: string; data: unknown }>;

/**
 * Commands (each decided on its own stream) and plain appends (events that need no decision,
 * e.g. tracking facts) recorded in one transaction when the store can (EventStore.appendToStreams):
 * all their events or none, in the order given, one commit instead of one per stream. Each command
 * is appended with the revision its decision was made on; a concurrent writer makes the whole
 * unit fail and it is decided again. A store without multi-stream appends gets them one by one,
 * in the same order. Returns what each command decided (in order) and the last event's position.
 */
export async function handleCommands(
  store: EventStore,
  entries: readonly (StreamCommand | StreamAppend)[],
  options: { retries?: number } = {},
): Promise<{ handled: AnyHandled[]; position?: bigint }> {
  const isCommand = (e: StreamCommand | StreamAppend): e is StreamCommand => 'decider' in e;
  if (!store.appendToStreams) {
    let position: bigint | undefined;
    const handled: AnyHandled[] = [];
    for (const e of entries) {
      if (isCommand(e)) {
        const done = await handleCommand(store, e.streamId, e.decider, e.command, { assumeNew: e.assumeNew ?? false });
        if (done.appended) position = done.appended.position;
        handled.push(done);
      } else if (e.events.length) {
        position = (await store.appendToStream(e.streamId, e.events, { expectedRevision: e.expectedRevision ?? 'any' })).position;
      }
    }
    return { handled, ...(position !== undefined ? { position } : {}) };
  }
  const retries = options.retries ?? 3;
  const cache = stateCache(store);
  for (let attempt = 0; ; attempt++) {
    const decided = await Promise.all(entries.filter(isCommand).map(async (c) => {
      const { state, revision, events } = await decideOn(store, cache, c.streamId, c.decider, c.command, attempt, c.assumeNew);
      return { c, state, revision, events: events as { type: string; data: unknown }[] };
    }));
    const appends: StreamAppend[] = [];
    const slot = new Map<unknown, number>();
    let nextCommand = 0;
    for (const e of entries) {
      if (!isCommand(e)) {
        if (e.events.length) appends.push(e);
        continue;
      }
      const d = decided[nextCommand++]!;
      if (d.events.length === 0) continue;
      slot.set(d, appends.length);
      appends.push({ streamId: d.c.streamId, events: withDecision(d.events, d.c.decider, d.c.command), expectedRevision: d.revision ?? 'no_stream' });
    }
    if (appends.length === 0) return { handled: decided.map((d) => ({ events: d.events, state: d.state })) };
    try {
      const results = await store.appendToStreams(appends);
      const handled = decided.map((d): AnyHandled => {
        const at = slot.get(d);
        if (at === undefined) return { events: d.events, state: d.state };
        const appended = results[at]!;
        const state = d.events.reduce(d.c.decider.evolve, d.state);
        remember(cache, d.c.streamId, { decider: d.c.decider, state, revision: appended.nextExpectedRevision });
        return { events: d.events, state, appended };
      });
      return { handled, position: results[results.length - 1]!.position };
    } catch (error) {
      for (const d of decided) cache.delete(d.c.streamId);
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= retries) throw error;
    }
  }
}

/**
 * A decision's events as appended: the first one carries the command that produced them, the
 * decider's name and how many events the decision made (metadata `command`, `decider`,
 * `decisionEvents`), so `fedflow replay --check` can decide it again with today's code
 * (eventSourcing/redriveLog.ts). One JSON value per decision, not per event; commands are plain
 * data with their times inside, and deciders are pure, so the command is all a re-drive needs.
 * Many commands carry their first event's data as is (StartTask → TaskStarted, CreateJob →
 * JobCreated with its DSL and conf): then only `{type, dataFromEvent: true}` is recorded.
 */
export function withDecision(
  events: readonly { type: string; data: unknown }[],
  decider: unknown,
  command: unknown,
  metadata?: EventMetadata,
): NewEvent[] {
  return events.map((e, i) => {
    const decision = i === 0 ? { command: commandToRecord(command, e.data), decider: deciderName(decider), decisionEvents: events.length } : {};
    const m = { ...(metadata ?? {}), ...decision };
    return { type: e.type, data: e.data, ...(Object.keys(m).length ? { metadata: m } : {}) };
  });
}

function commandToRecord(command: unknown, firstEventData: unknown): unknown {
  const c = command as { type?: unknown; data?: unknown } | null;
  if (c === null || typeof c !== 'object' || typeof c.data !== 'object' || c.data === null || Object.keys(c).length !== 2) return command;
  return canonicalJson(c.data) === canonicalJson(firstEventData) ? { type: c.type, dataFromEvent: true } : command;
}

/** The command a decision recorded (see withDecision), given the decision's first recorded event. */
export function recordedCommand(recorded: unknown, firstEvent: { data: unknown }): unknown {
  const c = recorded as { type?: unknown; dataFromEvent?: unknown } | null;
  return c !== null && typeof c === 'object' && c.dataFromEvent === true ? { type: c.type, data: firstEvent.data } : recorded;
}

/**
 * The state a command is decided on, and its decision. The state this node last wrote is reused:
 * if another writer moved the stream on, the append fails on the expected revision and the stream
 * is read afresh on the next attempt. With `assumeNew` (a stream this command normally creates: a
 * task's start, an output table, a new job's rows) the first attempt decides on the empty stream
 * without reading it; the append then expects no stream, so an existing one fails the append and
 * is read on the next attempt, and a decision that refuses or does nothing is checked on the real
 * state at once. Same outcomes, one read fewer per new stream.
 */
async function decideOn<State, Event>(
  store: EventStore,
  cache: Map<string, Cached<unknown>>,
  streamId: string,
  decider: Decider<State, unknown, Event>,
  command: unknown,
  attempt: number,
  assumeNew: boolean | undefined,
): Promise<{ state: State; revision: bigint | null; events: Event[] }> {
  const cached = attempt === 0 ? (cache.get(streamId) as Cached<State> | undefined) : undefined;
  if (cached && cached.decider === decider) return { ...cached, events: decider.decide(command, cached.state) };
  if (attempt === 0 && assumeNew) {
    const state = decider.initialState();
    try {
      const events = decider.decide(command, state);
      if (events.length) return { state, revision: null, events };
    } catch {
      // Refused on the empty stream: the real state decides (and throws if it refuses too).
    }
  }
  const { state, revision } = await loadState(store, streamId, decider);
  return { state, revision, events: decider.decide(command, state) };
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
