// A long list of ids as it crosses threads (scheduler/packedPayload.ts): one string, the ids joined
// by '\n', and their count. A component that only looks ids up or compares them with its own (the
// raw Intersection's sets, HeteroLR's batch and predict ids on a host) reads them in that form:
// splitting a million ids into a million strings costs ~0.2–0.5 s and as much again in GC, for
// strings that are only hashed and compared once. What the parties exchange is the same list either
// way: the packed form exists only between the threads of one node.
import type { Federation, PartyRef } from './contract.js';

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

const NEWLINE = 10;

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

  /** The ids as strings (for the rare caller that needs them all). */
  toArray(): string[] {
    return this.joined.split('\n');
  }
}

/** Ids as received: a list of strings, or packed. */
export type IdList = readonly string[] | PackedIds;

export const idCount = (ids: IdList): number => ids.length;

/** Id i of either form. */
export const idAt = (ids: IdList, i: number): string => (ids instanceof PackedIds ? ids.at(i) : ids[i]!);

/**
 * The payload of (name, tag) from a party, where a packed list of strings stays packed when the
 * federation can hand it over so (a task worker's: `getPacked`); any other payload as `get` gives it.
 */
export async function getMaybePacked(federation: Federation, name: string, tag: string, from: PartyRef): Promise<unknown> {
  const payload = federation.getPacked ? await federation.getPacked(name, tag, from) : await federation.get(name, tag, from);
  if (!isPackedStrings(payload)) return payload;
  try {
    return new PackedIds(payload);
  } catch (error) {
    throw new Error(`${name} from ${from.role} ${from.partyId}: ${(error as Error).message}`);
  }
}
