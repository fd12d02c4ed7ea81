// Exact nearest-rank quantiles in passes over pieces (compute/rankSelect.ts): the values FeatureScale's
// in-memory nearestRankQuantiles gives by sorting each column whole, bit for bit (signed zeros
// included), whatever the pieces and however many counting passes it takes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nearestRankQuantiles as sortedQuantiles } from '../../src/components/featureScale/columnStats.js';
import { mulberry32 } from '../../src/compute/partitions.js';
import { nearestRankQuantiles, type Scan } from '../../src/compute/rankSelect.js';

const t = suite('nearest-rank quantiles over pieces');

/** The columns a piece of `rows` rows at a time (views). */
const inPieces = (columns: readonly Float64Array[], rows: number): Scan => (visit) => {
  const n = columns[0]?.length ?? 0;
  for (let from = 0; from < n; from += rows) visit(columns.map((c) => c.subarray(from, Math.min(n, from + rows))));
};

/** -0, NaN and ±Infinity visible: equal texts mean the same doubles. */
const exact = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `#${Object.is(v, -0) ? '-0' : v}` : v));

const random = mulberry32(17);
const n = 5000;
const column = (cell: (r: number) => number) => Float64Array.from({ length: n }, (_, r) => cell(r));
const COLUMNS = [
  column(() => random() * 200 - 100),
  // Few distinct values (a bucket of one value: every digit counted), NaN cells.
  column((r) => (r % 11 === 0 ? NaN : Math.round(random() * 4) - 2)),
  // Zeros of both signs, in an order a typed-array sort does not keep.
  column(() => (random() < 0.4 ? (random() < 0.5 ? -0 : 0) : random() - 0.5)),
  // Subnormals, ±Infinity, the extremes, ties across signs.
  column((r) => [5e-324, -5e-324, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 2 ** -1074 * 3][r % 9]! * (random() < 0.5 ? 1 : -1)),
  column(() => NaN),
  column((r) => (r < n / 2 ? 0 : NaN)),
];
const QS = [0, 1e-9, 0.001, 0.1, 0.25, 0.37, 0.5, 0.6, 0.75, 0.9, 0.999, 1];

for (const [pieceRows, collectLimit] of [[n, 1 << 18], [97, 1 << 18], [97, 0], [1000, 3], [1, 50]] as const) {
  t(`given columns in pieces of ${pieceRows} rows (collect limit ${collectLimit}), then each quantile is the sorted column's`, () => {
    const expected = COLUMNS.map((c) => sortedQuantiles(c, QS));
    const actual = nearestRankQuantiles(inPieces(COLUMNS, pieceRows), COLUMNS.map((_, i) => i), QS, collectLimit);
    assert.is(exact(actual), exact(expected));
  });
}

t('given some columns only, in any order, then each is answered in its place', () => {
  const asked = [3, 0, 2];
  const actual = nearestRankQuantiles(inPieces(COLUMNS, 333), asked, [0.5, 0.05], 0);
  assert.is(exact(actual), exact(asked.map((c) => sortedQuantiles(COLUMNS[c]!, [0.5, 0.05]))));
});

t('given a column whose rank lands on the zeros, then the zero of that rank in column order is returned (its sign)', () => {
  // Sorted: -0, -0, 0, 0 (a typed-array sort); in column order 0, -0, 0, -0.
  const zeros = [Float64Array.from([0, -0, 0, -0, 5])];
  const actual = nearestRankQuantiles(inPieces(zeros, 2), [0], [0.2, 0.4, 0.6, 0.8, 1]);
  assert.is(exact(actual), exact([[0, -0, 0, -0, 5]]));
  assert.is(exact(actual), exact([sortedQuantiles(zeros[0]!, [0.2, 0.4, 0.6, 0.8, 1])]));
});

t('given a scan, then it makes at most four passes however many digits are counted', () => {
  let passes = 0;
  const scan: Scan = (visit) => {
    passes++;
    inPieces(COLUMNS, 500)(visit);
  };
  nearestRankQuantiles(scan, COLUMNS.map((_, i) => i), QS, 0);
  assert.ok(passes <= 4, `${passes} passes`);
});

t.run();
