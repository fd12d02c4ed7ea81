// The hash chain over a node's log. Each event's hash covers its place in the log (position,
// stream, revision), its identity (id, type, time), its data and metadata exactly as stored, and
// the previous event's hash, so changing, removing, inserting or reordering any event breaks every
// hash from there on. Pure: both the adapters (at append) and `fedflow audit verify` use it.
import { hash } from 'node:crypto';

/** What ChainVerifier.hashAt answers for a checkpointed position whose event has no stored hash. */
export const UNLINKED = 'unlinked';

/** The "previous hash" of the first event of a log. */
export const GENESIS_HASH = '0'.repeat(64);

/** One event as the chain sees it: data and metadata are the stored JSON text. */
export interface ChainedFields {
  readonly position: bigint | number;
  readonly streamId: string;
  readonly revision: bigint | number;
  readonly eventId: string;
  readonly type: string;
  readonly created: number;
  readonly data: string;
  readonly metadata: string;
}

/**
 * SHA-256 (hex) of a canonical encoding, one line per field: the previous hash, position, revision
 * and time (digits), then stream id, event id and type each prefixed by its length, then the
 * lengths of the data and metadata texts, then those two texts. Every length is given, so no
 * character can move from one field to another unnoticed. (A template string and one-shot hash:
 * `audit verify` runs this for every event of the log.)
 */
export function eventHash(previousHash: string, e: ChainedFields): string {
  return chainHash(previousHash, e.position, e.revision, e.created, e.streamId, e.eventId, e.type, e.data, e.metadata);
}

/**
 * eventHash with the fields as arguments: the sqlite writer's loop calls this for every event it
 * appends, without building an object per event (same text, same hash: a test holds it).
 */
export function chainHash(previousHash: string, position: bigint | number, revision: bigint | number, created: number, streamId: string, eventId: string, type: string, data: string, metadata: string): string {
  // One template, header and texts together: one string built, flattened and encoded once.
  return hash('sha256', `${previousHash}\n${position}\n${revision}\n${created}\n${streamId.length}:${streamId}\n${eventId.length}:${eventId}\n${type.length}:${type}\n${data.length}:${metadata.length}\n${data}${metadata}`);
}

/** The first event that does not fit the chain, and why. */
export interface ChainBreak {
  readonly position: string;
  readonly streamId: string;
  readonly revision: string;
  readonly type: string;
  readonly reason: string;
}

/** Breaks kept after the first (they help tell an edit, one break, from a swap, several). */
const MAX_BREAKS = 10;

/**
 * Checks events in log order against their stored hashes; feed it every event (`push`), then ask
 * for the verdict. Each event is checked against its stored predecessor, so an edited event breaks
 * alone, a removed one breaks its successor, a swap breaks both and the one after.
 */
export class ChainVerifier {
  private previous = GENESIS_HASH;
  /** Numbers, not bigints: a log's positions stay far below 2^53, and this loop is the verify speed. */
  private previousPosition: number | undefined;
  private count = 0;
  readonly breaks: ChainBreak[] = [];
  /** Hash of each position that checkpoints name, filled as the events pass. */
  private readonly wanted: Map<number, string | undefined>;

  /** Holes an excerpt leaves on purpose (a replayed filtered export): position → the hash before it. */
  private readonly excerpt: ReadonlyMap<number, string> | undefined;
  private gapsSeen = 0;

  /**
   * The events without a stored hash since the last one with a hash, and the first of them. At the
   * log's end they are its tail not linked yet (store/sqlite/chainLinks.ts): fine unless a
   * checkpoint names one of them. Followed by an event with a hash, they are breaks.
   */
  private hashless = 0;
  private firstHashless: ChainBreak | undefined;

  /**
   * `excerpt`: the holes a replayed excerpt declares. `after`: start mid-log, after this stored
   * event (a range of a parallel verify).
   */
  constructor(
    checkpointPositions: readonly bigint[] = [],
    options: { readonly excerpt?: ReadonlyMap<number, string>; readonly after?: { readonly position: number; readonly hash: string | null } } = {},
  ) {
    this.wanted = new Map(checkpointPositions.map((p) => [Number(p), undefined]));
    this.excerpt = options.excerpt?.size ? options.excerpt : undefined;
    if (options.after) {
      this.previous = options.after.hash ?? '';
      this.previousPosition = options.after.position;
    }
  }

  /** Declared holes met so far. */
  get declaredGaps(): number {
    return this.gapsSeen;
  }

  /** The stored hash of every checkpointed position this verifier passed. */
  checkpointHashes(): [number, string][] {
    return [...this.wanted].filter((e): e is [number, string] => e[1] !== undefined);
  }

  get events(): number {
    return this.count;
  }

  get lastPosition(): bigint | undefined {
    return this.previousPosition === undefined ? undefined : BigInt(this.previousPosition);
  }

  get headHash(): string {
    return this.previous;
  }

  hashAt(position: bigint): string | undefined {
    return this.wanted.get(Number(position));
  }

  push(e: ChainedFields, storedHash: string | null | undefined): void {
    this.count += 1;
    const position = Number(e.position);
    const declared = this.excerpt?.get(position);
    if (declared !== undefined && position > (this.previousPosition ?? 0) + 1) {
      // The excerpt says what came before the hole; the event must still chain to that.
      this.previous = declared;
      this.previousPosition = position - 1;
      this.gapsSeen += 1;
    }
    // Positions are never reused or skipped: a gap is a removal even where the hashes fit (a tail
    // cut, then new events chained onto the shortened log).
    const expectedPosition = (this.previousPosition ?? 0) + 1;
    if (storedHash === null || storedHash === undefined) {
      // Not linked (yet): judged by what follows. The hash it will get chains the ones after it.
      if (this.hashless === 0) this.firstHashless = { ...this.where(e, position), reason: 'the event has no hash, and events after it have one (written outside the chain, or its hash removed)' };
      this.hashless += 1;
      if (this.wanted.size && this.wanted.has(position)) this.wanted.set(position, UNLINKED);
      if (this.breaks.length < MAX_BREAKS && position !== expectedPosition) this.breaks.push(this.describe(e, position));
      this.previous = eventHash(this.previous, e);
      this.previousPosition = position;
      return;
    }
    if (this.hashless) this.hashlessBreak();
    if (this.breaks.length < MAX_BREAKS && (position !== expectedPosition || storedHash !== eventHash(this.previous, e))) this.breaks.push(this.describe(e, position));
    if (this.wanted.size && this.wanted.has(position)) this.wanted.set(position, storedHash);
    this.previous = storedHash;
    this.previousPosition = position;
  }

  /** The events at the end without a stored hash: the tail not linked yet. */
  get unlinked(): number {
    return this.hashless;
  }

  /** The first of those, as a break (for a range that turns out not to be the log's end). */
  get firstUnlinked(): ChainBreak | undefined {
    return this.hashless ? this.firstHashless : undefined;
  }

  /** Hashless events followed by one with a hash: not a tail, so each run is a break at its first event. */
  private hashlessBreak(): void {
    if (this.breaks.length < MAX_BREAKS && this.firstHashless) this.breaks.push(this.firstHashless);
    this.breaks.sort((a, b) => Number(a.position) - Number(b.position));
    this.hashless = 0;
    this.firstHashless = undefined;
  }

  get firstBreak(): ChainBreak | undefined {
    return this.breaks[0];
  }

  private where(e: ChainedFields, position: number): Omit<ChainBreak, 'reason'> {
    return { position: String(position), streamId: e.streamId, revision: String(e.revision), type: e.type };
  }

  /** Why an event out of place, or with a hash that does not fit, breaks the chain. */
  private describe(e: ChainedFields, position: number): ChainBreak {
    const where = this.where(e, position);
    const gap = position - (this.previousPosition ?? 0) - 1;
    if (gap > 0) {
      const from = (this.previousPosition ?? 0) + 1;
      return { ...where, reason: `${gap} event(s) missing before it (positions ${from}..${position - 1})` };
    }
    if (gap < 0) return { ...where, reason: `out of order: position ${position} follows position ${this.previousPosition}` };
    return { ...where, reason: 'hash mismatch: the event was changed, or the event before it is not the one it was chained to (edited, removed, inserted or swapped)' };
  }
}
