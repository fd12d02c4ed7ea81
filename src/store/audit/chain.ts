// The hash chain over a node's log. Each event's hash covers its place in the log (position,
// stream, revision), its identity (id, type, time), its data and metadata exactly as stored, and
// the previous event's hash, so changing, removing, inserting or reordering any event breaks every
// hash from there on. Pure: both the adapters (at append) and `fedflow audit verify` use it.
import { createHash } from 'node:crypto';

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
 * SHA-256 of a canonical encoding: a JSON header (previous hash, place, identity, time and the
 * lengths of the two texts, so no byte can move from one field to another unnoticed), a newline,
 * the data text, the metadata text.
 */
export function eventHash(previousHash: string, e: ChainedFields): string {
  const header = JSON.stringify([previousHash, String(e.position), e.streamId, String(e.revision), e.eventId, e.type, e.created, e.data.length, e.metadata.length]);
  return createHash('sha256').update(header).update('\n').update(e.data).update(e.metadata).digest('hex');
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
  private previousPosition: bigint | undefined;
  private count = 0;
  readonly breaks: ChainBreak[] = [];
  /** Hash of each position that checkpoints name, filled as the events pass. */
  private readonly wanted: Map<bigint, string | undefined>;

  constructor(checkpointPositions: readonly bigint[] = []) {
    this.wanted = new Map(checkpointPositions.map((p) => [p, undefined]));
  }

  get events(): number {
    return this.count;
  }

  get lastPosition(): bigint | undefined {
    return this.previousPosition;
  }

  get headHash(): string {
    return this.previous;
  }

  hashAt(position: bigint): string | undefined {
    return this.wanted.get(position);
  }

  push(e: ChainedFields, storedHash: string | null | undefined): void {
    this.count += 1;
    const position = BigInt(e.position);
    if (this.breaks.length < MAX_BREAKS && storedHash !== eventHash(this.previous, e)) this.breaks.push(this.describe(e, position, storedHash));
    if (this.wanted.has(position)) this.wanted.set(position, storedHash ?? undefined);
    this.previous = storedHash ?? '';
    this.previousPosition = position;
  }

  get firstBreak(): ChainBreak | undefined {
    return this.breaks[0];
  }

  private describe(e: ChainedFields, position: bigint, stored: string | null | undefined): ChainBreak {
    const where = { position: String(position), streamId: e.streamId, revision: String(e.revision), type: e.type };
    const gap = this.previousPosition !== undefined ? position - this.previousPosition - 1n : position - 1n;
    if (!stored) return { ...where, reason: 'the event has no hash (written outside the chain)' };
    if (gap > 0n) {
      const from = (this.previousPosition ?? 0n) + 1n;
      return { ...where, reason: `${gap} event(s) missing before it (positions ${from}..${position - 1n})` };
    }
    if (gap < 0n) return { ...where, reason: `out of order: position ${position} follows position ${this.previousPosition}` };
    return { ...where, reason: 'hash mismatch: the event was changed, or the event before it is not the one it was chained to (edited, removed, inserted or swapped)' };
  }
}
