// DataIO's sparse (libsvm) and tag readers and output_format sparse, against rows worked out by hand
// from FATE 1.4.5's SparseFeatureReader / SparseTagReader.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { FIXTURES } from '../../support/fixtures.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { csvTable } from './csvTable.js';

const t = suite('DataIO input formats');

/** A head-0 upload: key = first column, value = the rest of the line; no header, sid "sid". */
function rawTable(lines: string[]): DataTable<string> {
  const rows = lines.map((l): [string, string] => {
    const c = l.indexOf(',');
    return c < 0 ? [l, ''] : [l.slice(0, c), l.slice(c + 1)];
  });
  rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { schema: { header: [], sid_name: 'sid' }, rows };
}

async function run(table: DataTable<string>, params: Record<string, unknown>, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '10000' });
  const out = await dataIO(componentInput({ module: 'DataIO', role: 'guest', params, data: { data: table }, ...(model ? { model } : {}) }), ctx);
  return { out, data: out.data as DataTable<Instance>, rows: new Map((out.data as DataTable<Instance>).rows) };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const SPARSE = ['a,1 0:0.5 3:2', 'b,0 1:1e-3', 'c,1 2:4 0:-1'];

t('sparse: header "0".."max fid", dense rows with 0 where absent, label first, sid "sid", label name from the conf', async () => {
  const { data, rows, out } = await run(rawTable(SPARSE), { input_format: 'sparse', delimitor: ' ', label_name: 'y' });
  assert.equal(data.schema, { header: ['0', '1', '2', '3'], sid_name: 'sid', label_name: 'y' });
  assert.equal(rows.get('a'), { features: [0.5, 0, 0, 2], label: 1 });
  assert.equal(rows.get('b'), { features: [0, 0.001, 0, 0], label: 0 });
  assert.equal(rows.get('c'), { features: [-1, 0, 4, 0], label: 1 });
  const meta = out.model!.DataIOMeta!;
  // SparseFeatureReader.save_model: with_label left at save_data_io_model's default False.
  assert.is(meta.inputFormat, 'sparse');
  assert.is(meta.withLabel, false);
  assert.is(meta.labelName, 'y');
  assert.is(meta.labelType, 'int');
  assert.is(meta.delimitor, ' ');
  assert.equal(meta.imputerMeta, { isImputer: false, strategy: '', missingValue: [] });
  assert.equal(out.model!.DataIOParam!.header, ['0', '1', '2', '3']);
  assert.is(out.model!.DataIOParam!.sidName, 'sid');
});

t('sparse predict: the stored header fixes the width; a fid beyond it is refused by name', async () => {
  const fit = await run(rawTable(SPARSE), { input_format: 'sparse', delimitor: ' ' });
  const pred = await run(rawTable(['z,0 1:7']), {}, fit.out.model);
  assert.equal(pred.rows.get('z'), { features: [0, 7, 0, 0], label: 0 });
  assert.is(pred.out.model, fit.out.model);
  const error = await rejection(run(rawTable(['z,0 4:7']), {}, fit.out.model));
  assert.match(error.message, /feature index 4, the model's header has 4 features/);
});

t('sparse: bad pairs, empty rows and a table without any feature are clear errors', async () => {
  assert.match((await rejection(run(rawTable(['a,1 0-3']), { input_format: 'sparse', delimitor: ' ' }))).message, /"0-3" is not fid:value/);
  assert.match((await rejection(run(rawTable(['a,1', 'b,0']), { input_format: 'sparse', delimitor: ' ' }))).message, /no feature value in input data/);
  assert.match((await rejection(run(rawTable(['a,1 0:x']), { input_format: 'sparse', delimitor: ' ' }))).message, /cannot read "x" as float64/);
});

const TAGS = ['r1,t2:3,t1:1.5', 'r2,t3:2', 'r3,t1:4,t1:5'];

t('tag with values: header = sorted tags, absent tags 0, a repeated tag keeps its last value', async () => {
  const { data, rows, out } = await run(rawTable(TAGS), { input_format: 'tag', tag_with_value: true, delimitor: ',', with_label: false });
  // SparseTagReader: sid "sid", label_name stays the conf's default "y" even without a label.
  assert.equal(data.schema, { header: ['t1', 't2', 't3'], sid_name: 'sid', label_name: 'y' });
  assert.equal(rows.get('r1'), { features: [1.5, 3, 0] });
  assert.equal(rows.get('r2'), { features: [0, 0, 2] });
  assert.equal(rows.get('r3'), { features: [5, 0, 0] });
  const meta = out.model!.DataIOMeta!;
  assert.is(meta.inputFormat, 'tag');
  assert.is(meta.tagWithValue, true);
  assert.is(meta.tagValueDelimitor, ':');
  assert.is(meta.labelName, 'y');
  assert.equal(out.model!.DataIOParam!.header, ['t1', 't2', 't3']);
});

t('tag without values and with a label: present tag 1, label name "label"; predict skips unseen tags', async () => {
  const table = rawTable(['a,1;x;z', 'b,0;y', 'c,1;z;y']);
  const { data, rows, out } = await run(table, { input_format: 'tag', delimitor: ';', with_label: true, label_name: 'click' });
  assert.equal(data.schema, { header: ['x', 'y', 'z'], sid_name: 'sid', label_name: 'label' });
  assert.equal(rows.get('a'), { features: [1, 0, 1], label: 1 });
  assert.equal(rows.get('b'), { features: [0, 1, 0], label: 0 });
  assert.is(out.model!.DataIOMeta!.labelName, 'label');
  assert.is(out.model!.DataIOMeta!.withLabel, true);
  const pred = await run(rawTable(['d,0;w;z']), {}, out.model);
  assert.equal(pred.rows.get('d'), { features: [0, 0, 1], label: 0 });
  assert.equal(pred.data.schema, data.schema);
});

t('tag with values and missing_fill: absent tags take the fitted fill (FATE fills over the whole header), predict replays it', async () => {
  const { rows, out } = await run(rawTable(TAGS), { input_format: 'tag', tag_with_value: true, missing_fill: true, missing_fill_method: 'mean' });
  // mean per tag over present cells: t1 (1.5, 5) = 3.25, t2 3, t3 2.
  assert.equal(rows.get('r2'), { features: [3.25, 3, 2] });
  assert.equal(rows.get('r1'), { features: [1.5, 3, 2] });
  const meta = out.model!.DataIOMeta!;
  assert.equal(meta.imputerMeta, { isImputer: true, strategy: 'mean', missingValue: ['', 'none', 'null', 'na'] });
  const param = out.model!.DataIOParam!.imputerParam as Record<string, Record<string, unknown>>;
  assert.equal(param.missingReplaceValue, { t1: '3.25', t2: '3.0', t3: '2.0' });
  assert.equal(param.missingValueRatio, { t1: 1 / 3, t2: 2 / 3, t3: 2 / 3 });
  const pred = await run(rawTable(['q,t2:9']), {}, out.model);
  assert.equal(pred.rows.get('q'), { features: [3.25, 9, 2] });
});

t('tag: a value-less pair with tag_with_value is refused by name; outlier_replace is ignored as FATE\'s tag reader does', async () => {
  assert.match((await rejection(run(rawTable(['a,t1']), { input_format: 'tag', tag_with_value: true }))).message, /"t1" is not tag:value/);
  const { out } = await run(rawTable(TAGS), { input_format: 'tag', tag_with_value: true, outlier_replace: true });
  assert.equal(out.model!.DataIOMeta!.outlierMeta, { isOutlier: false, strategy: '', outlierValue: [] });
});

t('output_format sparse on dense input: same numbers, |v| < 1e-8 stored as 0; meta says sparse', async () => {
  const { rows, out } = await run(csvTable('id,y,a,b\n1,1,1e-9,2\n2,0,-3,0\n'), { with_label: true, output_format: 'sparse' });
  assert.equal(rows.get('1'), { features: [0, 2], label: 1 });
  assert.equal(rows.get('2'), { features: [-3, 0], label: 0 });
  assert.is(out.model!.DataIOMeta!.outputFormat, 'sparse');
  const dense = await run(csvTable('id,y,a,b\n1,1,1e-9,2\n'), { with_label: true });
  assert.equal(dense.rows.get('1'), { features: [1e-9, 2], label: 1 });
});

t('predict from buffers decoded from protobuf (as a predict job reads them): sparse and tag with missing fill replay alike', async () => {
  const roundTrip = (model: ComponentOutput['model']) =>
    Object.fromEntries(['DataIOMeta', 'DataIOParam'].map((n) => [n, decodeBuffer(n, encodeBuffer(n, model![n]!))]));
  const sparse = await run(rawTable(SPARSE), { input_format: 'sparse', delimitor: ' ' });
  const fromSparse = await run(rawTable(['z,1 3:5']), {}, roundTrip(sparse.out.model));
  assert.equal(fromSparse.rows.get('z'), { features: [0, 0, 0, 5], label: 1 });
  assert.equal(fromSparse.data.schema, sparse.data.schema);
  const tag = await run(rawTable(TAGS), { input_format: 'tag', tag_with_value: true, missing_fill: true, missing_fill_method: 'max' });
  const fromTag = await run(rawTable(['q,t3:1']), {}, roundTrip(tag.out.model));
  // max per tag: t1 5, t2 3, t3 2.
  assert.equal(fromTag.rows.get('q'), { features: [5, 3, 1] });
});

t('unknown formats are refused with FATE\'s check message (naming the key too)', async () => {
  assert.match((await rejection(run(rawTable(TAGS), { input_format: 'libsvm' }))).message, /dataio param's input_format libsvm not supported, should be one of \['dense', 'sparse', 'tag'\]/);
  assert.match((await rejection(run(rawTable(TAGS), { output_format: 'csr' }))).message, /output_format csr not supported/);
});

t('the union suite\'s tag_value_1000_140.csv: 1000 rows over 1400 sorted tags, and the buffers survive the protobuf round trip', async () => {
  const text = readFileSync(join(FIXTURES, 'fate-examples', 'examples', 'data', 'tag_value_1000_140.csv'), 'utf8');
  const { data, out } = await run(rawTable(text.split('\n').filter(Boolean)), { input_format: 'tag', with_label: false, tag_with_value: true, delimitor: ',', output_format: 'dense' });
  assert.is(data.rows.length, 1000);
  assert.is(data.schema.header.length, 1400);
  assert.equal(data.schema.header, [...data.schema.header].sort());
  // First line: 1,2019010533:1,2019011092:3,...
  const first = new Map(data.rows).get('1')!;
  assert.is(first.features[data.schema.header.indexOf('2019010533')], 1);
  assert.is(first.features[data.schema.header.indexOf('2019011092')], 3);
  for (const name of ['DataIOMeta', 'DataIOParam']) {
    const back = decodeBuffer(name, encodeBuffer(name, out.model![name]!));
    for (const [k, v] of Object.entries(out.model![name]!)) assert.equal(back[k], v, `${name}.${k}`);
  }
});

t.run();
