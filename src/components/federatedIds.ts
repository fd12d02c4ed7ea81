// Long id lists through a component's federation: sent packed (one joined string) where the
// federation takes packed lists, and received packed, read in place, where it hands them over so
// (a task worker's federation; the packed form itself is tableData/packedIds.ts). Kept apart from
// the packed form so that the table data model needs nothing of the component contract.
import type { Federation, PartyRef } from './contract.js';
import { isPackedStrings, type JoinedIds, PACK_MIN, PackedIds } from '../tableData/packedIds.js';

/** Sends ids.keys[from, to) as `federation.remote` would send that list. */
export function sendJoinedIds(federation: Federation, name: string, tag: string, ids: JoinedIds, from: number, to: number, targets: readonly PartyRef[]): Promise<void> {
  if (federation.remotePacked && to - from >= PACK_MIN) {
    const packed = ids.packedRange(from, to);
    if (packed !== null) return federation.remotePacked(name, tag, packed, targets);
  }
  return federation.remote(name, tag, from === 0 && to === ids.keys.length ? ids.keys : ids.keys.slice(from, to), targets);
}

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
