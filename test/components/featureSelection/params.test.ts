import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSelectionParams } from '../../../src/components/featureSelection/params.js';

const t = suite('HeteroFeatureSelection params');

t('given no keys, then FATE 1.4\'s defaults', () => {
  const p = readSelectionParams({});
  assert.is(p.selectColIndexes, -1);
  assert.equal(p.selectNames, []);
  assert.equal(p.filterMethods, ['unique_value']);
  assert.is(p.unique.eps, 1e-5);
  assert.equal(p.ivValue, { valueThreshold: 0, hostThresholds: null, localOnly: false });
  assert.equal(p.ivPercentile, { percentileThreshold: 1, localOnly: false });
  assert.equal(p.ivTopK, { k: 10, localOnly: false });
  assert.is(p.varianceCoe.valueThreshold, 1);
  assert.equal(p.outlier, { percentile: 1, upperThreshold: 1 });
  assert.equal(p.manually, { filterOutIndexes: null, filterOutNames: null, leftColIndexes: null, leftColNames: null });
  assert.is(p.percentageValue.upperPct, 1);
  assert.is(p.needRun, true);
});

t('given the suite\'s conf, then every value is read under FATE\'s names (methods lower-cased)', () => {
  const p = readSelectionParams({
    select_col_indexes: [1, 2], select_names: ['x0'], filter_methods: ['Manually', 'unique_value', 'iv_top_k'],
    unique_param: { eps: 1e-6 }, iv_value_param: { value_threshold: 0.1, host_thresholds: [0.2] }, iv_percentile_param: { percentile_threshold: 0.9 },
    iv_top_k_param: { k: 7, local_only: true }, variance_coe_param: { value_threshold: 0.3 }, outlier_param: { percentile: 0.95, upper_threshold: 2 },
    manually_param: { filter_out_indexes: [0], filter_out_names: ['x3'] }, percentage_value_param: { upper_pct: 0.8, error: 1e-5 }, need_run: true,
  });
  assert.equal(p.selectColIndexes, [1, 2]);
  assert.equal(p.filterMethods, ['manually', 'unique_value', 'iv_top_k']);
  assert.equal(p.ivTopK, { k: 7, localOnly: true });
  assert.equal(p.ivValue.hostThresholds, [0.2]);
  assert.equal(p.manually.filterOutIndexes, [0]);
  assert.is(p.percentageValue.upperPct, 0.8);
});

const refused: [string, Record<string, unknown>, RegExp][] = [
  ['an unknown filter', { filter_methods: ['unique_value', 'iv_magic'] }, /filter_methods\[1\] "iv_magic" is not one of manually, unique_value/],
  ['filter_methods not a list', { filter_methods: 'unique_value' }, /filter_methods must be a list/],
  ['select_col_indexes 3', { select_col_indexes: 3 }, /select_col_indexes must be -1 \(every column\) or a list/],
  ['a fractional index', { select_col_indexes: [1.5] }, /select_col_indexes\[0\] must be an integer/],
  ['eps 0', { unique_param: { eps: 0 } }, /unique_param.eps 0 not supported, should be positive numeric/],
  ['percentile 1.5', { iv_percentile_param: { percentile_threshold: 1.5 } }, /iv_percentile_param.percentile_threshold 1.5 not supported/],
  ['k 0', { iv_top_k_param: { k: 0 } }, /iv_top_k_param.k 0 not supported, should be positive integer/],
  ['local_only "yes"', { iv_value_param: { local_only: 'yes' } }, /iv_value_param.local_only "yes" not supported, should be bool/],
  ['upper_pct 0.05', { percentage_value_param: { upper_pct: 0.05 } }, /should not be smaller than 0.1/],
  ['outlier percentile -0.1', { outlier_param: { percentile: -0.1 } }, /outlier_param.percentile -0.1/],
  ['a string threshold', { variance_coe_param: { value_threshold: '0.3' } }, /variance_coe_param.value_threshold must be a number/],
  ['filter out and left together', { manually_param: { filter_out_names: ['x1'], left_col_indexes: [0] } }, /cannot use with \(filter_out_indexes & filter_out_names\) simultaneously/],
  ['manually_param a list', { manually_param: [] }, /manually_param must be an object/],
  ['host_thresholds a number', { iv_value_param: { host_thresholds: 0.1 } }, /host_thresholds should be a list of numbers or null/],
];
for (const [what, raw, message] of refused) {
  t(`given ${what}, then a clear error`, () => {
    assert.throws(() => readSelectionParams(raw), (e: Error) => message.test(e.message) && e.message.startsWith('HeteroFeatureSelection: '));
  });
}

t('given empty filter_out lists with left_* lists, then accepted as FATE does (an empty list is falsy, but [] or [] is not None)', () => {
  // FATE: ([] or []) is not None -> True, and (None or None) is None -> no conflict.
  assert.not.throws(() => readSelectionParams({ manually_param: { filter_out_indexes: [], filter_out_names: [] } }));
  assert.throws(() => readSelectionParams({ manually_param: { filter_out_indexes: [], filter_out_names: [], left_col_names: ['x'] } }));
  assert.not.throws(() => readSelectionParams({ manually_param: { filter_out_indexes: [], left_col_names: ['x'] } }));
});

t.run();
