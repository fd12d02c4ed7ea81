// FeatureScale on a big stored table (issue 17): the keys of a table read from its partitions are
// passed on unread (no string per row) and the output writer copies their bytes; the written table
// is the one the same rows in memory give, bit for bit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, untouchedColumns } from '../../../src/tableData/columns.js';
import { partitionedTableOf } from '../../../src/compute/compute.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { featureScale } from '../../../src/components/featureScale/featureScale.js';
import { readColumnarRows } from '../../../src/store/tables/columnarTable.js';
import { storedColumns, unreadKeysSource } from '../../../src/store/tables/storedColumns.js';
import { TableStore } from '../../../src/store/tables/tableStore.js';
import { writeOutputColumns } from '../../../src/store/tables/writeOutputTable.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { breastInstances, withNaN } from './breastInstances.js';

const t = suite('FeatureScale on stored keys');
let dir = '';
let store: TableStore;
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-fs-stored-'));
  store = new TableStore(dir);
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

const CAP = { method: 'standard_scale', mode: 'cap', feat_upper: 0.9, feat_lower: 0.1 };

async function scale(data: DataTable, params: Record<string, unknown> = CAP, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  return featureScale(componentInput({ module: 'FeatureScale', role: 'guest', params, data: { data }, ...(model ? { model } : {}) }), ctx);
}

t('given a table read from stored partitions, when scaled and written, then its keys are never decoded and the table is the in-memory one', async () => {
  const table = breastInstances();
  // The input as a stored table (4 partitions, key order), read back lazily.
  writeOutputColumns(store, 'input', columnsFromRows(table.rows)!, 0, 4);
  const stored = storedColumns(store.columnarPathOf('input'))!;
  const inMemory = await scale(columnarTable(table.schema, columnsFromRows(table.rows)!));
  const fromStore = await scale(columnarTable(table.schema, stored));
  const out = untouchedColumns(fromStore.data!)!;
  assert.ok(unreadKeysSource(out), 'the output carries the unread keys');
  writeOutputColumns(store, 'expected', untouchedColumns(inMemory.data!)!, 0, 3);
  writeOutputColumns(store, 'actual', out, 0, 3);
  assert.ok(unreadKeysSource(stored), 'the keys were decoded');
  assert.equal(readColumnarRows(store.columnarPathOf('actual')), readColumnarRows(store.columnarPathOf('expected')));
  // Read now, they are the keys.
  assert.equal([...out.keys], [...untouchedColumns(inMemory.data!)!.keys]);
  assert.is(unreadKeysSource(out), undefined);
});

/** Exact JSON (-0, NaN, ±Infinity visible): equal texts mean the same doubles bit for bit. */
const exactJson = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `#${Object.is(v, -0) ? '-0' : v}` : v));
/** Exact JSON of a stored table's rows. */
const exact = (dir: string) => exactJson(readColumnarRows(dir));

const STREAMED: Record<string, unknown>[] = [
  { method: 'standard_scale' },
  { method: 'standard_scale', feat_upper: 0.5, feat_lower: -0.25 },
  { method: 'min_max_scale', feat_upper: 0.8, feat_lower: 0.05, scale_col_indexes: [0, 2] },
  // Cap mode: nearest-rank quantiles found in passes over the pieces (compute/rankSelect.ts).
  CAP,
  { method: 'min_max_scale', mode: 'cap', feat_upper: 0.9, feat_lower: 0.1 },
  { method: 'standard_scale', mode: 'cap', feat_upper: 0.75, feat_lower: 0.5 },
  // On column b of the NaN table, rank 3 of the zeros is -0 in column order, +0 after a typed-array sort.
  { method: 'min_max_scale', mode: 'cap', feat_upper: 0.6, feat_lower: 0.6 },
  { method: 'min_max_scale', mode: 'cap', feat_upper: 1, feat_lower: 0 },
];

for (const [name, make] of [['breast', breastInstances], ['a table with NaN cells and signed zeros', withNaN]] as const) {
  for (const params of STREAMED) streamedCase(name, make, params);
}

function streamedCase(name: string, make: () => DataTable, params: Record<string, unknown>): void {
  t(`given ${name} stored, when scaled with ${JSON.stringify(params)}, then it is read a piece at a time, never whole, and the written table and model are the in-memory ones`, async () => {
    const table = make();
    writeOutputColumns(store, 'input', columnsFromRows(table.rows)!, 0, 4);
    const stored = storedColumns(store.columnarPathOf('input'))!;
    const inMemory = await scale(columnarTable(table.schema, columnsFromRows(table.rows)!), params);
    const fromStore = await scale(columnarTable(table.schema, stored), params);
    assert.is(exactJson(fromStore.model), exactJson(inMemory.model));
    writeOutputColumns(store, 'expected', untouchedColumns(inMemory.data!)!, 0, 3);
    writeOutputColumns(store, 'actual', untouchedColumns(fromStore.data!)!, 0, 3);
    assert.ok(partitionedTableOf(stored), 'the input values were loaded whole');
    assert.ok(unreadKeysSource(stored), 'the keys were decoded');
    assert.is(exact(store.columnarPathOf('actual')), exact(store.columnarPathOf('expected')));
    // The model applied to the stored table (predict): the rows the same model gives in memory.
    const predicted = await scale(columnarTable(table.schema, stored), {}, inMemory.model);
    const predictedInMemory = await scale(columnarTable(table.schema, columnsFromRows(table.rows)!), {}, inMemory.model);
    writeOutputColumns(store, 'predicted', untouchedColumns(predicted.data!)!, 0, 2);
    writeOutputColumns(store, 'predictedInMemory', untouchedColumns(predictedInMemory.data!)!, 0, 5);
    assert.is(exact(store.columnarPathOf('predicted')), exact(store.columnarPathOf('predictedInMemory')));
    assert.ok(partitionedTableOf(stored));
  });
}

t.run();
