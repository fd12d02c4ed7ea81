// Exact nearest-rank quantiles of columns given in pieces (issue 17: a stored table, never whole in
// memory): the values columnStats.ts `nearestRankQuantiles` finds by sorting each column whole.
//
// A radix select on the doubles' bits. Each double maps to a 64-bit key whose unsigned order is a
// typed-array sort's order (negatives, -0, +0, positives; NaN cells are skipped). The first pass
// counts each column's values by the top 16 bits of their key, and its negative values and zeros:
// then the bucket of each wanted rank is known. Each later pass either collects the values of that
// bucket (when there are few: sorted, the rank picked) or counts them by the key's next 16 bits, so
// at most four passes decide any key. A rank that lands among the zeros takes the zero of that rank
// in column order, as nearestRankQuantiles does (so the sign is the one it returns), found in the
// second pass.

/** One pass over the columns: `visit` gets every piece's feature columns in row order. */
export type Scan = (visit: (features: readonly Float64Array[]) => void) => void;

const DIGIT_BITS = 16;
const DIGITS = 1 << DIGIT_BITS;
/** A bucket of at most this many values is collected and sorted (2 MB) rather than counted again. */
const COLLECT_LIMIT = 1 << 18;

// The key is read from the double's two 32-bit words: [low, high] on a little-endian machine.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('rankSelect reads doubles as little-endian words');

/** What is still to find of one wanted value. */
interface Target {
  /** The feature column, and where its value goes in the result: [column's place, q's place]. */
  readonly column: number;
  readonly slot: readonly [number, number];
  /** The value's rank among the values that share the key's known digits (or, `zero`, among the column's zeros). */
  rank: number;
  mode: 'zero' | 'collect' | 'count';
  /** Digits of the key known (1–3), and those digits in place (int32; unknown bits 0). */
  digits: number;
  high: number;
  low: number;
  counts?: Uint32Array;
  collected?: Float64Array;
  filled: number;
  value?: number;
}

/**
 * For each of `columns` (indexes into each piece's features), its nearest-rank quantile at each of
 * `qs`: the value at rank min(n − 1, max(0, ⌈q·n⌉ − 1)) of its n non-NaN values in ascending
 * order (0 when n is 0). `collectLimit` is for tests (a small one forces the counting passes).
 */
export function nearestRankQuantiles(scan: Scan, columns: readonly number[], qs: readonly number[], collectLimit = COLLECT_LIMIT): number[][] {
  // A q that is not a number has no rank: the in-memory code reads values[NaN], undefined.
  const ranked = qs.flatMap((q, k) => (Number.isNaN(q) ? [] : [k]));
  const rankOf = (q: number, n: number): number => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  const { values, counts } = valuesAtRanks(scan, columns, (_, n) => (n === 0 ? [] : ranked.map((k) => rankOf(qs[k]!, n))), collectLimit);
  return columns.map((_, i) => qs.map((q, k) => (counts[i] === 0 ? 0 : Number.isNaN(q) ? (undefined as unknown as number) : values[i]![ranked.indexOf(k)]!)));
}

/** The first pass over a piece of one column: counts by the key's top digit, negatives, zeros. */
function countTopDigits(column: Float64Array, into: { counts: Uint32Array; n: number; negative: number; zeros: number }): void {
  const words = wordsOf(column);
  const { counts } = into;
  let { n, negative, zeros } = into;
  for (let r = 0; r < column.length; r++) {
    const x = column[r]!;
    if (x !== x) continue; // NaN
    n++;
    if (x < 0) negative++;
    else if (x === 0) zeros++;
    counts[keyHigh(words[2 * r + 1]!) >>> DIGIT_BITS]++;
  }
  Object.assign(into, { n, negative, zeros });
}

/**
 * The digit after the known ones where the target's rank falls (counts of the values sharing its
 * known digits, by that digit): the rank becomes its rank within that digit's values; then the
 * value is known (all four digits), or its values are few enough to collect, or counted again.
 */
function narrow(t: Target, counts: Uint32Array, collectLimit: number): void {
  let before = 0;
  let digit = 0;
  while (t.rank >= before + counts[digit]!) before += counts[digit++]!;
  const inDigit = counts[digit]!;
  t.rank -= before;
  if (t.digits === 0) t.high = digit << DIGIT_BITS;
  else if (t.digits === 1) t.high |= digit;
  else if (t.digits === 2) t.low = digit << DIGIT_BITS;
  else t.low |= digit;
  t.digits++;
  t.counts = undefined;
  if (t.digits === 4) {
    t.value = valueOfKey(t.high, t.low);
  } else if (inDigit <= collectLimit) {
    t.mode = 'collect';
    t.collected = new Float64Array(inDigit);
    t.filled = 0;
  } else {
    t.mode = 'count';
    t.counts = new Uint32Array(DIGITS);
  }
}

/** A later pass over a piece of the target's column. */
function visitTarget(t: Target, column: Float64Array): void {
  if (t.mode === 'zero') {
    // The column's zeros in column order, counted in `filled` across pieces.
    for (let r = 0; r < column.length; r++) {
      if (column[r] === 0 && t.filled++ === t.rank) return void (t.value = column[r]!);
    }
    return;
  }
  const words = wordsOf(column);
  const highMask = t.digits === 1 ? ~0 << DIGIT_BITS : ~0;
  const lowMask = t.digits === 3 ? ~0 << DIGIT_BITS : 0;
  const { high, low, counts, collected } = t;
  for (let r = 0; r < column.length; r++) {
    const x = column[r]!;
    if (x !== x) continue;
    const h = keyHigh(words[2 * r + 1]!);
    if ((h & highMask) !== high) continue;
    const l = keyLow(words[2 * r + 1]!, words[2 * r]!);
    if ((l & lowMask) !== low) continue;
    if (collected) collected[t.filled++] = x;
    else counts![t.digits === 1 ? h & (DIGITS - 1) : t.digits === 2 ? l >>> DIGIT_BITS : l & (DIGITS - 1)]++;
  }
}

/** The column's doubles as [low, high] 32-bit words. */
const wordsOf = (column: Float64Array): Uint32Array => new Uint32Array(column.buffer, column.byteOffset, column.length * 2);

/** The key's high word (int32): a negative double's bits all flipped, else its sign bit set. */
const keyHigh = (high: number): number => (high >= 0x80000000 ? ~high : high | 0x80000000);
const keyLow = (high: number, low: number): number => (high >= 0x80000000 ? ~low : low | 0);

const word = new Uint32Array(2);
const double = new Float64Array(word.buffer);

function valueOfKey(high: number, low: number): number {
  // A key's high word with its top bit clear is a negative double's (flipped).
  const negative = high >= 0;
  word[1] = negative ? ~high : high & 0x7fffffff;
  word[0] = negative ? ~low : low;
  return double[0]!;
}

/**
 * For each of `columns`, its values at the ranks `ranksOf(i, n)` names once its count n of non-NaN
 * values is known (each rank in [0, n)), with that count: nearestRankQuantiles's passes for a caller
 * whose ranks are not ⌈q·n⌉ − 1 of a shared q (HeteroSecureBoost's ⌈k·n/bin_num⌉ − 1, which q = k/bin_num
 * rounds differently). A rank among the zeros gives the zero of that rank in column order.
 */
export function valuesAtRanks(scan: Scan, columns: readonly number[], ranksOf: (i: number, n: number) => readonly number[], collectLimit = COLLECT_LIMIT): { values: number[][]; counts: number[] } {
  const first = columns.map(() => ({ counts: new Uint32Array(DIGITS), n: 0, negative: 0, zeros: 0 }));
  scan((features) => {
    columns.forEach((c, i) => countTopDigits(features[c]!, first[i]!));
  });
  const values = columns.map(() => [] as number[]);
  const pending: Target[] = [];
  columns.forEach((column, i) => {
    const { counts, n, negative, zeros } = first[i]!;
    ranksOf(i, n).forEach((rank, k) => {
      if (!(Number.isInteger(rank) && rank >= 0 && rank < n)) throw new Error(`rankSelect: rank ${rank} of column ${column} is not in [0, ${n})`);
      const target: Target = { column, slot: [i, k], rank, mode: 'zero', digits: 0, high: 0, low: 0, filled: 0 };
      if (rank >= negative && rank < negative + zeros) target.rank = rank - negative;
      else narrow(target, counts, collectLimit);
      pending.push(target);
    });
  });
  while (pending.some((t) => t.value === undefined)) {
    const open = pending.filter((t) => t.value === undefined);
    scan((features) => {
      for (const t of open) if (t.value === undefined) visitTarget(t, features[t.column]!);
    });
    for (const t of open) {
      if (t.mode === 'collect') t.value = t.collected!.sort()[t.rank]!;
      else if (t.mode === 'count') narrow(t, t.counts!, collectLimit);
      else if (t.value === undefined) throw new Error(`rankSelect: zero ${t.rank} of column ${t.column} not found`);
    }
  }
  for (const { slot: [i, k], value } of pending) values[i]![k] = value!;
  return { values, counts: first.map((f) => f.n) };
}
