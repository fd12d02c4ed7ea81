// The board's confusion matrix and score distribution from predictions (pure).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluatePredictions, SCORE_BINS } from '../../../src/api/board/evaluation.js';

const t = suite('api/board/evaluation');

t('binary: true label rows × predicted label columns; scores binned per true label', () => {
  const rows = [
    { label: '1', predicted: '1', score: 0.91, type: 'train' },
    { label: '1', predicted: '0', score: 0.42, type: 'train' },
    { label: '0', predicted: '0', score: 0.04, type: 'train' },
    { label: '0', predicted: '0', score: 0.0, type: 'train' },
    { label: '0', predicted: '1', score: 1.0, type: 'train' },
  ];
  const m = evaluatePredictions('hetero_lr_0', 'train', rows);
  assert.equal(m.classes, ['0', '1']);
  assert.equal(m.confusion, [[2, 1], [1, 1]]);
  assert.is(m.total, 5);
  assert.is(m.distribution.edges.length, SCORE_BINS + 1);
  const zero = m.distribution.series.find((s) => s.label === '0')!.counts;
  assert.is(zero[0], 2); // 0.0 and 0.04 (0.05 would open the next bin)
  assert.is(zero[SCORE_BINS - 1], 1); // 1.0 falls in the last bin
  const one = m.distribution.series.find((s) => s.label === '1')!.counts;
  assert.is(one[18], 1); // 0.91
  assert.is(one[8], 1); // 0.42
});

t('multi-class labels sort numerically and a class only predicted still gets a row and a column', () => {
  const m = evaluatePredictions('lr', 'validate', [
    { label: '10', predicted: '2', score: 0.5, type: 'validate' },
    { label: '2', predicted: '2', score: 0.7, type: 'validate' },
    { label: '2', predicted: '3', score: Number.NaN, type: 'validate' },
  ]);
  assert.equal(m.classes, ['2', '3', '10']);
  assert.equal(m.confusion, [[1, 1, 0], [0, 0, 0], [1, 0, 0]]);
  assert.is(m.distribution.series.find((s) => s.label === '2')!.counts.reduce((a, b) => a + b, 0), 1, 'a NaN score is not binned');
});

t.run();
