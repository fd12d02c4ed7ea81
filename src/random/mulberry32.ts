// The project's one seeded generator (mulberry32: 32-bit state, fast, good enough for sampling,
// shuffles, initial weights and fault injection — not for anything secret; keys, nonces and
// obfuscators come from node:crypto). Seeded runs replay exactly: cross-validation folds, mini-batch
// orders, chaos tests, fuzz cases.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
