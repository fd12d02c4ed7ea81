import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { csvTable, fixtureTable } from './csvTable.js';

const t = suite('DataIO');

async function run(table: DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  const out = await dataIO(
    componentInput({ module: 'DataIO', role: 'guest', params, data: { data: table }, ...(model ? { model } : {}) }),
    ctx,
  );
  return { out, data: out.data as DataTable<Instance>, ctx };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

t('given breast_hetero_guest with with_label, when fitted, then 569 instances with labels y and features x0..x9', async () => {
  const { out, data } = await run(fixtureTable('breast_hetero_guest'), { with_label: true, label_name: 'y', label_type: 'int' });
  assert.is(data.rows.length, 569);
  assert.equal(data.schema, { header: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9'], sid_name: 'id', label_name: 'y' });
  const byKey = new Map(data.rows);
  // 133,1,0.254879,-1.046633,0.209656,0.074214,-0.441366,-0.377645,-0.485934,0.347072,-0.287570,-0.733474
  assert.equal(byKey.get('133'), {
    features: [0.254879, -1.046633, 0.209656, 0.074214, -0.441366, -0.377645, -0.485934, 0.347072, -0.28757, -0.733474],
    label: 1,
  });
  const ones = data.rows.filter(([, i]) => i.label === 1).length;
  assert.is(ones, 357);
  assert.is(data.rows.length - ones, 212);
  assert.ok(data.rows.every(([, i]) => i.features.length === 10 && i.features.every(Number.isFinite)));
  const meta = out.model!.DataIOMeta!;
  assert.is(meta.withLabel, true);
  assert.is(meta.labelName, 'y');
  assert.is(meta.labelType, 'int');
  assert.is(meta.inputFormat, 'dense');
  assert.equal(meta.imputerMeta, { isImputer: false, strategy: '', missingValue: [] });
  const param = out.model!.DataIOParam!;
  assert.equal(param.header, data.schema.header);
  assert.is(param.sidName, 'id');
  assert.is(param.labelName, 'y');
});

t('given breast_hetero_host without label, when fitted, then 569 instances of 20 features and no label', async () => {
  const { data, out } = await run(fixtureTable('breast_hetero_host'), { with_label: false, output_format: 'dense' });
  assert.is(data.rows.length, 569);
  assert.equal(data.schema, { header: Array.from({ length: 20 }, (_, i) => `x${i}`), sid_name: 'id' });
  const [, first] = data.rows.find(([k]) => k === '133')!;
  assert.is(first.label, undefined);
  assert.is(first.features.length, 20);
  assert.is(first.features[0], 0.449512);
  assert.is(first.features[19], -0.554102);
  assert.is(out.model!.DataIOParam!.labelName, '');
  assert.is(out.model!.DataIOMeta!.withLabel, false);
});

const MISSING = 'id,y,a,b\n1,1,1.0,NA\n2,0,,4\n3,1,2.5,null\n4,0,3,5.5\n';

t('given missing cells and fill method mean, when fitted, then they take the column mean and the model keeps it', async () => {
  const { data, out } = await run(csvTable(MISSING), {
    with_label: true, missing_fill: true, missing_fill_method: 'mean',
  });
  const rows = new Map(data.rows);
  // a: mean(1.0, 2.5, 3) = 2.166667 (rounded to 6 like FATE); b: mean(4, 5.5) = 4.75
  assert.equal(rows.get('2')!.features, [2.166667, 4]);
  assert.equal(rows.get('1')!.features, [1, 4.75]);
  assert.equal(rows.get('3')!.features, [2.5, 4.75]);
  const imputer = out.model!.DataIOParam!.imputerParam as Record<string, Record<string, unknown>>;
  assert.equal(imputer.missingReplaceValue, { a: '2.166667', b: '4.75' });
  assert.equal(imputer.missingValueRatio, { a: 0.25, b: 0.5 });
  assert.equal(out.model!.DataIOMeta!.imputerMeta, { isImputer: true, strategy: 'mean', missingValue: ['', 'none', 'null', 'na'] });
});

t('given missing cells and fill method designated, when fitted, then they take default_value (per column when a list)', async () => {
  const scalar = await run(csvTable(MISSING), { with_label: true, missing_fill: true, missing_fill_method: 'designated', default_value: -1 });
  assert.equal(new Map(scalar.data.rows).get('1')!.features, [1, -1]);
  assert.equal(new Map(scalar.data.rows).get('2')!.features, [-1, 4]);
  const perColumn = await run(csvTable(MISSING), {
    with_label: true, missing_fill: true, missing_fill_method: 'designated', default_value: [7, 8],
  });
  assert.equal(new Map(perColumn.data.rows).get('2')!.features, [7, 4]);
  assert.equal(new Map(perColumn.data.rows).get('3')!.features, [2.5, 8]);
  assert.equal((perColumn.out.model!.DataIOParam!.imputerParam as Record<string, unknown>).missingReplaceValue, { a: '7', b: '8' });
});

t('given missing cells and fill method min/max, when fitted, then Python-style fill strings are stored', async () => {
  const min = await run(csvTable(MISSING), { with_label: true, missing_fill: true, missing_fill_method: 'min' });
  assert.equal((min.out.model!.DataIOParam!.imputerParam as Record<string, unknown>).missingReplaceValue, { a: '1.0', b: '4.0' });
  const max = await run(csvTable(MISSING), { with_label: true, missing_fill: true, missing_fill_method: 'max' });
  assert.equal(new Map(max.data.rows).get('2')!.features, [3, 4]);
});

t('given a fitted model, when predicting other data, then the stored fill values are reused, not refitted', async () => {
  const fitted = await run(csvTable(MISSING), { with_label: true, missing_fill: true, missing_fill_method: 'mean' });
  const predictTable = csvTable('id,y,a,b\n7,1,100,\n8,0,,200\n');
  // Parameters that would refit differently are ignored: the model decides.
  const { data, out } = await run(predictTable, { with_label: true, missing_fill: true, missing_fill_method: 'max' }, fitted.out.model);
  assert.equal(new Map(data.rows).get('7')!.features, [100, 4.75]);
  assert.equal(new Map(data.rows).get('8')!.features, [2.166667, 200]);
  assert.is(out.model, fitted.out.model);
});

t('given predict data with columns in another order and no label, when predicting, then columns follow the model header', async () => {
  const fitted = await run(csvTable('id,y,a,b\n1,1,1,2\n'), { with_label: true });
  const { data } = await run(csvTable('id,b,a\n5,20,10\n'), { with_label: true }, fitted.out.model);
  assert.equal(data.rows, [['5', { features: [10, 20] }]]);
  assert.equal(data.schema.header, ['a', 'b']);
});

t('given missing cells and no fill, when fitted, then NA-like cells become NaN', async () => {
  const { data } = await run(csvTable(MISSING), { with_label: true });
  const rows = new Map(data.rows);
  assert.ok(Number.isNaN(rows.get('1')!.features[1]));
  assert.ok(Number.isNaN(rows.get('2')!.features[0]));
  assert.ok(Number.isNaN(rows.get('3')!.features[1]), 'null');
});

t('given a non-numeric cell, when fitted, then the error names the row key and the column', async () => {
  const error = await rejection(run(csvTable('id,y,a,b\n1,1,1,2\n2,0,abc,3\n'), { with_label: true }));
  assert.match(error.message, /"2"/);
  assert.match(error.message, /"a"/);
  assert.match(error.message, /abc/);
});

t('given a non-integer label with label_type int, when fitted, then the error names the row and label column', async () => {
  const error = await rejection(run(csvTable('id,y,a\n1,1.5,1\n'), { with_label: true }));
  assert.match(error.message, /"1"/);
  assert.match(error.message, /"y"/);
  const float = await run(csvTable('id,y,a\n1,1.5,1\n'), { with_label: true, label_type: 'float' });
  assert.is(float.data.rows[0]![1].label, 1.5);
});

t('given with_label and a header without the label column, when fitted, then it fails naming the label', async () => {
  const error = await rejection(run(csvTable('id,a,b\n1,1,2\n'), { with_label: true, label_name: 'target' }));
  assert.match(error.message, /target/);
});

t('given a row with too few columns, when fitted, then it fails naming the row', async () => {
  const error = await rejection(run(csvTable('id,a,b\n1,1,2\n2,3\n'), {}));
  assert.match(error.message, /"2"/);
});

t('given need_run false, when run, then the input table passes through', async () => {
  const table = csvTable('id,a\n1,x\n');
  const { out } = await run(table, { need_run: false });
  assert.is(out.data, table);
});

t.run();
