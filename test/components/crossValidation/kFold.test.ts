import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { kFold, readCvParam } from '../../../src/components/crossValidation/kFold.js';

const t = suite('crossValidation/kFold');

t('given 10 rows in 3 folds without shuffle, then sklearn\'s consecutive folds of 4, 3, 3', () => {
  const folds = kFold(10, { nSplits: 3, shuffle: false, randomSeed: 1 });
  assert.equal(folds.map((f) => f.test), [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.equal(folds[1]!.train, [0, 1, 2, 3, 7, 8, 9]);
});

t('given shuffle, then the test folds partition the rows, each in table order, the same for the same seed and different for another', () => {
  const a = kFold(100, { nSplits: 4, shuffle: true, randomSeed: 103 });
  const all = a.flatMap((f) => f.test).sort((x, y) => x - y);
  assert.equal(all, Array.from({ length: 100 }, (_, i) => i));
  for (const f of a) {
    assert.equal(f.test, [...f.test].sort((x, y) => x - y));
    assert.is(f.train.length + f.test.length, 100);
    assert.not.ok(f.test.some((i) => f.train.includes(i)));
  }
  assert.equal(kFold(100, { nSplits: 4, shuffle: true, randomSeed: 103 }), a);
  assert.not.equal(kFold(100, { nSplits: 4, shuffle: true, randomSeed: 104 }), a);
  assert.not.equal(a[0]!.test, Array.from({ length: 25 }, (_, i) => i));
});

t('given cv_param, then FATE\'s defaults and clear errors', () => {
  assert.equal(readCvParam({}, 'X'), { needCv: false, nSplits: 5, shuffle: true, randomSeed: 1 });
  assert.equal(readCvParam({ cv_param: { need_cv: true, n_splits: 3, shuffle: false, random_seed: 103 } }, 'X'), { needCv: true, nSplits: 3, shuffle: false, randomSeed: 103 });
  assert.throws(() => readCvParam({ cv_param: { n_splits: 1 } }, 'X'), /X: cv_param.n_splits must be an integer ≥ 2/);
  assert.throws(() => kFold(2, { nSplits: 3, shuffle: false, randomSeed: 1 }), /2 rows cannot be split into 3 folds/);
});

t.run();
