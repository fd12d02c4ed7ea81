import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, untouchedColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroFeatureBinning } from '../../../src/components/featureBinning/featureBinning.js';
import { breast } from '../../support/breastHetero.js';
import { runBinning } from '../../support/binningRun.js';

const t = suite('HeteroFeatureBinning on columns');

const PLAIN = { method: null };

/** JSON where -0, NaN and ±Infinity stay visible: equal texts mean the same doubles bit for bit. */
const exact = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `#${Object.is(v, -0) ? '-0' : v}` : v));

const asColumns = (table: DataTable<Instance>) => columnarTable(table.schema, columnsFromRows(table.rows)!);

/** Breast with a NaN in every 7th cell of the first two columns (missing values binned as FATE does). */
function withNaN(table: DataTable<Instance>): DataTable<Instance> {
  return {
    schema: table.schema,
    rows: table.rows.map(([k, v], r) => [k, { ...v, features: v.features.map((x, c) => (c < 2 && (r + c) % 7 === 0 ? NaN : x)) }]),
  };
}

const run = (params: Record<string, unknown>, guest: DataTable, host: DataTable, model?: { guest: ComponentOutput['model']; host: ComponentOutput['model'] }) =>
  runBinning(heteroFeatureBinning, params, guest, host, model);

const PARAMS: [string, Record<string, unknown>][] = [
  ['quantile, woe transform', { encrypt_param: PLAIN, transform_param: { transform_cols: -1, transform_type: 'woe' } }],
  ['quantile, bin_num transform', { encrypt_param: PLAIN, bin_num: 6, transform_param: { transform_cols: [0, 2], transform_type: 'bin_num' } }],
  ['bucket', { encrypt_param: PLAIN, method: 'bucket', transform_param: { transform_type: 'bin_num' } }],
  ['optimal', { encrypt_param: PLAIN, method: 'optimal', transform_param: { transform_type: 'bin_num' } }],
  ['category column', { encrypt_param: PLAIN, category_indexes: [3], transform_param: { transform_type: 'bin_num' } }],
];

for (const [nan, prepare] of [['', (x: DataTable<Instance>) => x], [' with NaN cells', withNaN]] as const) {
  for (const [name, params] of PARAMS) {
    t(`given breast${nan} as columns (${name}), when binned, then models, messages and rows are those of the same tables as rows, and no rows are built`, async () => {
      const tables = await breast();
      const [guestRows, hostRows] = [prepare(tables.guest), prepare(tables.host)];
      const [guestCols, hostCols] = [asColumns(guestRows), asColumns(hostRows)];
      const before = await run(params, guestRows, hostRows);
      const after = await run(params, guestCols, hostCols);
      assert.ok(untouchedColumns(guestCols) && untouchedColumns(hostCols), 'the input rows were never built');
      assert.ok(untouchedColumns(after.guest.data!) && untouchedColumns(after.host.data!), 'the outputs are columnar');
      assert.is(exact(after.log), exact(before.log));
      assert.is(exact(after.guest.model), exact(before.guest.model));
      assert.is(exact(after.host.model), exact(before.host.model));
      assert.is(exact(after.guest.data!.rows), exact(before.guest.data!.rows));
      assert.is(exact(after.host.data!.rows), exact(before.host.data!.rows));

      // The stored model transforms columns as it transforms rows (a predict job).
      const model = { guest: after.guest.model, host: after.host.model };
      const storedRows = await run({}, guestRows, hostRows, model);
      const stored = await run({}, asColumns(guestRows), asColumns(hostRows), model);
      assert.ok(untouchedColumns(stored.guest.data!));
      assert.is(exact(stored.guest.data!.rows), exact(storedRows.guest.data!.rows));
      assert.is(exact(stored.guest.data!.rows), exact(after.guest.data!.rows));
    });
  }
}

t('given rows that are not instances, when binned, then a clear error names it', async () => {
  const lines: DataTable = { schema: { header: ['a'], sid_name: 'id' }, rows: [['1', '0.5']] };
  try {
    await run({ encrypt_param: PLAIN, local_only: true }, lines, lines);
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, 'HeteroFeatureBinning: the input rows are not instances');
  }
});

t.run();
