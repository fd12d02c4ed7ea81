import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QuantileSummaries } from '../../../src/components/featureBinning/quantileSummaries.js';
import { binIndex, quantileSplitPoints } from '../../../src/components/featureBinning/splitPoints.js';
import { columnsFromRows } from '../../../src/tableData/columns.js';
import { fixtureTable } from '../dataio/csvTable.js';

/** The feature columns of instances (split points read columns). */
const columnsOf = (rows: { features: number[] }[]) => columnsFromRows(rows.map((r, i) => [String(i), r]))!.features;

const t = suite('featureBinning quantile summaries');

/** A seeded LCG so the data is the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The exact rank interval of value v in sorted data: [first index with v, last index with v] (1-based). */
function rankRange(sorted: Float64Array, v: number): [number, number] {
  let lo = 0;
  while (lo < sorted.length && sorted[lo]! < v) lo++;
  let hi = lo;
  while (hi < sorted.length && sorted[hi]! <= v) hi++;
  return [lo + 1, hi];
}

function checkBound(values: number[], error: number, headSize: number, compressThres: number) {
  const s = new QuantileSummaries({ error, headSize, compressThres });
  for (const v of values) s.insert(v);
  const sorted = Float64Array.from(values).sort();
  const n = values.length;
  for (let q = 0.05; q < 1; q += 0.05) {
    const v = s.query(q);
    const [lo, hi] = rankRange(sorted, v);
    // FATE's documented guarantee: floor((p − 2e)·N) ≤ rank(x) ≤ ceil((p + 2e)·N).
    const min = Math.floor((q - 2 * error) * n);
    const max = Math.ceil((q + 2 * error) * n);
    assert.ok(hi >= min && lo <= max, `q=${q.toFixed(2)}: value ${v} has ranks ${lo}..${hi}, outside [${min}, ${max}] (N=${n}, error=${error}, head=${headSize})`);
  }
}

t('given 30,000 values inserted in one head, when queried, then every quantile is within FATE’s rank bound of the exact one', () => {
  const r = rng(1);
  const values = Array.from({ length: 30000 }, () => r() * 100 - 50);
  checkBound(values, 0.001, 100000, 100000);
});

t('given values inserted through many small heads and compressions, then the bound still holds (error 0.001 and 0.01)', () => {
  const r = rng(2);
  const values = Array.from({ length: 20000 }, () => Math.round(r() ** 3 * 1000) / 10);
  checkBound(values, 0.001, 500, 300);
  checkBound(values, 0.01, 100, 50);
});

t('given two summaries merged (FATE merges per-partition summaries), then the bound holds over the union', () => {
  const r = rng(3);
  const a = Array.from({ length: 7000 }, () => r());
  const b = Array.from({ length: 9000 }, () => r() * 2);
  const sa = new QuantileSummaries({ error: 0.001, headSize: 10000, compressThres: 10000 });
  const sb = new QuantileSummaries({ error: 0.001, headSize: 10000, compressThres: 10000 });
  a.forEach((v) => sa.insert(v));
  b.forEach((v) => sb.insert(v));
  sa.merge(sb);
  const all = Float64Array.from([...a, ...b]).sort();
  for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) {
    const [lo, hi] = rankRange(all, sa.query(q));
    assert.ok(hi >= Math.floor((q - 0.002) * all.length) && lo <= Math.ceil((q + 0.002) * all.length), `q=${q}: ranks ${lo}..${hi}`);
  }
});

t('given small data, when split into 4 quantile bins, then the split points are the exact nearest-rank quantiles and the last is the max', () => {
  const rows = [5, 1, 4, 2, 3, 8, 7, 6].map((v) => ({ features: [v] }));
  const [sp] = quantileSplitPoints(columnsOf(rows), [0], 4, { error: 0.001, headSize: 10000, compressThres: 10000 });
  assert.equal(sp, [2, 4, 6, 8]);
});

t('given duplicated values, then duplicate split points are dropped (allow_duplicate false)', () => {
  const rows = [0, 0, 0, 0, 0, 0, 1, 1].map((v) => ({ features: [v] }));
  const [sp] = quantileSplitPoints(columnsOf(rows), [0], 4, { error: 0.001, headSize: 10000, compressThres: 10000 });
  assert.equal(sp, [0, 1]);
});

t('given split points, then binIndex is FATE’s get_bin_num: first split point ≥ value, else the last bin (NaN too)', () => {
  const sp = [1, 2, 5];
  assert.is(binIndex(0, sp), 0);
  assert.is(binIndex(1, sp), 0);
  assert.is(binIndex(1.5, sp), 1);
  assert.is(binIndex(5, sp), 2);
  assert.is(binIndex(9, sp), 2);
  assert.is(binIndex(Number.NaN, sp), 2);
});

t('given a summary with nothing inserted, then a query answers 0; an out-of-range quantile is refused', () => {
  const s = new QuantileSummaries({ error: 0.001, headSize: 10, compressThres: 10 });
  assert.is(s.query(0.5), 0);
  assert.throws(() => s.query(1.5), /quantile should be in \[0, 1\]/);
});

t('given the suite’s default_credit guest columns (30,000 rows, head_size 10,000: three head batches), then every split point of bin_num 10 is within the error bound of the exact quantile', () => {
  const table = fixtureTable('default_credit_hetero_guest');
  const cols = table.schema.header.slice(1); // y is the label
  const rows = table.rows.map(([, line]) => ({ features: line.split(',').slice(1).map(Number) }));
  const n = rows.length;
  const error = 0.001;
  const points = quantileSplitPoints(columnsOf(rows), cols.map((_, i) => i), 10, { error, headSize: 10000, compressThres: 10000 });
  cols.forEach((name, c) => {
    const sorted = Float64Array.from(rows.map((r) => r.features[c]!)).sort();
    const sp = points[c]!;
    assert.is(sp[sp.length - 1], sorted[n - 1], `${name}: the last split point is the max`);
    const within = (v: number, k: number) => {
      const [lo, hi] = rankRange(sorted, v);
      return hi >= Math.floor((k / 10 - 2 * error) * n) && lo <= Math.ceil((k / 10 + 2 * error) * n);
    };
    // Every split point answers some q = k/10 within FATE's bound, and every q has such a split point.
    for (const v of sp) assert.ok([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].some((k) => within(v, k)), `${name}: split point ${v} answers no quantile`);
    for (let k = 1; k <= 10; k++) assert.ok(sp.some((v) => within(v, k)), `${name}: no split point for q=${k / 10}`);
  });
});

t.run();
