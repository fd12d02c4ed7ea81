// Union against FATE 1.4.5's union.py worked by hand: order and naming of the inputs, first row kept,
// keep_duplicate ids, empty tables skipped, the schema checks and their messages, the metric.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { NamedTable } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { union } from '../../../src/components/union/union.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('Union');

const inst = (features: number[], label?: number): Instance => (label === undefined ? { features } : { features, label });
const labelled = (rows: [string, Instance][], header = ['a', 'b']): DataTable<Instance> => ({ schema: { header, sid_name: 'id', label_name: 'y' }, rows });

async function run(dataList: NamedTable[], params: Record<string, unknown> = {}) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '10000' });
  const out = await union(componentInput({ module: 'Union', role: 'guest', params, data: { data: dataList[0]?.table }, dataList }), ctx);
  return { out, rows: (out.data?.rows ?? []) as [string, unknown][], metric: ctx.tracker.metrics.train?.union };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const A = labelled([['1', inst([1, 2], 1)], ['2', inst([3, 4], 0)]]);
const B = labelled([['2', inst([30, 40], 1)], ['3', inst([5, 6], 0)]]);

t('ids present in both keep the first table\'s row; the metric counts each table and the total', async () => {
  const { out, rows, metric } = await run([{ name: 'dataio_0.data', table: A }, { name: 'dataio_1.data', table: B }]);
  assert.equal(rows, [['1', inst([1, 2], 1)], ['2', inst([3, 4], 0)], ['3', inst([5, 6], 0)]]);
  assert.equal(out.data!.schema, A.schema);
  assert.equal(metric, { data: [['dataio_0.data', 2], ['dataio_1.data', 2], ['Total', 3]], meta: { name: 'union', metric_type: 'UNION' } });
});

t('keep_duplicate: a later copy of an id becomes <id>_<table name>', async () => {
  const { rows } = await run([{ name: 'dataio_0.data', table: A }, { name: 'dataio_1.data', table: B }], { keep_duplicate: true });
  assert.equal(rows.map(([k]) => k), ['1', '2', '2_dataio_1.data', '3']);
  assert.equal(new Map(rows).get('2_dataio_1.data'), inst([30, 40], 1));
});

t('uploaded tables (strings) are combined too; their id column names must match', async () => {
  const raw = (sid: string, rows: [string, string][]): DataTable<string> => ({ schema: { header: ['y', 'x0'], sid_name: sid }, rows });
  const { rows, metric } = await run([
    { name: 'args.data_0', table: raw('id', [['1', '1,0.5']]) },
    { name: 'args.data_1', table: raw('id', [['1', '0,9'], ['2', '0,0.1']]) },
  ]);
  assert.equal(rows, [['1', '1,0.5'], ['2', '0,0.1']]);
  assert.equal(metric!.data, [['args.data_0', 1], ['args.data_1', 2], ['Total', 2]]);
  const error = await rejection(run([{ name: 'args.data_0', table: raw('id', [['1', '1,0.5']]) }, { name: 'args.data_1', table: raw('uid', [['2', '1,0.5']]) }]));
  assert.is(error.message, 'Id names uid and id do not match! Please check id column names.');
});

t('an empty table is counted and skipped; all empty gives no output and Total 0', async () => {
  const empty = labelled([]);
  const { rows, metric } = await run([{ name: 'e.data', table: empty }, { name: 'a.data', table: A }]);
  assert.is(rows.length, 2);
  assert.equal(metric!.data, [['e.data', 0], ['a.data', 2], ['Total', 2]]);
  const none = await run([{ name: 'e.data', table: empty }, { name: 'f.data', table: empty }]);
  assert.is(none.out.data, undefined);
  assert.equal(none.metric!.data, [['e.data', 0], ['f.data', 0], ['Total', 0]]);
});

t('FATE\'s schema checks and messages: header, label presence, label name, feature length (unless allow_missing)', async () => {
  const other = labelled([['9', inst([1, 2], 1)]], ['a', 'c']);
  assert.is((await rejection(run([{ name: 'a', table: A }, { name: 'b', table: other }]))).message, 'Table headers do not match! Please check header.');
  const unlabelled: DataTable<Instance> = { schema: { header: ['a', 'b'], sid_name: 'id' }, rows: [['9', inst([1, 2])]] };
  assert.is((await rejection(run([{ name: 'a', table: A }, { name: 'b', table: unlabelled }]))).message, 'Union try to combine a labeled data set with an unlabelled one.Please check labels.');
  const renamed: DataTable<Instance> = { schema: { header: ['a', 'b'], sid_name: 'id', label_name: 'z' }, rows: [['9', inst([1, 2], 1)]] };
  assert.is((await rejection(run([{ name: 'a', table: A }, { name: 'b', table: renamed }]))).message, 'Label names do not match. Please check label column names.');
  const short = labelled([['9', inst([1], 1)]]);
  assert.is((await rejection(run([{ name: 'a', table: A }, { name: 'b', table: short }]))).message, 'Feature length 1 mismatch with header length 2.');
  const { rows } = await run([{ name: 'a', table: A }, { name: 'b', table: short }], { allow_missing: true });
  assert.is(rows.length, 3);
});

t('one table is refused as FATE does; need_run false passes the first table; bad flags are named', async () => {
  assert.is((await rejection(run([{ name: 'a', table: A }]))).message, 'Union module must receive more than one table as input.');
  const { out } = await run([{ name: 'a', table: A }, { name: 'b', table: B }], { need_run: false });
  assert.is(out.data, A);
  assert.is((await rejection(run([{ name: 'a', table: A }, { name: 'b', table: B }], { keep_duplicate: 'yes' }))).message, 'union param\'s keep_duplicate "yes" not supported, should be bool');
});

t.run();
