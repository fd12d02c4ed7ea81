import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { binColumns } from '../../../src/components/featureBinning/columns.js';
import { readParams } from '../../../src/components/featureBinning/params.js';

const t = suite('featureBinning params');

t('given no parameters, then FATE 1.4.5’s defaults apply', () => {
  const p = readParams({});
  assert.equal(
    { method: p.method, compressThres: p.compressThres, headSize: p.headSize, error: p.error, binNum: p.binNum, binIndexes: p.binIndexes, adjustmentFactor: p.adjustmentFactor, localOnly: p.localOnly },
    { method: 'quantile', compressThres: 10000, headSize: 10000, error: 0.001, binNum: 10, binIndexes: -1, adjustmentFactor: 0.5, localOnly: false },
  );
  assert.equal(p.transform, { transformCols: -1, transformNames: null, transformType: 'bin_num' });
  assert.equal(p.optimal, { metricMethod: 'iv', minBinPct: 0.05, maxBinPct: 1, initBinNums: 1000, mixture: true, initBucketMethod: 'quantile' });
  assert.is(p.encryptMethod, 'Paillier');
  assert.is(p.keyLength, 1024);
});

t('given chi-square spelled with a dash, then it is FATE’s chi_square', () => {
  assert.is(readParams({ method: 'optimal', optimal_binning_param: { metric_method: 'chi-square' } }).optimal.metricMethod, 'chi_square');
});

t('given bad values, then each is refused with a message naming the parameter', () => {
  assert.throws(() => readParams({ method: 'kmeans' }), /method must be quantile, bucket or optimal/);
  assert.throws(() => readParams({ bin_num: 0 }), /bin_num must be a positive integer/);
  assert.throws(() => readParams({ adjustment_factor: 1 }), /adjustment_factor must be in the open interval/);
  assert.throws(() => readParams({ error: 2 }), /error must be in \[0, 1\]/);
  assert.throws(() => readParams({ bin_indexes: 'all' }), /bin_indexes must be -1 or a list/);
  assert.throws(() => readParams({ transform_param: { transform_type: 'onehot' } }), /transform_type must be bin_num, woe or null/);
  assert.throws(() => readParams({ optimal_binning_param: { metric_method: 'entropy' } }), /metric_method must be iv, gini, ks or chi_square/);
  assert.throws(() => readParams({ optimal_binning_param: { min_bin_pct: 0.5, max_bin_pct: 0.2 } }), /min_bin_pct should be less than or equal to max_bin_pct/);
  assert.throws(() => readParams({ encrypt_param: { method: 'RSA' } }), /encrypt_param.method must be Paillier or null/);
  assert.throws(() => readParams({ local_only: 'yes' }), /local_only must be true or false/);
});

t('given category indexes, then they leave the binned columns and come after them; transform -1 covers both', () => {
  const c = binColumns(['a', 'b', 'c', 'd'], readParams({ category_indexes: [1], category_names: ['d'] }));
  assert.equal(c.numeric, [0, 2]);
  assert.equal(c.category, [1, 3]);
  assert.equal(c.all, [0, 2, 1, 3]);
  assert.equal(c.transform, [0, 2, 1, 3]);
});

t('given bin_indexes and bin_names, then both are binned once; an index outside the header is refused', () => {
  const c = binColumns(['a', 'b', 'c'], readParams({ bin_indexes: [2], bin_names: ['a', 'c', 'zz'], transform_param: { transform_cols: [0] } }));
  assert.equal(c.all, [2, 0]);
  assert.equal(c.transform, [0]);
  assert.throws(() => binColumns(['a'], readParams({ bin_indexes: [3] })), /bin_indexes 3 is outside the header/);
  assert.throws(() => binColumns(['a', 'b'], readParams({ bin_indexes: [0], transform_param: { transform_cols: [1] } })), /transform column "b" is not binned/);
  assert.throws(() => binColumns(['a', 'b'], readParams({ transform_param: { transform_cols: null, transform_names: ['q'] } })), /transform_names "q" is not in the header/);
});

t.run();
