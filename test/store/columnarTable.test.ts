// Large component output tables: columnar partitions (Arrow IPC), read back exactly, in key order,
// a partition at a time; atomic; listed, dropped and cleaned like every table file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readFileSync } from 'node:fs';
import { partitionFile, readColumnarMeta, readColumnarPartition, writeColumnarTable } from '../../src/store/tables/columnarTable.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputTable } from '../../src/store/tables/writeOutputTable.js';
import { writeTable } from '../../src/store/tables/writeTable.js';

const t = suite('columnar output tables');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-columnar-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

const instances = (n: number, labelled = true): [string, unknown][] =>
  Array.from({ length: n }, (_, i) => [`id${String(n - i).padStart(4, '0')}`, labelled ? { features: [i / 7, -i, i % 3 === 0 ? NaN : 1], label: i % 2 } : { features: [i, -0] }]);

t('given an output above the packed limit, when written, then it is columnar partitions read back exactly in key order', () => {
  const rows = instances(10);
  const written = writeOutputTable(store, 'big', rows, 4, 3);
  assert.is(written.count, 10);
  assert.ok(store.isColumnar('big') && store.exists('big') && !store.isPacked('big'));
  assert.not.ok(existsSync(store.pathOf('big')), 'no SQLite file');
  const meta = readColumnarMeta(store.columnarPathOf('big'));
  assert.equal(meta.partitionRows, [3, 3, 4]);
  assert.is(meta.kind, 'instances');
  assert.is(store.count('big'), 10);
  const sorted = [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const back = store.readValues('big');
  assert.equal(back.map(([k]) => k), sorted.map(([k]) => k));
  for (let i = 0; i < back.length; i++) {
    const [got, want] = [back[i]![1] as { features: number[]; label: number }, sorted[i]![1] as { features: number[]; label: number }];
    assert.equal(Object.keys(got), ['features', 'label']);
    assert.is(got.label, want.label);
    got.features.forEach((x, c) => assert.ok(Object.is(x, want.features[c]), `row ${i} col ${c}`));
  }
  assert.equal(written.rows.map(([k]) => k), sorted.map(([k]) => k), 'the rows kept for the next task are in the same order');
});

t('each partition is an Arrow IPC file with a key column and one typed column per feature', () => {
  writeOutputTable(store, 'typed', instances(5), 0, 2);
  const table = tableFromIPC(readFileSync(partitionFile(store.columnarPathOf('typed'), 0)));
  assert.equal(table.schema.fields.map((f) => `${f.name}:${f.type}`), ['key:Utf8', 'label:Float64', 'f0:Float64', 'f1:Float64', 'f2:Float64']);
  assert.is(table.numRows, 2);
  const part = readColumnarPartition(store.columnarPathOf('typed'), readColumnarMeta(store.columnarPathOf('typed')), 1);
  assert.ok(part.features![0] instanceof Float64Array);
  assert.is(part.keys.length, 3);
});

t('given a columnar table, when read as text, then rows are the JSON a SQLite output table holds, the first rows from one partition', () => {
  const rows = instances(6, false);
  writeOutputTable(store, 'text', rows, 0, 3);
  writeTable(store, 'text_sqlite', rows.map(([k, v]) => [k, JSON.stringify(v)] as const));
  assert.equal([...store.read('text')], [...store.read('text_sqlite')]);
  assert.equal([...store.read('text', { limit: 3 })], [...store.read('text_sqlite', { limit: 3 })]);
  assert.equal([...store.read('text', { limit: 0 })], []);
});

t('given values that are not plain instances, when written columnar, then they are JSON text per row', () => {
  const rows: [string, unknown][] = [['b', [1, 1, 0.93, { 0: 0.07, 1: 0.93 }, 'train']], ['a', [0, 0, 0.1, { 0: 0.9, 1: 0.1 }, 'train']], ['é', 'text']];
  writeOutputTable(store, 'predict', rows, 0);
  assert.is(readColumnarMeta(store.columnarPathOf('predict')).kind, 'json');
  assert.equal(store.readValues('predict'), [rows[1], rows[0], rows[2]]);
  const mixed: [string, unknown][] = [['a', { features: [1, 2] }], ['b', { features: [1] }]];
  writeOutputTable(store, 'mixed', mixed, 0);
  assert.equal(store.readValues('mixed'), mixed);
});

t('given duplicate keys or an existing location, when written, then it is refused and nothing is left or lost', () => {
  assert.throws(() => writeOutputTable(store, 'dup', [['a', 1], ['b', 2], ['a', 3]], 0), /key "a" twice/);
  assert.not.ok(store.exists('dup'));
  writeOutputTable(store, 'once', [['a', 1]], 0);
  assert.throws(() => writeColumnarTable(store.columnarPathOf('once'), [['a', 2]]), /already exists/);
  assert.equal(store.readValues('once'), [['a', 1]]);
});

t('given columnar tables and a half-written one, when listed, dropped and cleaned, then they count as tables', () => {
  writeOutputTable(store, 'c1', [['a', 1]], 0);
  mkdirSync(store.columnarPathOf('half') + '.tmp');
  assert.equal(store.listLocations(), ['c1']);
  assert.equal(store.removeOrphans(new Set(['c1'])), ['half']);
  assert.equal(readdirSync(join(dir, 'tables')), ['c1.arrow']);
  store.drop('c1');
  assert.not.ok(store.exists('c1'));
  assert.equal(readdirSync(join(dir, 'tables')), []);
});

t('given tables in each format, when their files are listed for an audit digest, then a columnar output lists its table.json and every partition', () => {
  writeOutputTable(store, 'big', instances(30), 10, 3);
  writeOutputTable(store, 'small', instances(5));
  writeTable(store, 'up', [['a', '1'], ['b', '2']]);
  const big = store.filesOf('big');
  assert.equal(big.map((f) => f.slice(store.columnarPathOf('big').length)), ['/table.json', '/part-00000.arrow', '/part-00001.arrow', '/part-00002.arrow']);
  assert.equal(store.filesOf('small'), [store.packedPathOf('small')]);
  assert.equal(store.filesOf('up'), [store.pathOf('up')]);
  assert.equal(store.filesOf('nothing'), []);
});

t.run();
