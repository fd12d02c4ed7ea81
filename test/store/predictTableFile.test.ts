// Large predict tables as typed columnar partitions: every reader (the tracking endpoint's first rows,
// a download, the next task) sees exactly the rows the same predictions written as JSON rows gave.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictColumnsOf, predictRowsOf, predictTable, type PredictColumns } from '../../src/tableData/predictColumns.js';
import { partitionFile, readColumnarMeta } from '../../src/store/tables/columnarTable.js';
import { readPredictTable, writeLargePredictTable, writePredictColumns } from '../../src/store/tables/predictTableFile.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputTable } from '../../src/store/tables/writeOutputTable.js';

const t = suite('predict tables as columns');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-predict-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

const SCHEMA = { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' };

/** Keys out of key order, odd values (NaN label and score, -0, 1e-300) among ordinary ones. */
function binary(n: number, labelled = true): PredictColumns {
  const keys = Array.from({ length: n }, (_, i) => `id${(i * 7919) % n}`);
  const scores = Float64Array.from(keys, (_, i) => (i === 3 ? NaN : i === 4 ? -0 : i === 5 ? 1e-300 : ((i * 37) % 101) / 101));
  const labels = labelled ? Float64Array.from(keys, (_, i) => (i === 6 ? NaN : i % 2)) : null;
  const results = Float64Array.from(scores, (s) => (s > 0.5 ? 1 : 0));
  return { keys, labels, results, scores, detail: { kind: 'binary' }, type: 'train' };
}

function classes(n: number): PredictColumns {
  const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(3, '0')}`);
  const probs = [0, 1, 2].map((c) => Float64Array.from(keys, (_, i) => ((i + c * 13) % 17) / 17));
  const results = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 3; c++) if (probs[c]![i]! > probs[best]![i]!) best = c;
    results[i] = [0, 1, 5][best]!;
    scores[i] = probs[best]![i]!;
  }
  return { keys, labels: Float64Array.from(keys, (_, i) => [0, 1, 5][i % 3]!), results, scores, detail: { kind: 'classes', classes: ['0', '1', '5'], probs }, type: 'predict' };
}

/** The same predictions written today's way (JSON rows) and the new way: every reader sees the same rows. */
function assertSameAsJsonRows(columns: PredictColumns, partitions: number) {
  writeOutputTable(store, 'rows', predictRowsOf(columns), 0, partitions);
  assert.is(readColumnarMeta(store.columnarPathOf('rows')).kind, 'json');
  const meta = writePredictColumns(store.columnarPathOf('cols'), columns, partitions);
  assert.is(meta.kind, 'predict');
  assert.is(meta.partitionRows.length, partitions);
  assert.is(store.count('cols'), columns.keys.length);
  // The tracking endpoint's first rows and a whole download: the same text.
  assert.equal([...store.read('cols', { limit: 5 })], [...store.read('rows', { limit: 5 })]);
  assert.equal([...store.read('cols')], [...store.read('rows')]);
  // The values a task reads: the same (NaN read back as null, as from JSON), in key order.
  const json = store.readValues('rows');
  assert.equal(store.readValues('cols'), json);
  const loaded = readPredictTable(store, 'cols', SCHEMA)!;
  const back = predictColumnsOf(loaded)!;
  assert.ok(back, 'read back as columns');
  // Keys are decoded on first use (Evaluation never asks): all of them, in key order, once.
  assert.equal([...back.keys], json.map(([k]) => k));
  assert.is(back.keys, back.keys);
  // Written again from the columns read back: the same partition files, byte for byte.
  writePredictColumns(store.columnarPathOf('again'), back, partitions);
  for (let p = 0; p < partitions; p++) {
    assert.ok(readFileSync(partitionFile(store.columnarPathOf('again'), p)).equals(readFileSync(partitionFile(store.columnarPathOf('cols'), p))), `partition ${p}`);
  }
  assert.equal(loaded.rows, json);
  assert.is(readPredictTable(store, 'rows', SCHEMA), undefined);
}

t('given binary predictions with NaN, -0 and keys out of order, then every reader sees the rows the JSON form gave', () => {
  assertSameAsJsonRows(binary(50), 3);
});

t('given predictions of an unlabelled table, then the label reads null as before', () => {
  assertSameAsJsonRows(binary(20, false), 2);
});

t('given one-vs-rest predictions, then the detail is each class probability, as before', () => {
  assertSameAsJsonRows(classes(40), 4);
});

t('given a predict table at most the packed size or another table, then writeLargePredictTable leaves it to writeOutputTable', () => {
  const small = predictTable(SCHEMA, binary(10));
  assert.is(writeLargePredictTable(store, 'a', small, 10), undefined);
  assert.is(writeLargePredictTable(store, 'b', { schema: SCHEMA, rows: predictRowsOf(binary(20)) }, 10), undefined);
  assert.not.ok(store.exists('a') || store.exists('b'));
  const big = predictTable(SCHEMA, binary(20));
  assert.equal(writeLargePredictTable(store, 'c', big, 10), { count: 20 });
  assert.ok(store.isColumnar('c'));
  // Once its rows were handed out (they may have been changed), the table is rows again.
  const touched = predictTable(SCHEMA, binary(20));
  void touched.rows.length;
  assert.is(writeLargePredictTable(store, 'd', touched, 10), undefined);
});

t('given a key twice, then the write fails naming it and leaves no table', () => {
  const c = binary(5);
  const dup = { ...c, keys: [...c.keys.slice(0, 4), c.keys[0]!] };
  assert.throws(() => writePredictColumns(store.columnarPathOf('dup'), dup), /has the key "id0" twice/);
  assert.not.ok(store.exists('dup'));
});

t.run();
