// Each local filter through the component on one party (no exchange needed), with values computed
// by hand from FATE's rules (support.ts lists the columns' statistics).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroFeatureSelection } from '../../../src/components/featureSelection/featureSelection.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { GUEST_DATA, HOST_DATA, rejects, table } from './support.js';

const t = suite('HeteroFeatureSelection local filters');

async function select(params: Record<string, unknown>, data: DataTable<Instance> = GUEST_DATA, role = 'guest') {
  const ctx = new InProcessJob().context({ role, partyId: role === 'guest' ? '9999' : '10000' });
  const out = await heteroFeatureSelection(
    componentInput({ module: 'HeteroFeatureSelection', componentName: 'hetero_feature_selection_0', role, params, data: { data } }), ctx);
  return out;
}

const header = (out: ComponentOutput) => out.data!.schema.header;
const param = (out: ComponentOutput) => out.model!.FeatureSelectionParam as Record<string, any>;
const meta = (out: ComponentOutput) => out.model!.FeatureSelectionMeta as Record<string, any>;
const close = (actual: Record<string, number>, expected: Record<string, number>) => {
  assert.equal(Object.keys(actual), Object.keys(expected));
  for (const [k, v] of Object.entries(expected)) assert.ok(Math.abs(actual[k]! - v) < 1e-4, `${k}: ${actual[k]} vs ${v}`);
};

t('given unique_value (eps 1e-6), when fitted, then the constant column goes and each value is max − min', async () => {
  const out = await select({ filter_methods: ['unique_value'], unique_param: { eps: 1e-6 } });
  assert.equal(header(out), ['b', 'c', 'd']);
  assert.equal(out.data!.rows.map(([, i]) => (i as Instance).features), [[1, 10, 0], [2, 10, 0], [3, 10, 0], [4, 10, 0], [5, 11, 100]]);
  assert.equal(out.data!.rows.map(([, i]) => (i as Instance).label), [0, 1, 0, 1, 0], 'labels kept');
  assert.equal(out.data!.schema, { header: ['b', 'c', 'd'], sid_name: 'id', label_name: 'y' });
  const r = param(out).results[0];
  assert.is(r.filterName, 'unique_value');
  assert.equal(r.featureValues, { a: 0, b: 4, c: 1, d: 100 });
  assert.equal(r.leftCols, { originalCols: ['a', 'b', 'c', 'd'], leftCols: { b: true, c: true, d: true } });
  assert.equal(meta(out).uniqueMeta, { eps: 1e-6 });
});

t('given coefficient_of_variation_value_thres 0.3, then columns with |std/mean| < 0.3 go (a: 0, c: 0.039)', async () => {
  const out = await select({ filter_methods: ['coefficient_of_variation_value_thres'], variance_coe_param: { value_threshold: 0.3 } });
  assert.equal(header(out), ['b', 'd']);
  close(param(out).results[0].featureValues, { a: 0, b: Math.SQRT2 / 3, c: 0.4 / 10.2, d: 2 });
  assert.equal(meta(out).varianceCoeMeta, { valueThreshold: 0.3 });
});

t('given outlier_cols (percentile 0.8, upper 10), then a column whose 0.8 quantile point (4th of 5) reaches 10 goes', async () => {
  const out = await select({ filter_methods: ['outlier_cols'], outlier_param: { percentile: 0.8, upper_threshold: 10 } });
  assert.equal(header(out), ['a', 'b', 'd']);
  assert.equal(param(out).results[0].featureValues, { a: 1, b: 4, c: 10, d: 0 });
});

t('given percentage_value (upper_pct 0.8), then a column where one value fills more than ceil(5·0.8) = 4 rows goes', async () => {
  const out = await select({ filter_methods: ['percentage_value'], percentage_value_param: { upper_pct: 0.8 } });
  assert.equal(header(out), ['b', 'c', 'd']);
  assert.equal(param(out).results[0].featureValues, { a: 1, b: 0, c: 0, d: 0 });
  assert.equal(meta(out).pencentageValueMeta, { upperPct: 0.8 });
});

t('given percentage_value 0.6, then 4 equal values of 5 are too many as well (threshold ceil(3) = 3)', async () => {
  const out = await select({ filter_methods: ['percentage_value'], percentage_value_param: { upper_pct: 0.6 } });
  assert.equal(header(out), ['b']);
});

t('given manually filter_out_indexes [0] and filter_out_names [c], then a and c go, and the meta names them', async () => {
  const out = await select({ filter_methods: ['manually'], manually_param: { filter_out_indexes: [0], filter_out_names: ['c'] } });
  assert.equal(header(out), ['b', 'd']);
  assert.equal(meta(out).manuallyMeta, { filterOutNames: ['a', 'c'] });
});

t('given manually left_col_indexes [1] and left_col_names [d], then only b and d stay', async () => {
  const out = await select({ filter_methods: ['manually'], manually_param: { filter_out_indexes: null, filter_out_names: null, left_col_indexes: [1], left_col_names: ['d'] } });
  assert.equal(header(out), ['b', 'd']);
  assert.equal(meta(out).manuallyMeta, { filterOutNames: ['a', 'c'] });
});

t('given manually with empty filter_out lists (the suite\'s conf), then nothing goes', async () => {
  const out = await select({ filter_methods: ['manually'], manually_param: { filter_out_indexes: [], filter_out_names: [] } });
  assert.equal(header(out), ['a', 'b', 'c', 'd']);
});

t('given manually with nothing listed at all, then as in FATE every column is filtered but one stays (fedflow: the first, not a random one)', async () => {
  const out = await select({ filter_methods: ['manually'] });
  assert.equal(header(out), ['a']);
});

t('given two filters in a row, then the second looks only at what the first kept, and col_names rank columns by filters passed', async () => {
  const out = await select({ filter_methods: ['unique_value', 'coefficient_of_variation_value_thres'], unique_param: { eps: 1e-6 }, variance_coe_param: { value_threshold: 0.3 } });
  assert.equal(header(out), ['b', 'd']);
  const p = param(out);
  assert.equal(p.results.map((r: any) => r.filterName), ['unique_value', 'coefficient_of_variation_value_thres']);
  assert.equal(Object.keys(p.results[1].featureValues), ['b', 'c', 'd']);
  assert.equal(p.results[1].leftCols, { originalCols: ['b', 'c', 'd'], leftCols: { b: true, d: true } });
  assert.equal(p.finalLeftCols, { originalCols: ['a', 'b', 'c', 'd'], leftCols: { b: true, d: true } });
  assert.equal(p.colNames, ['b', 'd', 'c', 'a']);
  assert.equal(p.header, ['a', 'b', 'c', 'd']);
  assert.equal(p.hostColNames, []);
  assert.equal(meta(out).filterMethods, ['unique_value', 'coefficient_of_variation_value_thres']);
  assert.equal(meta(out).cols, ['a', 'b', 'c', 'd']);
  assert.is(meta(out).needRun, true);
});

t('given select_col_indexes [0, 2], then only a and c are judged and b and d stay whatever their values', async () => {
  const out = await select({ select_col_indexes: [0, 2], filter_methods: ['unique_value', 'coefficient_of_variation_value_thres'], unique_param: { eps: 1e-6 }, variance_coe_param: { value_threshold: 0.3 } });
  // unique drops a; cv then looks at c only (0.039 < 0.3) — c is the last judged column, so it stays (keep one).
  assert.equal(header(out), ['b', 'c', 'd']);
  assert.equal(meta(out).cols, ['a', 'c']);
  assert.equal(param(out).finalLeftCols.originalCols, ['a', 'c']);
});

t('given select_names [d] with select_col_indexes [0] and out-of-range indexes, then a and d are judged', async () => {
  const out = await select({ select_col_indexes: [0, 9], select_names: ['d', 'zz'], filter_methods: ['unique_value'], unique_param: { eps: 1e-6 } });
  assert.equal(meta(out).cols, ['a', 'd']);
  assert.equal(header(out), ['b', 'c', 'd']);
});

t('given every judged column fails, then the one with the highest value stays (FATE\'s keep-one rule)', async () => {
  const out = await select({ filter_methods: ['coefficient_of_variation_value_thres'], variance_coe_param: { value_threshold: 5 } });
  assert.equal(header(out), ['d']);
});

t('given select_col_indexes [], then no filter runs and every column stays', async () => {
  const out = await select({ select_col_indexes: [], filter_methods: ['unique_value'] });
  assert.equal(header(out), ['a', 'b', 'c', 'd']);
  assert.equal(param(out).results, []);
});

t('given a host with only local filters, then it filters its own columns without any exchange', async () => {
  const out = await select({ filter_methods: ['unique_value', 'percentage_value'], percentage_value_param: { upper_pct: 0.5 } }, HOST_DATA, 'host');
  // h0 constant; h2 holds 1 three times of 5 (> ceil(2.5) = 3? no: 3 is not above 3) so it stays.
  assert.equal(header(out), ['h1', 'h2']);
  assert.equal(out.data!.schema, { header: ['h1', 'h2'], sid_name: 'id' });
});

t('given need_run false, then the data passes unchanged and there is no model', async () => {
  const out = await select({ need_run: false, filter_methods: ['unique_value'] });
  assert.is(out.data, GUEST_DATA);
  assert.is(out.model, undefined);
});

t('given bad input, then clear errors', async () => {
  await rejects(select({ filter_methods: ['nope'] }), /filter_methods\[0\] "nope"/);
  await rejects(select({}, table({ a: [] })), /the input table has no rows/);
  const sparse = { schema: GUEST_DATA.schema, rows: [['0', { features: { 1: 2 } }]] } as unknown as DataTable<Instance>;
  await rejects(select({}, sparse), /row 0 is not a dense instance; selection reads DataIO's output with output_format dense/);
  const short = { schema: GUEST_DATA.schema, rows: [['0', { features: [1, 2] }]] } as unknown as DataTable<Instance>;
  await rejects(select({}, short), /row 0 has 2 features for 4 header columns/);
  await rejects(
    heteroFeatureSelection(componentInput({ module: 'HeteroFeatureSelection', role: 'arbiter', params: {} }), new InProcessJob().context({ role: 'arbiter', partyId: '1' })),
    /runs on guest and host, not on arbiter/,
  );
  await rejects(
    heteroFeatureSelection(componentInput({ module: 'HeteroFeatureSelection', role: 'guest', params: {} }), new InProcessJob().context({ role: 'guest', partyId: '9999' })),
    /no input data/,
  );
});

t.run();
