// The upgrade safety check of `fedflow replay --check`: every decision recorded in a log (the
// command handleCommand stamped on its first event) is decided again by today's decider on the
// state folded from the stream's events before it, and what today's code produces is compared with
// what was recorded (type and data, canonical JSON). A difference means an upgrade changed what a
// command does to an existing stream. Events written without a recorded command (before commands
// were recorded, or plain appends) cannot be re-driven: they are counted, folded, never failed.
import { deciderForStream, DECIDERS, type RegisteredDecider } from '../domain/deciderRegistry.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { canonicalJson } from './canonicalJson.js';
import { recordedCommand } from './handleCommand.js';

export interface RedriveDifference {
  readonly streamId: string;
  /** Revision of the decision's first recorded event. */
  readonly revision: string;
  readonly command: string;
  /** What differs, in words: the event type (or count) and both sides. */
  readonly message: string;
  readonly expected: readonly { type: string; data: unknown }[];
  readonly produced: readonly { type: string; data: unknown }[] | { refused: string };
}

export interface RedriveReport {
  readonly streams: number;
  /** Decisions decided again. */
  readonly redriven: number;
  readonly matching: number;
  /** Decisions that differ, plus streams today's decider cannot fold (all counted; `differences` keeps the first few). */
  readonly different: number;
  /** Events of decided streams without a recorded command (older logs, plain appends). */
  readonly notRedrivable: number;
  /** Events of streams no registered decider writes (tracking), by category. */
  readonly undecided: number;
  /** Decisions recorded by another decider than today's for their stream's category (re-driven with today's). */
  readonly otherDecider: number;
  readonly differences: readonly RedriveDifference[];
}

const PAGE = 5_000;

/** Re-drives the whole log of `store`; at most `maxDifferences` differences are kept (all are counted in `different`). */
export async function redriveLog(
  store: Pick<EventStore, 'readAll'>,
  options: { registry?: readonly RegisteredDecider[]; maxDifferences?: number } = {},
): Promise<RedriveReport> {
  const registry = options.registry ?? DECIDERS;
  const maxDifferences = options.maxDifferences ?? 10;
  // Stream by stream in revision order: the global log in pages, grouped (events of one stream are
  // in revision order in the log already).
  const streams = new Map<string, RecordedEvent[]>();
  for (let from = 0n; ;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    for (const e of page) {
      let list = streams.get(e.streamId);
      if (!list) streams.set(e.streamId, (list = []));
      list.push(e);
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1]!.position;
  }
  let redriven = 0;
  let matching = 0;
  let notRedrivable = 0;
  let undecided = 0;
  let otherDecider = 0;
  let different = 0;
  const differences: RedriveDifference[] = [];
  const differ = (d: RedriveDifference): void => {
    different += 1;
    if (differences.length < maxDifferences) differences.push(d);
  };
  for (const [streamId, events] of streams) {
    const entry = deciderForStream(streamId, registry);
    if (!entry) {
      undecided += events.length;
      continue;
    }
    const { decider } = entry;
    let state = decider.initialState();
    // Today's evolve on a recorded event; a throw (an event type or shape today's code no longer
    // knows, with no upcaster) is itself a difference, and the rest of the stream cannot be re-driven.
    const foldOn = (recorded: readonly RecordedEvent[]): boolean => {
      for (const e of recorded) {
        try {
          state = decider.evolve(state, plain(e));
        } catch (error) {
          differ({
            streamId, revision: String(e.revision), command: '(fold)', expected: [plain(e)], produced: { refused: messageOf(error) },
            message: `today's ${entry.name} decider cannot fold the recorded ${e.type} (${messageOf(error)}); the rest of the stream is not re-driven`,
          });
          notRedrivable += events.length - events.indexOf(e) - 1;
          return false;
        }
      }
      return true;
    };
    for (let i = 0; i < events.length;) {
      const first = events[i]!;
      const m = first.metadata as { command?: unknown; decider?: unknown; decisionEvents?: unknown };
      const size = typeof m.decisionEvents === 'number' && m.decisionEvents >= 1 ? m.decisionEvents : 1;
      if (m.command === undefined) {
        notRedrivable += 1;
        i += 1;
        if (!foldOn([first])) break;
        continue;
      }
      if (m.decider !== undefined && m.decider !== entry.name) otherDecider += 1;
      const recordedEvents = events.slice(i, i + size);
      const recorded = recordedEvents.map(plain);
      redriven += 1;
      let produced: { type: string; data: unknown }[] | { refused: string };
      try {
        produced = decider.decide(recordedCommand(m.command, recorded[0]!), state).map((e) => ({ type: e.type, data: e.data }));
      } catch (error) {
        produced = { refused: messageOf(error) };
      }
      const message = compare(recorded, produced);
      if (message === null) matching += 1;
      else differ({ streamId, revision: String(first.revision), command: commandType(m.command), message, expected: recorded, produced });
      // The recorded history goes on, whatever today's code would have done.
      i += recorded.length;
      if (!foldOn(recordedEvents)) break;
    }
  }
  return { streams: streams.size, redriven, matching, notRedrivable, undecided, otherDecider, different, differences };
}

function plain(e: RecordedEvent): { type: string; data: unknown } {
  return { type: e.type, data: e.data };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function commandType(command: unknown): string {
  const t = (command as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t : '(untyped command)';
}

/** Null when equal; else the first difference in words. */
function compare(expected: readonly { type: string; data: unknown }[], produced: readonly { type: string; data: unknown }[] | { refused: string }): string | null {
  if (!Array.isArray(produced)) return `today's decider refuses the command (${(produced as { refused: string }).refused}); recorded ${expected.map((e) => e.type).join(', ')}`;
  const n = Math.max(expected.length, produced.length);
  for (let k = 0; k < n; k++) {
    const a = expected[k];
    const b = produced[k];
    if (!a) return `today's decider produces an extra event ${b!.type} (${canonicalJson(b!.data)})`;
    if (!b) return `today's decider no longer produces ${a.type} (${canonicalJson(a.data)})`;
    if (a.type !== b.type) return `event ${k + 1} of the decision: recorded ${a.type}, today ${b.type}`;
    const ja = canonicalJson(a.data);
    const jb = canonicalJson(b.data);
    if (ja !== jb) return `${a.type}: recorded ${ja}, today ${jb}`;
  }
  return null;
}
