// A fresh array of numbers V8 keeps packed (HeteroLR's batch arrays, and lists of numbers unpacked
// after a thread hop: scheduler/packedPayload.ts).
const packedTemplates = new Map<number, number[]>();

/**
 * A fresh array of n doubles (values to be overwritten) that V8 keeps packed: a cached template's
 * slice, a memcpy. `new Array(n)` is holey, which v8's serializer (federation payloads) copies ~6x
 * slower, and growing one by push cost ~50 ns a value at 100,000 rows (bench:columnar-lr).
 */
export function packedDoubles(n: number): number[] {
  let template = packedTemplates.get(n);
  if (!template) {
    template = [];
    for (let i = 0; i < n; i++) template.push(0.5);
    if (packedTemplates.size >= 8) packedTemplates.clear();
    packedTemplates.set(n, template);
  }
  return template.slice();
}
