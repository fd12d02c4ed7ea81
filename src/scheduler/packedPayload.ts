// How a big list of strings crosses a thread boundary (issue 17). A task worker's federation object
// goes worker → main thread → worker by structured clone, which copies a million-string list (the
// raw Intersection's ids) one string at a time, twice: about 1.5 s at 1M ids on this machine. Joined
// into one string it crosses as a single copy of its characters. Only the in-process hops see the
// packed form: the receiving worker unpacks it before the component gets it, and an object for
// another node is unpacked before it goes on the wire (clusterMailbox.ts), so what parties exchange
// is the same list either way. A component that reads ids in place (the raw Intersection, a HeteroLR
// host) asks its federation for the packed form itself (`getPacked`, components/packedIds.ts).
import { isPackedStrings, PACK_MIN, PACK_SEPARATOR as SEPARATOR, type PackedStrings } from '../components/packedIds.js';

export type { PackedStrings };

/** The payload to post to another thread: a long list of strings without a separator packed, anything else as it is. */
export function packPayload(payload: unknown): unknown {
  if (!Array.isArray(payload) || payload.length < PACK_MIN) return payload;
  for (let i = 0; i < payload.length; i++) {
    const s: unknown = payload[i];
    if (typeof s !== 'string' || s.includes(SEPARATOR)) return payload;
  }
  return { fedflowPackedStrings: payload.join(SEPARATOR), count: payload.length } satisfies PackedStrings;
}

/** The payload as the sending component gave it: a packed list back to its strings, anything else as it is. */
export function unpackPayload(payload: unknown): unknown {
  if (!isPackedStrings(payload)) return payload;
  const list = payload.fedflowPackedStrings.split(SEPARATOR);
  if (list.length !== payload.count) throw new Error(`a packed list of ${payload.count} strings holds ${list.length}`);
  return list;
}
