// Membership of the own ids in a received list by one merge pass, when both lists are sorted.
//
// Why: the tables on the big-table path are in key order (uploads are read in key order, outputs are
// written so), and so are the id lists parties send each other: the own keys, and the
// intersection sent back in the join role's own order. Two sorted lists meet in one sequential
// pass with a string comparison per step; a hash set of a million received ids costs a random
// memory access per insert and per probe (~0.5 s each way on this machine for 1M ids) plus a
// second one to confirm each hit. Whether the lists are sorted is checked here, in one pass each,
// by the same comparison the merge uses (UTF-16 code units, as `<` on strings), so any other order
// falls back to the hash set (stringSet.ts) and the answer is the same either way.
import { type IdList, PackedIds } from '../../tableData/packedIds.js';

/** Whether the strings are in non-decreasing order (code units, as `<`). */
export function isSortedStrings(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i - 1]! > ids[i]!) return false;
  return true;
}

/** Whether the list is in non-decreasing order; a packed list is compared where its ids stand. */
export function isSortedList(list: IdList): boolean {
  if (!(list instanceof PackedIds)) return isSortedStrings(list);
  const s = list.joined;
  for (let i = 1; i < list.length; i++) {
    if (compareAcross(s, list.start(i - 1), list.end(i - 1), s, list.start(i), list.end(i)) > 0) return false;
  }
  return true;
}

/**
 * For sorted `ids` and a sorted `list` (both checked by the caller): out[i] = 1 when ids[i] is in
 * the list. Duplicates on either side are fine (the list pointer never passes an equal id).
 */
export function sortedMembership(ids: IdList, list: IdList): Uint8Array {
  const n = ids.length;
  const m = list.length;
  const out = new Uint8Array(n);
  let j = 0;
  if (ids instanceof PackedIds) {
    // The own ids packed too (a big stored table's keys, never made strings: issue 17).
    const o = ids.joined;
    if (list instanceof PackedIds) {
      const s = list.joined;
      for (let i = 0; i < n; i++) {
        const a = ids.start(i);
        const aEnd = ids.end(i);
        let c = -1;
        while (j < m && (c = compareAcross(s, list.start(j), list.end(j), o, a, aEnd)) < 0) j++;
        if (j < m && c === 0) out[i] = 1;
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      const a = ids.start(i);
      const aEnd = ids.end(i);
      let c = -1;
      while (j < m && (c = compareAcross(list[j]!, 0, list[j]!.length, o, a, aEnd)) < 0) j++;
      if (j < m && c === 0) out[i] = 1;
    }
    return out;
  }
  if (list instanceof PackedIds) {
    const s = list.joined;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      let c = -1;
      while (j < m && (c = compareAcross(s, list.start(j), list.end(j), id, 0, id.length)) < 0) j++;
      if (j < m && c === 0) out[i] = 1;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    while (j < m && list[j]! < id) j++;
    if (j < m && list[j] === id) out[i] = 1;
  }
  return out;
}

/** s[a, aEnd) against t[b, bEnd), by code units: negative, 0 or positive (s and t may be the same string). */
function compareAcross(s: string, a: number, aEnd: number, t: string, b: number, bEnd: number): number {
  const la = aEnd - a;
  const lb = bEnd - b;
  const l = la < lb ? la : lb;
  for (let k = 0; k < l; k++) {
    const d = s.charCodeAt(a + k) - t.charCodeAt(b + k);
    if (d !== 0) return d;
  }
  return la - lb;
}
