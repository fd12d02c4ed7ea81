// Columnar outputs (tableData/columns.ts) written from their columns: the same files, the same
// rows read back, in the same key order, as writing their rows; and read back as columns.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnsFromRows, instanceRows, type InstanceColumns } from '../../src/tableData/columns.js';
import { readColumnarColumns, readColumnarMeta } from '../../src/store/tables/columnarTable.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputColumns, writeOutputTable } from '../../src/store/tables/writeOutputTable.js';

const t = suite('output tables written from columns');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-outcols-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Unsorted keys, NaN / -0 / Infinity values, labelled or not, label first or last. */
function rowsOf(n: number, label: 'first' | 'last' | 'none'): [string, unknown][] {
  return Array.from({ length: n }, (_, i) => {
    const features = [i / 7, i % 3 === 0 ? NaN : -i, i % 5 === 0 ? -0 : Infinity];
    const key = `id${String((i * 7919) % 1009).padStart(4, '0')}`;
    return [key, label === 'none' ? { features } : label === 'first' ? { label: i % 2, features } : { features, label: i % 2 }];
  });
}

const same = (a: unknown, b: unknown): void => assert.is(JSON.stringify(a, (_, v) => (typeof v === 'number' && !Number.isFinite(v)) || Object.is(v, -0) ? `#${String(v)}${Object.is(v, -0) ? '-0' : ''}` : v), JSON.stringify(b, (_, v) => (typeof v === 'number' && !Number.isFinite(v)) || Object.is(v, -0) ? `#${String(v)}${Object.is(v, -0) ? '-0' : ''}` : v));

for (const label of ['first', 'last', 'none'] as const) {
  for (const [what, maxPacked, partitions] of [['packed', 1000, undefined], ['columnar', 10, 3]] as const) {
    t(`given ${label === 'none' ? 'unlabelled' : `label-${label}`} instances, when written from columns (${what}), then they read back as the rows written as rows`, () => {
      const rows = rowsOf(40, label);
      const columns = columnsFromRows(rows)!;
      const byRows = writeOutputTable(store, 'rows', rows, maxPacked, partitions);
      const byColumns = writeOutputColumns(store, 'cols', columns, maxPacked, partitions);
      assert.is(byColumns.count, byRows.count);
      assert.is(store.isPacked('cols'), what === 'packed');
      assert.is(store.isColumnar('cols'), what === 'columnar');
      same(store.readValues('cols'), store.readValues('rows'));
      same(instanceRows(byColumns.columns), byRows.rows);
      assert.equal([...store.read('cols')], [...store.read('rows')]);
      if (what === 'packed') assert.ok(readFileSync(store.packedPathOf('cols')).equals(readFileSync(store.packedPathOf('rows'))), 'the same packed file');
      else {
        assert.equal(readColumnarMeta(store.columnarPathOf('cols')), readColumnarMeta(store.columnarPathOf('rows')));
        const back = readColumnarColumns(store.columnarPathOf('cols'))!;
        same(instanceRows(back), byRows.rows);
        assert.is(back.labelFirst === true, label === 'first');
      }
    });
  }
}

t('given columns already in key order, when written, then the same columns are kept for the next task', () => {
  const columns: InstanceColumns = { keys: ['a', 'b', 'c'], features: [new Float64Array([1, 2, 3])] };
  assert.is(writeOutputColumns(store, 'sorted', columns, 0).columns, columns);
});

t('given duplicate keys, when written from columns, then it is refused and nothing is left', () => {
  const columns: InstanceColumns = { keys: ['b', 'a', 'b'], features: [new Float64Array([1, 2, 3])] };
  assert.throws(() => writeOutputColumns(store, 'dup', columns, 0), /key "b" twice/);
  assert.throws(() => writeOutputColumns(store, 'dup2', columns), /key "b" twice/);
  assert.equal(readdirSync(join(dir, 'tables')), []);
});

t('given an empty columnar output, when written, then it reads back empty', () => {
  writeOutputColumns(store, 'empty', { keys: [], features: [new Float64Array(0)] });
  assert.equal(store.readValues('empty'), []);
  assert.is(store.count('empty'), 0);
});

t('given a json columnar table, when read as columns, then there are none (its rows are read)', () => {
  writeOutputTable(store, 'json', [['a', 'x'], ['b', 'y']], 0);
  assert.is(readColumnarColumns(store.columnarPathOf('json')), undefined);
});

t.run();
