// Time travel: the views as they were at a log position (or time), computed by folding the events
// up to that point through the same projections into a throwaway in-memory database. Nothing of
// the past is stored; the answer is recomputed from the log each time it is asked.
import type { Database as Db } from 'better-sqlite3';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../src/store/eventStore.js';
import { ALL_PROJECTIONS } from './index.js';
import { openViewDatabase, ProjectionRunner } from './runner.js';

/** A log position, or a moment (ms since the epoch): the last event recorded at or before it. */
export type AsOf = { readonly position: bigint } | { readonly time: number };

const PAGE = 5000;

/** The position `asOf` names: itself, or the last event created at or before the time (0n: before the first). */
export async function positionAsOf(store: EventStore, asOf: AsOf): Promise<bigint> {
  if ('position' in asOf) return asOf.position;
  let last = 0n;
  for (let from = 0n; ;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    for (const e of page) {
      if (e.created > asOf.time) return last;
      last = e.position;
    }
    if (page.length < PAGE) return last;
    from = page[page.length - 1]!.position;
  }
}

/** The log cut at `upTo`: what the runner reads when rebuilding the past. */
function logUpTo(store: EventStore, upTo: bigint): EventStore {
  const readAll = async (options: ReadAllOptions = {}): Promise<RecordedEvent[]> => {
    if ((options.fromPosition ?? 0n) >= upTo) return [];
    const page = await store.readAll(options);
    const end = page.findIndex((e) => e.position > upTo);
    return end < 0 ? page : page.slice(0, end);
  };
  const refuse = (): never => {
    throw new Error('the past is read only');
  };
  return {
    readAll,
    readStream: refuse, appendToStream: refuse, headPosition: async () => upTo, subscribeToAll: refuse, close: async () => {},
  };
}

/**
 * Runs `query` against the views as of `asOf` and throws the throwaway database away. Returns the
 * answer and the position it reflects.
 */
export async function withViewsAsOf<T>(store: EventStore, asOf: AsOf, query: (views: Db) => T): Promise<{ answer: T; position: bigint }> {
  const position = await positionAsOf(store, asOf);
  const db = openViewDatabase(':memory:');
  try {
    await new ProjectionRunner(db, ALL_PROJECTIONS, logUpTo(store, position)).rebuild();
    return { answer: query(db), position };
  } finally {
    db.close();
  }
}
