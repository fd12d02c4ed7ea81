// HeteroFeatureBinning on a big stored table (issue 17): the guest's and the host's inputs read from
// stored partitions a piece at a time (forced small here: 50 rows a piece over 4 partitions) give the
// models, messages and written output of the same tables in memory, and are never loaded whole.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, columnsOf, type InstanceColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { featureBinningComponent, heteroFeatureBinning } from '../../../src/components/featureBinning/featureBinning.js';
import { labelIndexes } from '../../../src/components/featureBinning/hostSums.js';
import { partitionedTableOf } from '../../../src/compute/compute.js';
import { readColumnarRows } from '../../../src/store/tables/columnarTable.js';
import { storedColumns, storedRowsLoadedWhole } from '../../../src/store/tables/storedColumns.js';
import { TableStore } from '../../../src/store/tables/tableStore.js';
import { writeOutputColumns } from '../../../src/store/tables/writeOutputTable.js';
import { breast, type Sent } from '../../support/breastHetero.js';
import { runBinning } from '../../support/binningRun.js';

const t = suite('HeteroFeatureBinning on a stored table');

const PLAIN = { method: null };
const streamed = featureBinningComponent({ pieceRows: 50 });

let dir = '';
let store: TableStore;
t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-binning-stored-'));
  store = new TableStore(dir);
});
t.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** JSON where -0, NaN and ±Infinity stay visible: equal texts mean the same doubles bit for bit. */
const exact = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `#${Object.is(v, -0) ? '-0' : v}` : v));

/** Breast with a NaN in every 7th cell of the first two columns (missing values binned as FATE does). */
function withNaN(table: DataTable<Instance>): DataTable<Instance> {
  return {
    schema: table.schema,
    rows: table.rows.map(([k, v], r) => [k, { ...v, features: v.features.map((x, c) => (c < 2 && (r + c) % 7 === 0 ? NaN : x)) }]),
  };
}

/** Equal texts, told without a diff (uvu's diff of two long texts takes minutes). */
const same = (actual: string, expected: string, what: string) => assert.ok(actual === expected, `${what} differ from the in-memory run's`);


const run = runBinning;

/** The table written as a stored table (4 partitions) and read back lazily, as the runtime hands a big one over. */
function stored(name: string, table: DataTable<Instance>): { table: DataTable<Instance>; columns: InstanceColumns } {
  writeOutputColumns(store, name, columnsFromRows(table.rows)!, 0, 4);
  const columns = storedColumns(store.columnarPathOf(name))!;
  return { table: columnarTable(table.schema, columns), columns };
}

/** The output's rows as the writer writes them (a stored input's output is mapped a piece at a time then). */
function written(name: string, out: ComponentOutput): string {
  writeOutputColumns(store, name, columnsOf(out.data!)!, 0, 3);
  return exact(readColumnarRows(store.columnarPathOf(name)));
}

const PARAMS: [string, Record<string, unknown>][] = [
  ['quantile, woe transform', { encrypt_param: PLAIN, transform_param: { transform_cols: -1, transform_type: 'woe' } }],
  ['quantile, bin_num transform', { encrypt_param: PLAIN, bin_num: 6, transform_param: { transform_cols: [0, 2], transform_type: 'bin_num' } }],
  ['quantile, small head and compress threshold', { encrypt_param: PLAIN, head_size: 37, compress_thres: 40, error: 0.01, transform_param: { transform_type: 'bin_num' } }],
  ['bucket', { encrypt_param: PLAIN, method: 'bucket', transform_param: { transform_type: 'bin_num' } }],
  ['optimal', { encrypt_param: PLAIN, method: 'optimal', transform_param: { transform_type: 'bin_num' } }],
  ['category column', { encrypt_param: PLAIN, category_indexes: [3], transform_param: { transform_type: 'woe' } }],
  ['local only', { encrypt_param: PLAIN, local_only: true, transform_param: { transform_type: 'bin_num' } }],
];

for (const [nan, prepare] of [['', (x: DataTable<Instance>) => x], [' with NaN cells', withNaN]] as const) {
  for (const [name, params] of PARAMS) {
    t(`given breast${nan} stored (${name}), when binned a piece at a time, then models, messages and written rows are the in-memory ones, and the input is never loaded whole`, async () => {
      const tables = await breast();
      const [guestRows, hostRows] = [prepare(tables.guest), prepare(tables.host)];
      const inMemory = await run(heteroFeatureBinning, params, columnarTable(guestRows.schema, columnsFromRows(guestRows.rows)!), columnarTable(hostRows.schema, columnsFromRows(hostRows.rows)!));
      const guest = stored('guest', guestRows);
      const host = stored('host', hostRows);
      const loadedBefore = storedRowsLoadedWhole();
      const fromStore = await run(streamed, params, guest.table, host.table);
      same(exact(fromStore.log), exact(inMemory.log), 'messages');
      same(exact(fromStore.guest.model), exact(inMemory.guest.model), "the guest's models");
      same(exact(fromStore.host.model), exact(inMemory.host.model), "the host's models");
      same(written('guestOut', fromStore.guest), written('guestExpected', inMemory.guest), 'the guest output rows');
      same(written('hostOut', fromStore.host), written('hostExpected', inMemory.host), 'the host output rows');
      assert.is(storedRowsLoadedWhole(), loadedBefore, 'a stored input was loaded whole');
      assert.ok(partitionedTableOf(guest.columns) && partitionedTableOf(host.columns), 'a stored input was loaded whole');

      // The stored model on the stored tables (a predict job): the rows the same model gives in memory.
      const model = { guest: inMemory.guest.model, host: inMemory.host.model };
      const predicted = await run(streamed, {}, guest.table, host.table, model);
      const predictedInMemory = await run(heteroFeatureBinning, {}, guestRows, hostRows, model);
      assert.is(predicted.log.length, 0);
      same(written('guestPredicted', predicted.guest), written('guestPredictedExpected', predictedInMemory.guest), 'the guest predicted rows');
      same(written('hostPredicted', predicted.host), written('hostPredictedExpected', predictedInMemory.host), 'the host predicted rows');
      assert.is(storedRowsLoadedWhole(), loadedBefore, 'a stored input was loaded whole');
    });
  }
}

t('given breast stored, when binned under Paillier a piece at a time, then both models and the written rows are the in-memory ones (the sums decrypt to the same counts)', async () => {
  const params = { encrypt_param: { method: 'Paillier', key_length: 512 }, transform_param: { transform_type: 'woe' } };
  const tables = await breast();
  const inMemory = await run(heteroFeatureBinning, params, tables.guest, tables.host);
  const guest = stored('guest', tables.guest);
  const host = stored('host', tables.host);
  const loadedBefore = storedRowsLoadedWhole();
  const fromStore = await run(streamed, params, guest.table, host.table);
  same(exact(fromStore.guest.model), exact(inMemory.guest.model), "the guest's models");
  same(exact(fromStore.host.model), exact(inMemory.host.model), "the host's models");
  same(written('guestOut', fromStore.guest), written('guestExpected', inMemory.guest), 'the guest output rows');
  assert.is(storedRowsLoadedWhole(), loadedBefore, 'a stored input was loaded whole');
  // Bin sizes cross in the clear: the same as in memory.
  const sizes = (log: Sent[]) => exact(log.filter((m) => m.name.endsWith('encrypted_bin_sum')).map((m) => Object.values((m.payload as any).encrypted_bin_sum).map((b: any) => b.sizes)));
  same(sizes(fromStore.log), sizes(inMemory.log), 'bin sizes');
});

t('given a host stored with rows the guest has no label for, when binned a piece at a time, then those rows are left out of the sums as in memory', async () => {
  const tables = await breast();
  // The guest keeps every third row only: the host's other rows have no label.
  const guestRows: DataTable<Instance> = { schema: tables.guest.schema, rows: tables.guest.rows.filter((_, r) => r % 3 === 0) };
  const params = { encrypt_param: PLAIN, transform_param: { transform_type: 'bin_num' } };
  const inMemory = await run(heteroFeatureBinning, params, guestRows, tables.host);
  const fromStore = await run(streamed, params, stored('guest', guestRows).table, stored('host', tables.host).table);
  same(exact(fromStore.log), exact(inMemory.log), 'messages');
  same(exact(fromStore.guest.model), exact(inMemory.guest.model), "the guest's models");
  same(exact(fromStore.host.model), exact(inMemory.host.model), "the host's models");
});

t('given the host keys and the guest ids, then each row finds the position of its id as a map of the ids would (the last when twice, -1 when absent), in order or not', () => {
  assert.equal([...labelIndexes(['a', 'b', 'c'], ['a', 'b', 'c'])], [0, 1, 2]);
  assert.equal([...labelIndexes(['a', 'a'], ['a', 'a'])], [1, 1]);
  assert.equal([...labelIndexes(['b', 'a'], ['b', 'a'])], [0, 1]);
  assert.equal([...labelIndexes(['b', 'a'], ['a', 'b'])], [1, 0]);
  assert.equal([...labelIndexes(['a', 'c'], ['a', 'b'])], [0, -1]);
  assert.equal([...labelIndexes(['a', 'b', 'c'], ['c', 'a'])], [1, -1, 0]);
});

t.run();
