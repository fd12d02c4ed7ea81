// The synthetic feature values of bench:columnar and bench:columnar-learners: a deterministic
// hash of (id, column), so the benches need no data files and every run sees the same table.

/** A deterministic value in [-1, 1] on a 1/1000 grid for (id, column). */
export function grid(id: number, column: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(column + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return (((h >>> 0) % 2001) - 1000) / 1000;
}
