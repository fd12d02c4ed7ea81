// A task worker's table I/O: columnar tables load as columns (no row object until asked), columnar
// outputs are written from their columns and handed over as columns, big uploads load as lines;
// every table reads back the rows it did before.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnarTable, columnsFromRows, untouchedColumns } from '../../src/components/columns.js';
import type { DataTable } from '../../src/components/contract.js';
import { rawLinesOf } from '../../src/components/rawLines.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputTable } from '../../src/store/tables/writeOutputTable.js';
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
  t(`given a columnar output (${what}), when written and loaded by the next task, then it is handed over as columns and reads back the same`, () => {
    const rows = instances(n).reverse();
    const recent = new RecentOutputs();
    const count = writeTaskOutput(store, 'out', columnarTable(schema, columnsFromRows(rows)!), recent);
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

t('given a columnar output whose rows a component changed, when written, then its rows are written', () => {
  const table = columnarTable(schema, columnsFromRows(instances(3))!);
  (table.rows[0]![1] as { label: number }).label = 7;
  const recent = new RecentOutputs();
  writeTaskOutput(store, 'changed', table as DataTable, recent);
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
