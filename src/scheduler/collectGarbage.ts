// A full garbage collection on demand in a task worker (issue 17). V8 frees a dead ArrayBuffer's
// memory only when a collection finds it, and an isolate collects when it allocates: a task worker
// that has finished a big task and waits (for its job's next component, or for nothing) keeps the
// task's dead tables — the upload's line bytes, input columns, the keys — resident for as long as it
// waits, while the other party's worker allocates its own. Measured at 10M rows: a guest worker
// idle after DataIO held ~2 GB of garbage for the two minutes the host's DataIO took. A collection
// of a heap whose big tables are dead takes tens of milliseconds (the typed arrays are not scanned).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Tables at least this long make a task "big": its end (and its inputs' release) collects. A full
 * collection costs ~0.1 s of a heap of a million keys: at 1M rows the 16 collections of
 * bench:scale's job cost 1.4–2 s of CPU (load ~5) for ~100 MB of peak, so below 2M rows the
 * runtime lets V8 collect when it allocates.
 */
export const COLLECT_AFTER_ROWS = 2_000_000;

let gc: (() => void) | undefined;

/** Runs a full collection (the flag is set once; a context made after it has `gc`). */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
