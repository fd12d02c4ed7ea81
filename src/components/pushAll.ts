// Appending one array to another without `target.push(...source)`: a spread passes every element as
// a call argument, and V8 overflows the stack ("Maximum call stack size exceeded") past about
// 150,000 of them. HeteroLR's validation crashed that way at 2.7M rows (issue 17); any array that
// grows with a table's rows is appended with this loop instead.

/** Appends `source`'s elements to `target`, in order; returns `target`. */
export function pushAll<T>(target: T[], source: readonly T[]): T[] {
  for (const x of source) target.push(x);
  return target;
}
