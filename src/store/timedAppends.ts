// Times every append of a store (one stream or several in one commit) for the node's event-append
// latency histogram, without touching the adapters: the store's append methods are wrapped in place.
import type { EventStore } from './eventStore.js';

/** `observe(seconds, events)` after each append, successful or not. Returns the same store. */
export function timeAppends<S extends EventStore>(store: S, observe: (seconds: number, events: number) => void): S {
  const single = store.appendToStream.bind(store);
  store.appendToStream = async (streamId, events, options) => {
    const started = performance.now();
    try {
      return await single(streamId, events, options);
    } finally {
      observe((performance.now() - started) / 1000, events.length);
    }
  };
  const many = store.appendToStreams?.bind(store);
  if (many) {
    store.appendToStreams = async (appends) => {
      const started = performance.now();
      try {
        return await many(appends);
      } finally {
        observe((performance.now() - started) / 1000, appends.reduce((n, a) => n + a.events.length, 0));
      }
    };
  }
  return store;
}
