// A task worker's table I/O: columnar tables load as columns (no row object until asked), columnar
// outputs are written from their columns and handed over as columns, big uploads load as lines;
// every table reads back the rows it did before.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnarTable, columnsFromRows, markConsumable, consumableColumns, takeRows, takeUnloaded, untouchedColumns } from '../../src/tableData/columns.js';
import { readdirSync, readFileSync } from 'node:fs';
import { readColumnarColumns } from '../../src/store/tables/columnarTable.js';
import { unloadedSource } from '../../src/store/tables/storedColumns.js';
import type { DataTable } from '../../src/tableData/dataTable.js';
import { rawLinesOf } from '../../src/tableData/rawLines.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputColumns, writeOutputTable } from '../../src/store/tables/writeOutputTable.js';
import { writeTable } from '../../src/store/tables/writeTable.js';
import { RecentOutputs } from '../../src/scheduler/recentOutputs.js';
import { loadTaskInput, writeTaskOutput } from '../../src/scheduler/taskTables.js';
import { UploadedRows } from '../../src/scheduler/uploadedRows.js';

const t = suite('task tables');
let dir = '';
let store: TableStore;
const schema = { header: ['a', 'b'], sid_name: 'id' };

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-tasktables-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

const instances = (n: number): [string, unknown][] =>
  Array.from({ length: n }, (_, i) => [`k${String(i).padStart(7, '0')}`, { features: [i / 3, i % 7 === 0 ? NaN : -i], label: i % 2 }]);

/** The rows as JSON text that tells NaN from null. */
const text = (rows: unknown): string => JSON.stringify(rows, (_, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v));

t('given a columnar output table of instances, when loaded, then it is a columnar table whose rows are the rows read before', () => {
  writeOutputTable(store, 'big', instances(300), 100, 3);
  const table = loadTaskInput(store, { location: 'big', format: 'json', schema }, new RecentOutputs(), new UploadedRows());
  assert.ok(untouchedColumns(table), 'columns, no rows built');
  assert.ok(table.columns!.features[0] instanceof Float64Array);
  assert.is(table.columns!.keys.length, 300);
  assert.is(text(table.rows), text(store.readValues('big')));
});

t('given a columnar table too big to keep between tasks, when loaded, then its keys are read now and its values on first use', () => {
  writeOutputTable(store, 'big', instances(300), 100, 3);
  // A RecentOutputs that keeps at most 100 rows: 300 rows are "too big" here.
  const table = loadTaskInput(store, { location: 'big', format: 'json', schema }, new RecentOutputs(100), new UploadedRows());
  const columns = table.columns!;
  assert.ok(unloadedSource(columns), 'nothing read but the keys');
  assert.is(columns.keys.length, 300);
  const eager = readColumnarColumns(store.columnarPathOf('big'))!;
  assert.is(text(columns.features.map((c) => [...c])), text(eager.features.map((c) => [...c])));
  assert.equal([...columns.labels!], [...eager.labels!]);
  assert.is(unloadedSource(columns), undefined, 'read now');
  assert.is(takeUnloaded(columns, Int32Array.of(1, 2)), undefined, 'values read: rows are taken the usual way');
  assert.is(text(table.rows), text(store.readValues('big')));
});

t('given kept rows of a lazily read table, when written, then they are copied file to file (values never read) into the files the in-memory rows make', () => {
  writeOutputTable(store, 'in', instances(1000), 100, 7);
  const table = loadTaskInput(store, { location: 'in', format: 'json', schema }, new RecentOutputs(100), new UploadedRows());
  markConsumable(table);
  const own = consumableColumns(table)!;
  // Every third row, across all partitions, and the last one.
  const kept = Int32Array.from({ length: 334 }, (_, i) => Math.min(999, i * 3));
  const taken = takeUnloaded(own, kept)!;
  assert.ok(unloadedSource(taken), 'the kept rows are still unread');
  const again = takeUnloaded(taken, Int32Array.of(0, 5, 333))!;
  assert.equal([...again.keys], [0, 15, 999].map((i) => `k${String(i).padStart(7, '0')}`));
  // What writeTaskOutput does with a columnar output, with 100 rows as the packed files' limit.
  writeOutputColumns(store, 'lazy', taken, 100);
  assert.ok(unloadedSource(taken), 'written without reading them whole');
  const eager = takeRows(readColumnarColumns(store.columnarPathOf('in'))!, kept);
  writeOutputColumns(store, 'eager', eager, 100);
  const files = (location: string) => readdirSync(store.columnarPathOf(location)).sort();
  assert.equal(files('lazy'), files('eager'));
  for (const f of files('eager')) {
    assert.ok(readFileSync(join(store.columnarPathOf('lazy'), f)).equals(readFileSync(join(store.columnarPathOf('eager'), f))), `${f}: the same bytes`);
  }
  // All rows kept (Intersection's common case): the whole input copied through, partitions crossed.
  const all = loadTaskInput(store, { location: 'in', format: 'json', schema }, new RecentOutputs(100), new UploadedRows()).columns!;
  writeOutputColumns(store, 'all', all, 100, 3);
  assert.ok(unloadedSource(all), 'copied without reading it whole');
  writeOutputColumns(store, 'alleager', readColumnarColumns(store.columnarPathOf('in'))!, 100, 3);
  for (const f of files('alleager')) {
    assert.ok(readFileSync(join(store.columnarPathOf('all'), f)).equals(readFileSync(join(store.columnarPathOf('alleager'), f))), `${f}: the same bytes`);
  }
  assert.is(text([...again.features[0]!]), text([0, 15, 999].map((i) => i / 3)));
  assert.equal([...again.labels!], [0, 1, 1]);
});

t('given small (packed) and non-instance outputs, when loaded, then they are rows as before', () => {
  writeOutputTable(store, 'small', instances(5));
  writeOutputTable(store, 'json', [['a', [1, 'x']], ['b', [2, 'y']]], 0);
  for (const location of ['small', 'json']) {
    const table = loadTaskInput(store, { location, format: 'json', schema }, new RecentOutputs(), new UploadedRows());
    assert.not.ok(table.columns, location);
    assert.is(text(table.rows), text(store.readValues(location)), location);
  }
});

for (const [what, n] of [['packed', 50], ['columnar', 100_001]] as const) {
  t(`given a columnar output (${what}), when written and loaded by the next task, then it is handed over as columns and reads back the same`, async () => {
    const rows = instances(n).reverse();
    const recent = new RecentOutputs();
    const count = await writeTaskOutput(store, 'out', columnarTable(schema, columnsFromRows(rows)!), recent);
    assert.is(count, n);
    assert.is(what === 'packed' ? store.isPacked('out') : store.isColumnar('out'), true);
    const next = loadTaskInput(store, { location: 'out', format: 'json', schema }, recent, new UploadedRows());
    assert.ok(untouchedColumns(next), 'handed over as columns');
    const fromStore = loadTaskInput(store, { location: 'out', format: 'json', schema }, new RecentOutputs(), new UploadedRows());
    const sorted = [...rows].reverse();
    assert.is(text(next.rows), text(sorted), 'in key order');
    assert.is(text(fromStore.rows), text(sorted));
  });
}

t('given a columnar output whose rows a component changed, when written, then its rows are written', async () => {
  const table = columnarTable(schema, columnsFromRows(instances(3))!);
  (table.rows[0]![1] as { label: number }).label = 7;
  const recent = new RecentOutputs();
  await writeTaskOutput(store, 'changed', table as DataTable, recent);
  assert.is((store.readValues('changed')[0]![1] as { label: number }).label, 7);
  const kept = recent.take('changed');
  assert.ok(kept && 'rows' in kept);
});

t('given uploads, when loaded, then a small one is rows (kept for the next job) and a big one keys + lines with the same rows', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => [`${i}`, `${i / 2},${-i}`] as const);
  writeTable(store, 'up_small', lines(10));
  writeTable(store, 'up_big', lines(30_000));
  const uploaded = new UploadedRows();
  const small = loadTaskInput(store, { location: 'up_small', format: 'raw', schema }, new RecentOutputs(), uploaded);
  assert.equal(small.rows, [...store.read('up_small')]);
  assert.ok(uploaded.get('up_small'));
  const big = loadTaskInput(store, { location: 'up_big', format: 'raw', schema }, new RecentOutputs(), uploaded);
  const raw = rawLinesOf(big);
  assert.is(raw.keys.length, 30_000);
  assert.ok(raw.bytes, 'its lines as UTF-8 bytes, for DataIO to parse');
  assert.not.ok(uploaded.get('up_big'), 'a big upload is not kept');
  assert.equal(big.rows, [...store.read('up_big')]);
});

t.run();
