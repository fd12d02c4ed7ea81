// How a big list of strings crosses a thread boundary (issue 17). A task worker's federation object
// goes worker → main thread → worker by structured clone, which copies a million-string list (the
// raw Intersection's ids) one string at a time, twice: about 1.5 s at 1M ids on this machine. Joined
// into one string it crosses as a single copy of its characters. Only the in-process hops see the
// packed form: the receiving worker unpacks it before the component gets it, and an object for
// another node is unpacked before it goes on the wire (clusterMailbox.ts), so what parties exchange
// is the same list either way. A component that reads ids in place (the raw Intersection, a HeteroLR
// host) asks its federation for the packed form itself (`getPacked`, tableData/packedIds.ts).
//
// A long list of numbers (HeteroLR's plaintext forwards and fore-gradients: 100,000 a batch, several
// a step) crosses as a Float64Array in the same way (issue 17). As a JS array the main thread
// deserialised every one into its own heap and serialised it again for the receiving worker: at 10M
// rows the relay alone was seconds of the main thread, on the path of every step. As doubles it is
// moved (transferred) to the main thread and copied once, a memcpy, to the receiver, which gets the
// same numbers back as a plain array (-0 stays -0: a Float64Array holds every double as it is).
import { isPackedStrings, PACK_MIN, PACK_SEPARATOR as SEPARATOR, type PackedStrings } from '../tableData/packedIds.js';
import { packedDoubles } from '../tableData/packedDoubles.js';

export type { PackedStrings };

/** A long list of numbers as it crosses between threads. */
export interface PackedDoubles {
  readonly fedflowPackedDoubles: Float64Array;
}

export function isPackedDoubles(payload: unknown): payload is PackedDoubles {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    && (payload as PackedDoubles).fedflowPackedDoubles instanceof Float64Array && Object.keys(payload).length === 1;
}

/** The buffers a packed payload can hand over (transfer) instead of copying: a fresh Float64Array's. */
export function transferablesOf(payload: unknown): ArrayBuffer[] {
  return isPackedDoubles(payload) ? [payload.fedflowPackedDoubles.buffer as ArrayBuffer] : [];
}

/** A list of only numbers as doubles; any other list as it is. */
function packNumbers(payload: unknown[]): unknown {
  const out = new Float64Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const v: unknown = payload[i];
    if (typeof v !== 'number') return payload;
    out[i] = v;
  }
  return { fedflowPackedDoubles: out } satisfies PackedDoubles;
}

/**
 * The payload to post to another thread: a long list of strings without a separator packed, a long
 * list of numbers as doubles, anything else as it is.
 */
export function packPayload(payload: unknown): unknown {
  if (!Array.isArray(payload) || payload.length < PACK_MIN) return payload;
  if (typeof payload[0] === 'number') return packNumbers(payload);
  for (let i = 0; i < payload.length; i++) {
    const s: unknown = payload[i];
    if (typeof s !== 'string' || s.includes(SEPARATOR)) return payload;
  }
  return { fedflowPackedStrings: payload.join(SEPARATOR), count: payload.length } satisfies PackedStrings;
}

/**
 * The payload as the sending component gave it: packed doubles back to a (packed) array of numbers,
 * a packed list back to its strings unless `keepStrings` (a component reading ids in place), anything
 * else as it is.
 */
export function unpackPayload(payload: unknown, keepStrings = false): unknown {
  if (isPackedDoubles(payload)) {
    const doubles = payload.fedflowPackedDoubles;
    const list = packedDoubles(doubles.length);
    for (let i = 0; i < doubles.length; i++) list[i] = doubles[i]!;
    return list;
  }
  if (keepStrings || !isPackedStrings(payload)) return payload;
  const list = payload.fedflowPackedStrings.split(SEPARATOR);
  if (list.length !== payload.count) throw new Error(`a packed list of ${payload.count} strings holds ${list.length}`);
  return list;
}
