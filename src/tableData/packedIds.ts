// A long list of ids as it crosses threads (scheduler/packedPayload.ts): one string, the ids joined
// by '\n', and their count. A component that only looks ids up or compares them with its own (the
// raw Intersection's sets, HeteroLR's batch and predict ids on a host) reads them in that form:
// splitting a million ids into a million strings costs ~0.2–0.5 s and as much again in GC, for
// strings that are only hashed and compared once. What the parties exchange is the same list either
// way: the packed form exists only between the threads of one node.

/** The packed form: the ids joined by '\n' (no id holds one) and how many there are. */
export interface PackedStrings {
  readonly fedflowPackedStrings: string;
  readonly count: number;
}

export function isPackedStrings(payload: unknown): payload is PackedStrings {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    && typeof (payload as PackedStrings).fedflowPackedStrings === 'string' && typeof (payload as PackedStrings).count === 'number'
    && Object.keys(payload).length === 2;
}

/**
 * The ids at `indexes` (ascending) joined with '\n', cut from their whole join (`starts[i]`: where
 * id i begins in it) one substring per run of consecutive indexes.
 */
function joinRuns(joined: string, starts: Int32Array | Float64Array, indexes: Int32Array): string {
  const n = indexes.length;
  const pieces: string[] = [];
  for (let k = 0; k < n; ) {
    let end = k + 1;
    while (end < n && indexes[end] === indexes[end - 1]! + 1) end++;
    pieces.push(joined.slice(starts[indexes[k]!]!, starts[indexes[end - 1]! + 1]! - 1));
    k = end;
  }
  return pieces.join('\n');
}

/** A packed list read in place: id i is joined[start(i), end(i)), no string per id unless asked. */
export class PackedIds {
  readonly length: number;
  readonly joined: string;
  /** starts[i] is where id i begins; starts[length] is joined.length + 1 (one past a final separator). */
  private readonly starts: Int32Array;

  /** Throws when the count does not match the separators (another party can send any shape). */
  constructor(packed: PackedStrings) {
    const joined = packed.fedflowPackedStrings;
    const count = packed.count;
    if (!Number.isInteger(count) || count < 1 || joined.length >= 0x7fff_ffff) throw new Error(`a packed list of ${count} strings is not a list`);
    const starts = new Int32Array(count + 1);
    let k = 1;
    for (let at = joined.indexOf('\n'); at !== -1; at = joined.indexOf('\n', at + 1)) {
      if (k === count) throw new Error(`a packed list of ${count} strings holds more`);
      starts[k++] = at + 1;
    }
    if (k !== count) throw new Error(`a packed list of ${count} strings holds ${k}`);
    starts[count] = joined.length + 1;
    this.joined = joined;
    this.length = count;
    this.starts = starts;
  }

  start(i: number): number {
    return this.starts[i]!;
  }

  /** One past id i's last character. */
  end(i: number): number {
    return this.starts[i + 1]! - 1;
  }

  at(i: number): string {
    return this.joined.slice(this.starts[i]!, this.starts[i + 1]! - 1);
  }

  /** Whether id i is `s`. */
  equals(i: number, s: string): boolean {
    const start = this.starts[i]!;
    return this.starts[i + 1]! - 1 - start === s.length && this.joined.startsWith(s, start);
  }

  /**
   * The ids at `indexes` (ascending) joined with '\n': runs of consecutive ids cut from the join, a
   * substring a run (see JoinedIds.joinAt).
   */
  joinAt(indexes: Int32Array): string {
    return joinRuns(this.joined, this.starts, indexes);
  }

  /** The ids as strings (for the rare caller that needs them all). */
  toArray(): string[] {
    return this.joined.split('\n');
  }
}

/** Lists shorter than this cross threads as they are (the clone is cheap; packing would only add a step). */
export const PACK_MIN = 10_000;
/** The separator of a packed list: upload lines end at '\n', so no uploaded key holds one. */
export const PACK_SEPARATOR = '\n';
const joinedOf = new WeakMap<readonly string[], JoinedIds>();

/**
 * A party's ids joined once, so that runs of them go out packed, a substring each, where the
 * federation takes packed lists (`remotePacked`): HeteroLR's guest names its batches' ids and then
 * all its ids again (predictions), which a worker would otherwise join into a packed list each time.
 * One per ids array ({@link joinedIds}), so every sender of the same ids shares the join.
 */
export class JoinedIds {
  /** Undefined: not joined yet; null: an id holds '\n', so the ids cannot be packed. */
  private joined: string | null | undefined;
  private starts: Float64Array | undefined;

  /** `joined`: the keys joined with '\n', when the caller already holds that string (knownJoinedIds). */
  constructor(readonly keys: readonly string[], joined?: string) {
    this.joined = joined;
  }

  /**
   * keys[from, to) in the packed form, or null when the ids cannot be packed (an id holds '\n'):
   * what a send of that list hands a federation that takes packed lists (components/federatedIds.ts).
   */
  packedRange(from: number, to: number): PackedStrings | null {
    if (this.join() === null) return null;
    let packed = this.joined!;
    if (from !== 0 || to !== this.keys.length) {
      const starts = this.startsOf();
      packed = packed.slice(starts[from]!, starts[to]! - 1);
    }
    return { fedflowPackedStrings: packed, count: to - from };
  }

  /**
   * The ids at `indexes` (ascending) joined with '\n', or null when the ids cannot be packed. Runs of
   * consecutive indexes are cut from the whole join, one substring a run, when the runs are few
   * (the raw Intersection's kept ids mostly are: sorted lists that overlap in long stretches);
   * otherwise the picked ids are joined one by one.
   */
  joinAt(indexes: Int32Array): string | null {
    if (this.join() === null) return null;
    const n = indexes.length;
    let runs = n === 0 ? 0 : 1;
    for (let k = 1; k < n; k++) if (indexes[k] !== indexes[k - 1]! + 1) runs++;
    const keys = this.keys;
    if (runs * 4 > n) {
      const picked = new Array<string>(n);
      for (let k = 0; k < n; k++) picked[k] = keys[indexes[k]!]!;
      return picked.join('\n');
    }
    return joinRuns(this.joined!, this.startsOf(), indexes);
  }

  private join(): string | null {
    if (this.joined !== undefined) return this.joined;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const key: unknown = keys[i];
      if (typeof key !== 'string' || key.includes('\n')) return (this.joined = null);
    }
    return (this.joined = keys.join('\n'));
  }

  /** Where each id starts in the join (made on the first send of a part of the ids). */
  private startsOf(): Float64Array {
    if (this.starts) return this.starts;
    const keys = this.keys;
    const starts = new Float64Array(keys.length + 1);
    let at = 0;
    for (let i = 0; i < keys.length; i++) {
      starts[i] = at;
      at += keys[i]!.length + 1;
    }
    starts[keys.length] = at;
    return (this.starts = starts);
  }
}

/**
 * Records that `joined` is `keys` joined with '\n' (no key holds one): a store that made the keys
 * as pieces of one string (store/tables/lineFile.ts) gives it here, and a send of all those ids
 * (the raw Intersection's own ids) goes out as that string, with no join of a million keys.
 * Like every JoinedIds it relies on the keys array never changing (column keys are never written).
 */
export function knownJoinedIds(keys: readonly string[], joined: string): void {
  if (!joinedOf.has(keys)) joinedOf.set(keys, new JoinedIds(keys, joined));
}

/** The joined form of an ids array (built on first send, shared by every sender of that array). */
export function joinedIds(keys: readonly string[]): JoinedIds {
  let joined = joinedOf.get(keys);
  if (!joined) joinedOf.set(keys, (joined = new JoinedIds(keys)));
  return joined;
}

/** Ids as received: a list of strings, or packed. */
export type IdList = readonly string[] | PackedIds;
