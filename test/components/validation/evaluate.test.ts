import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validationMetrics } from '../../../src/components/validation/evaluate.js';

const t = suite('validation metrics');

t('a one-vs-rest model given HeteroLR\'s default binary metrics (FATE\'s lr_ovr_cv) is evaluated with the multi metrics', () => {
  assert.equal(validationMetrics('multi', ['auc', 'ks']), ['accuracy', 'precision', 'recall']);
  assert.equal(validationMetrics('multi', ['AUC', 'recall']), ['recall']);
  assert.equal(validationMetrics('multi', []), ['accuracy', 'precision', 'recall']);
});

t('binary and regression lists are kept as given, without the metrics validation bans', () => {
  assert.equal(validationMetrics('binary', ['auc', 'ks']), ['auc', 'ks']);
  assert.equal(validationMetrics('binary', ['ks', 'psi']), ['ks']);
  assert.equal(validationMetrics('binary', []), ['auc', 'ks']);
  assert.equal(validationMetrics('regression', []), ['root_mean_squared_error', 'mean_absolute_error']);
});

t.run();
