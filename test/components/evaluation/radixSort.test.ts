// The radix sort of the binary metrics' scores gives exactly the native typed-array sort's order
// (bit for bit) for doubles without NaN and -0: negatives, ±Infinity, zeros, subnormals, huge and
// tiny magnitudes, many ties, and sizes on both sides of the native-sort cut-off.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sortFinite } from '../../../src/components/evaluation/radixSort.js';

let seed = 11;
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

const kinds: Record<string, (i: number) => number> = {
  'probabilities': (i) => 1 / (1 + Math.exp(-Math.sin(i * 12.9898) * 3)),
  'mixed signs and magnitudes': (i) => {
    const r = random();
    if (i % 97 === 0) return Infinity;
    if (i % 89 === 0) return -Infinity;
    if (i % 13 === 0) return 0;
    if (i % 11 === 0) return 5e-324 * (r < 0.5 ? -1 : 1);
    if (i % 7 === 0) return Math.round(r * 10) - 5;
    return (r - 0.5) * 1e300 * random() ** 40;
  },
  'few distinct values': () => Math.round(random() * 100) / 100,
  'one value': () => 0.25,
};

for (const [name, value] of Object.entries(kinds)) {
  test(`given ${name}, when radix sorted, then the array is the native sort's, bit for bit`, () => {
    for (const n of [0, 1, 5, 65535, 65536, 200_001]) {
      const values = Float64Array.from({ length: n }, (_, i) => value(i));
      const want = values.slice().sort();
      sortFinite(values);
      const a = new Uint32Array(values.buffer);
      const b = new Uint32Array(want.buffer);
      let first = -1;
      for (let i = 0; i < a.length && first < 0; i++) if (a[i] !== b[i]) first = i >> 1;
      assert.is(first, -1, `${name}, ${n} values: first difference at ${first}`);
    }
  });
}

test('given a view into a larger buffer, when sorted, then only the view changes', () => {
  const buffer = Float64Array.from({ length: 70_010 }, (_, i) => (i < 5 || i >= 70_005 ? -1 : random() - 0.5));
  const view = buffer.subarray(5, 70_005);
  const want = view.slice().sort();
  sortFinite(view);
  assert.equal([...view], [...want]);
  assert.equal([...buffer.subarray(0, 5), ...buffer.subarray(70_005)], Array(10).fill(-1));
});

test.run();
