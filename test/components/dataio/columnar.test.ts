// DataIO's dense columnar path (denseColumns.ts) against its row path: the same rows (values, NaN,
// -0, key order, label position), the same schema, the same model buffers and the same errors, on
// FATE's breast tables and on tables with missing and outlier cells, fitted and predicted.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { untouchedColumns } from '../../../src/components/columns.js';
import type { ComponentOutput, DataTable, Instance } from '../../../src/components/contract.js';
import { dataIOComponent } from '../../../src/components/dataio/dataIO.js';
import { plainDecimal, scanPlainDecimal } from '../../../src/components/dataio/denseColumns.js';
import { parsePyFloat } from '../../../src/components/dataio/values.js';
import { rawLinesOf, rawLinesTable } from '../../../src/components/rawLines.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { csvTable, fixtureTable } from './csvTable.js';

const t = suite('DataIO columnar path');
const columnarDataIO = dataIOComponent({ columnar: true });
const rowDataIO = dataIOComponent({ columnar: false });

async function run(columnar: boolean, table: DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  return (columnar ? columnarDataIO : rowDataIO)(componentInput({ module: 'DataIO', role: 'guest', params, data: { data: table }, ...(model ? { model } : {}) }), ctx);
}

/** JSON text that tells NaN, ±Infinity and -0 apart (JSON alone would not). */
const exact = (value: unknown): string => JSON.stringify(value, (_, v: unknown) =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${Object.is(v, -0) ? '-0' : String(v)}` : v);

/** Runs both paths; asserts the columnar one produced columns and both give the same table and model. */
async function same(table: () => DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model']): Promise<ComponentOutput> {
  const byColumns = await run(true, table(), params, model);
  const byRows = await run(false, table(), params, model);
  const data = byColumns.data as DataTable<Instance>;
  assert.ok(untouchedColumns(data), 'the columnar path made a columnar table');
  assert.not.ok(byRows.data!.columns, 'the reference made rows');
  assert.equal(data.schema, byRows.data!.schema);
  assert.is(exact(data.rows), exact(byRows.data!.rows));
  assert.is(exact(byColumns.model), exact(byRows.model));
  return byColumns;
}

t('breast guest (label) and host (no label), dense and sparse output: the same rows and model', async () => {
  await same(() => fixtureTable('breast_hetero_guest'), { with_label: true, label_name: 'y', label_type: 'int' });
  await same(() => fixtureTable('breast_hetero_host'), { with_label: false });
  await same(() => fixtureTable('breast_hetero_host'), { with_label: false, output_format: 'sparse' });
  await same(() => fixtureTable('breast_hetero_guest'), { with_label: true, label_name: 'y', label_type: 'float', data_type: 'float' });
});

t('a table read as lines (the runtime\'s big uploads) gives the rows its tuples give', async () => {
  const tuples = fixtureTable('breast_hetero_guest');
  const lines = rawLinesTable(tuples.schema, rawLinesOf(tuples));
  const a = await run(true, lines, { with_label: true });
  const b = await run(false, tuples, { with_label: true });
  assert.is(exact(a.data!.rows), exact(b.data!.rows));
  assert.equal(lines.rows, tuples.rows, 'its rows, built on first use, are the tuples');
});

// Missing cells ('', NA, null, None), outliers (-999, 9999), a bad number only where a fill replaces it.
const MESSY = `id,y,a,b,c
1,0,1.5,,-999
2,1,NA,2.5,3
3,0,0.25,null,9999
4,1,-0,None,1e-9
5,0,1e-9,-2,
6,1,inf,-1,-999
7,0,3,4,5
`;

for (const method of ['mean', 'min', 'max', 'designated']) {
  t(`missing fill (${method}) and outlier replace: the same rows, ratios and fill values, fitted and predicted`, async () => {
    const params = {
      with_label: true, missing_fill: true, missing_fill_method: method, default_value: method === 'designated' ? [7, 8, 9] : 0,
      outlier_replace: true, outlier_replace_method: method === 'designated' ? 'designated' : 'mean', outlier_impute: ['-999', '9999'], outlier_replace_value: 0.5,
    };
    const fitted = await same(() => csvTable(MESSY), params);
    await same(() => csvTable(MESSY), { ...params, output_format: 'sparse' });
    // Predict: the stored fills replayed; the columns in another order are realigned by name.
    await same(() => csvTable(MESSY), {}, fitted.model);
    const reordered = 'id,c,a,y,b\n' + MESSY.split('\n').slice(1).filter(Boolean).map((l) => { const [id, y, a, b, c] = l.split(','); return [id, c, a, y, b].join(','); }).join('\n');
    await same(() => csvTable(reordered), {}, fitted.model);
  });
}

t('missing fill with the default tokens only, int data: the same rows and model', async () => {
  const ints = 'id,y,a,b\n1,1,3,\n2,0,,4\n3,1,5,6\n';
  await same(() => csvTable(ints), { with_label: true, data_type: 'int', missing_fill: true, default_value: 2 });
  await same(() => csvTable(ints), { with_label: true, data_type: 'int', missing_fill: true });
});

t('bad lines: the columnar path gives the row path\'s errors (cell count, a cell, a label)', async () => {
  const cases = [
    'id,y,a,b\n1,1,3,4\n2,0,5\n',
    'id,y,a,b\n1,1,3,4\n2,0,5,6,7\n',
    'id,y,a,b\n1,1,3,x\n2,0,5,6\n',
    'id,y,a,b\n1,1,3,4\n2,z,5,6\n',
  ];
  for (const text of cases) {
    for (const params of [{ with_label: true }, { with_label: true, missing_fill: true, missing_fill_method: 'mean' }]) {
      const errorOf = async (columnar: boolean) => run(columnar, csvTable(text), params).then(() => 'no error', (e: Error) => e.message);
      const message = await errorOf(false);
      assert.match(message, /DataIO: row/);
      assert.is(await errorOf(true), message);
    }
  }
});

t('plain decimals are read without a string, to the same double as Python float(); anything else is left to it', () => {
  const read = (text: string) => plainDecimal(`,${text},`, 1, text.length + 1);
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 200_000; i++) {
    const digits = String(next()) + String(next()).slice(0, next() % 8);
    const cut = next() % (digits.length + 1);
    const sign = ['', '-', '+'][next() % 3]!;
    const text = sign + (next() % 4 === 0 ? digits : digits.slice(0, cut) + '.' + digits.slice(cut));
    const want = parsePyFloat(text);
    const got = read(text);
    if (Number.isNaN(got)) assert.ok(text.replace(/[^0-9]/g, '').length > 15 || want === undefined, `${text} is plain`);
    else assert.ok(Object.is(got, want), `${text}: ${got} against ${want}`);
  }
  for (const [text, want] of [['-0', -0], ['-0.000', -0], ['0.1', 0.1], ['.5', 0.5], ['5.', 5], ['+7', 7], ['999999999999999', 999999999999999], ['0.00000000000001', 1e-14]] as const) assert.ok(Object.is(read(text), want), text);
  for (const text of ['', '-', '+', '.', '1.2.3', '1e5', 'inf', 'nan', ' 1', '1_0', '--1', '1-', '9999999999999999', 'NA']) assert.ok(Number.isNaN(read(text)), text);
});

t('the one-pass scan reads each cell as plainDecimal does over [start, next delimiter)', () => {
  let state = 777;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const pieces = ['0', '1', '9', '.', '-', '+', 'e', 'N', ' ', ',', ';', '\t', '12345678', '00'];
  for (const delim of [',', ';', '\t', ' ']) {
    const code = delim.charCodeAt(0);
    for (let i = 0; i < 100_000; i++) {
      let line = '';
      for (let k = next() % 12; k > 0; k--) line += pieces[next() % pieces.length];
      const from = line.length === 0 ? 0 : next() % (line.length + 1);
      const at = line.indexOf(delim, from);
      const stop = at < 0 ? line.length : at;
      const want = plainDecimal(line, from, stop);
      const got = scanPlainDecimal(line, from, code);
      assert.ok(Object.is(got, want), `${JSON.stringify(line)} from ${from} (delimiter ${JSON.stringify(delim)}): ${got} against ${want}`);
    }
  }
});

t.run();
