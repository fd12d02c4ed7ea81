// OneHotEncoder against FATE 1.4.5's one_hot_encoder.py worked by hand: selected columns, new headers
// `<col>_<value>`, the rows, the OneHotMeta/OneHotParam buffers (and their protobuf round trip), and
// the transform from a stored model with a value unseen at fit time.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { oneHotEncoder, transformColumns } from '../../../src/components/oneHotEncoder/oneHotEncoder.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('OneHotEncoder');

const table = (rows: [string, number[], number?][], header = ['a', 'b', 'c']): DataTable<Instance> => ({
  schema: { header, sid_name: 'id', label_name: 'y' },
  rows: rows.map(([k, f, l]) => [k, l === undefined ? { features: f } : { features: f, label: l }]),
});

async function run(data: DataTable<Instance>, params: Record<string, unknown>, model?: ComponentOutput['model'], role = 'guest') {
  const ctx = new InProcessJob().context({ role, partyId: role === 'guest' ? '9999' : '10000' });
  const out = await oneHotEncoder(componentInput({ module: 'OneHotEncoder', role, params, data: { data }, ...(model ? { model } : {}) }), ctx);
  return { out, data: out.data as DataTable<Instance>, rows: new Map((out.data as DataTable<Instance>).rows), sent: ctx };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const T = table([['1', [0, 2.5, 3], 1], ['2', [2, -1, 3], 0], ['3', [0, 7, 1], 1]]);

t('selected columns become <col>_<value> in place (values ascending), others keep their value and place; labels kept', async () => {
  const { data, rows, out } = await run(T, { transform_col_indexes: [0], transform_col_names: ['c'] });
  assert.equal(data.schema, { header: ['a_0', 'a_2', 'b', 'c_1', 'c_3'], sid_name: 'id', label_name: 'y' });
  assert.equal(rows.get('1'), { features: [1, 0, 2.5, 0, 1], label: 1 });
  assert.equal(rows.get('2'), { features: [0, 1, -1, 0, 1], label: 0 });
  assert.equal(rows.get('3'), { features: [1, 0, 7, 1, 0], label: 1 });
  assert.equal(out.model, {
    OneHotMeta: { transformColNames: ['a', 'c'], header: ['a', 'b', 'c'], needRun: true },
    OneHotParam: {
      colMap: { a: { values: ['0', '2'], transformedHeaders: ['a_0', 'a_2'] }, c: { values: ['1', '3'], transformedHeaders: ['c_1', 'c_3'] } },
      resultHeader: ['a_0', 'a_2', 'b', 'c_1', 'c_3'],
    },
  });
});

t('a stored model transforms new rows: an unseen value gives zeros for its column, no error (FATE\'s query_name_by_value)', async () => {
  const fit = await run(T, { transform_col_indexes: [0, 2] });
  const { rows, data } = await run(table([['9', [5, 1.25, 1]], ['8', [2, 0, 0.5]]]), {}, fit.out.model);
  assert.equal(data.schema.header, ['a_0', 'a_2', 'b', 'c_1', 'c_3']);
  assert.equal(rows.get('9'), { features: [0, 0, 1.25, 1, 0] });
  assert.equal(rows.get('8'), { features: [0, 1, 0, 0, 0] });
});

t('the buffers survive protobuf (FATE\'s OneHotMeta/OneHotParam) and the decoded model transforms alike', async () => {
  const fit = await run(table([['1', [0, -1, 3]], ['2', [2, 4, 3]]]), { transform_col_indexes: [1], transform_col_names: null });
  assert.equal(fit.data.schema.header, ['a', 'b_-1', 'b_4', 'c']);
  const decoded = Object.fromEntries(['OneHotMeta', 'OneHotParam'].map((n) => [n, decodeBuffer(n, encodeBuffer(n, fit.out.model![n]!))]));
  assert.equal(decoded, fit.out.model);
  const again = await run(table([['1', [0, -1, 3]], ['2', [2, 4, 3]]]), {}, decoded);
  assert.equal(again.data.rows, fit.data.rows);
});

t('transform_col_indexes -1 encodes every column; a non-integer value is refused with FATE\'s message', async () => {
  const error = await rejection(run(T, {}));
  assert.match(error.message, /^Onehot input data support integer only/);
  const ints = table([['1', [1, 0, 3]], ['2', [2, 0, 3]]]);
  const { data, rows } = await run(ints, { transform_col_indexes: -1 });
  assert.equal(data.schema.header, ['a_1', 'a_2', 'b_0', 'c_3']);
  assert.equal(rows.get('2'), { features: [0, 1, 1, 1] });
});

t('column picking: indexes then names, deduplicated, out-of-range indexes and unknown names skipped, bad types named', () => {
  assert.equal(transformColumns(['a', 'b', 'c'], { transform_col_indexes: [2, 7, 2], transform_col_names: ['a', 'zz', 'c'] }), ['c', 'a']);
  assert.equal(transformColumns(['a', 'b', 'c'], { transform_col_indexes: [], transform_col_names: [] }), []);
  assert.equal(transformColumns(['a', 'b', 'c'], { transform_col_indexes: null, transform_col_names: ['b'] }), ['b']);
  assert.equal(transformColumns(['a', 'b', 'c'], { transform_col_names: ['b'] }), ['a', 'b', 'c']);
  assert.throws(() => transformColumns(['a'], { transform_col_indexes: 'all' }), /One-hot encoder param's 'all' not supported, should be one of \['list', 'int', 'NoneType'\]/);
});

t('need_run false: data passes through and the model says so; a host encodes its own columns alone (nothing sent)', async () => {
  const { out } = await run(T, { need_run: false });
  assert.is(out.data, T);
  assert.equal(out.model!.OneHotMeta, { transformColNames: [], header: [], needRun: false });
  const host = new InProcessJob();
  const ctx = host.context({ role: 'host', partyId: '10000' });
  await oneHotEncoder(componentInput({ module: 'OneHotEncoder', role: 'host', params: { transform_col_indexes: null, transform_col_names: ['a'] }, data: { data: T } }), ctx);
  assert.is(host.sent.length, 0);
});

t('a predict header that differs from the model\'s is refused by name', async () => {
  const fit = await run(T, { transform_col_indexes: [0] });
  const error = await rejection(run(table([['1', [0, 1]]], ['a', 'b']), {}, fit.out.model));
  assert.match(error.message, /data header \[a, b\] does not match the model header \[a, b, c\]/);
});

t.run();
