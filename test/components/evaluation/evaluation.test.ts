import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { evaluation, resolveMetrics } from '../../../src/components/evaluation/evaluation.js';
import { InProcessJob, componentInput, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('Evaluation');
const DN = 'hetero_lr_0';

function predictTable(labels: number[], scores: number[], type: string | string[] = 'train'): DataTable {
  return {
    schema: { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' },
    rows: labels.map((l, i) => [
      String(i),
      [l, scores[i]! > 0.5 ? 1 : 0, scores[i]!, { '0': 1 - scores[i]!, '1': scores[i]! }, Array.isArray(type) ? type[i]! : type],
    ]),
  };
}

async function evaluate(table: DataTable, params: Record<string, unknown> = {}): Promise<RecordingTracker> {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  const out = await evaluation(
    componentInput({ module: 'Evaluation', componentName: 'evaluation_0', role: 'guest', params: { _upstream: DN, ...params }, data: { data: table } }),
    ctx,
  );
  assert.equal(out, {});
  return ctx.tracker;
}

const summary = (tracker: RecordingTracker, ns = 'train') => Object.fromEntries(tracker.get(ns, DN).data);

// Scores descending: 0.9 (pos), 0.8 (neg), 0.3 (pos), 0.2 (neg).
const SMALL_LABELS = [1, 0, 1, 0];
const SMALL_SCORES = [0.9, 0.8, 0.3, 0.2];

t('given tied scores, when evaluating auc, then ties count half as in roc_auc_score', async () => {
  // positives 0.9, 0.5, 0.5; negatives 0.9, 0.3: pairs won 0.5 + 1 + 0 + 1 + 0 + 1 = 3.5 of 6.
  const tracker = await evaluate(predictTable([1, 0, 1, 0, 1], [0.9, 0.9, 0.5, 0.3, 0.5]), { metrics: ['auc'] });
  assert.equal(tracker.get('train', DN).data, [['auc', 0.583333]]);
  assert.equal(tracker.names(), { train: [DN] }, 'only the summary');
});

t('given a small case, when evaluating auc and ks, then the hand-computed values are logged with the summary meta', async () => {
  const tracker = await evaluate(predictTable(SMALL_LABELS, SMALL_SCORES), { metrics: ['auc', 'ks'] });
  assert.equal(summary(tracker), { auc: 0.75, ks: 0.5 });
  assert.equal(tracker.get('train', DN).meta, { name: DN, metric_type: 'EVALUATION_SUMMARY' });

  // KS: index cuts c/100 pick the descending score at ⌊4c/100⌋; predicted positive means score > threshold.
  const fpr = tracker.get('train', `${DN}_ks_fpr`);
  const tpr = tracker.get('train', `${DN}_ks_tpr`);
  assert.is(fpr.data.length, 101);
  const at = (points: typeof fpr.data, x: number) => points.find(([k]) => k === x)![1];
  assert.equal([0, 0.24, 0.25, 0.5, 0.75, 0.99, 1].map((x) => at(fpr.data, x)), [0, 0, 0, 0.5, 0.5, 0.5, 1]);
  assert.equal([0, 0.24, 0.25, 0.5, 0.75, 0.99, 1].map((x) => at(tpr.data, x)), [0, 0, 0.5, 0.5, 1, 1, 1]);
  assert.equal(fpr.meta.metric_type, 'KS_EVALUATION');
  assert.is(fpr.meta.curve_name, `${DN}_fpr`);
  assert.is(tpr.meta.curve_name, `${DN}_tpr`);
  assert.is(fpr.meta.pair_type, DN);
  assert.is((fpr.meta.thresholds as number[]).length, 100);
  assert.equal((fpr.meta.thresholds as number[]).slice(0, 1), [0.9]);
});

t('given a small case, when evaluating confusion_mat, then counts at the fixed thresholds 0..0.99 match', async () => {
  const tracker = await evaluate(predictTable(SMALL_LABELS, SMALL_SCORES), { metrics: ['confusion_mat'] });
  const cm = tracker.get('train', `${DN}_confusion_mat`);
  assert.equal(cm.data, []);
  assert.is(cm.meta.metric_type, 'CONFUSION_MAT');
  const thresholds = cm.meta.thresholds as number[];
  assert.is(thresholds.length, 100);
  assert.equal([thresholds[0], thresholds[25], thresholds[99]], [0, 0.25, 0.99]);
  const pick = (i: number) => ['tp', 'fp', 'fn', 'tn'].map((k) => (cm.meta[k] as number[])[i]);
  assert.equal(pick(0), [2, 2, 0, 0]);
  assert.equal(pick(25), [2, 1, 0, 1]);
  assert.equal(pick(50), [1, 1, 1, 1]);
  assert.equal(pick(85), [1, 0, 1, 2]);
  assert.equal(pick(90), [0, 0, 2, 2]);
});

t('given a small case, when evaluating roc, lift and gain, then the FATE curves come out', async () => {
  const tracker = await evaluate(predictTable(SMALL_LABELS, SMALL_SCORES), { metrics: ['roc', 'lift', 'gain'] });
  const roc = tracker.get('train', `${DN}_roc`);
  assert.equal(roc.data, [[0, 0], [0, 0.5], [0.5, 0.5], [0.5, 1], [1, 1], [1, 1]]);
  assert.equal(roc.meta, {
    name: `${DN}_roc`, metric_type: 'ROC_EVALUATION', unit_name: 'fpr', ordinate_name: 'tpr', curve_name: DN,
    thresholds: [1.9, 0.9, 0.8, 0.3, 0.2, 1],
  });
  const lift = tracker.get('train', `${DN}_lift`);
  assert.equal(lift.data, [[0, 2], [0.25, 2], [0.5, 1], [0.75, 1.333333], [1, 1]]);
  assert.equal(lift.meta, { name: `${DN}_lift`, metric_type: 'LIFT_EVALUATION', curve_name: DN, thresholds: [0.9, 0.8, 0.3, 0.2, 0] });
  assert.equal(tracker.get('train', `${DN}_gain`).data, [[0, 0], [0.25, 0.5], [0.5, 0.5], [0.75, 1], [1, 1]]);
});

t('given no metrics, when evaluating binary, then every binary metric of 1.6 is logged under its name and type', async () => {
  const labels = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 0 : 1));
  const scores = labels.map((l, i) => Math.min(0.99, Math.max(0.01, (l ? 0.6 : 0.4) + ((i * 37) % 11) / 25 - 0.2)));
  const tracker = await evaluate(predictTable(labels, scores));
  const expected = [
    DN, `${DN}_ks_fpr`, `${DN}_ks_tpr`, `${DN}_lift`, `${DN}_gain`, `${DN}_accuracy`, `${DN}_precision`, `${DN}_recall`,
    `${DN}_roc`, `${DN}_confusion_mat`, `${DN}_f1_score`, `${DN}_quantile_pr`,
  ];
  assert.equal(tracker.names(), { train: expected });
  const types = Object.fromEntries(expected.map((n) => [n, tracker.get('train', n).meta.metric_type]));
  assert.equal(types, {
    [DN]: 'EVALUATION_SUMMARY',
    [`${DN}_ks_fpr`]: 'KS_EVALUATION',
    [`${DN}_ks_tpr`]: 'KS_EVALUATION',
    [`${DN}_lift`]: 'LIFT_EVALUATION',
    [`${DN}_gain`]: 'GAIN_EVALUATION',
    [`${DN}_accuracy`]: 'ACCURACY_EVALUATION',
    [`${DN}_precision`]: 'PRECISION_BINARY_EVALUATION',
    [`${DN}_recall`]: 'RECALL_BINARY_EVALUATION',
    [`${DN}_roc`]: 'ROC_EVALUATION',
    [`${DN}_confusion_mat`]: 'CONFUSION_MAT',
    [`${DN}_f1_score`]: 'F1_SCORE',
    [`${DN}_quantile_pr`]: 'QUANTILE_PR',
  });
  for (const n of expected) assert.is(tracker.get('train', n).meta.name, n);
  assert.equal(Object.keys(summary(tracker)), ['auc', 'ks']);
  const precision = tracker.get('train', `${DN}_precision`).meta;
  assert.equal([precision.ordinate_name, precision.curve_name, precision.pair_type], ['Precision', DN, DN]);
  assert.is(tracker.get('train', `${DN}_recall`).meta.ordinate_name, 'Recall');
  assert.is(tracker.get('train', `${DN}_accuracy`).meta.curve_name, DN);
  assert.is(tracker.get('train', `${DN}_accuracy`).data.length, 100);
  for (const n of [`${DN}_confusion_mat`, `${DN}_f1_score`, `${DN}_quantile_pr`]) assert.equal(tracker.get('train', n).data, []);
  const f1 = tracker.get('train', `${DN}_f1_score`).meta;
  assert.is((f1.f1_scores as number[]).length, 100);
  const q = tracker.get('train', `${DN}_quantile_pr`).meta;
  assert.is((q.p_scores as unknown[]).length, 21);
  assert.equal((q.r_scores as number[][])[0], [0, 1], 'lowest quantile threshold: recall 1');
  for (const n of expected.slice(1, 9)) {
    const keys = tracker.get('train', n).data.map(([k]) => k as number);
    assert.equal(keys, [...keys].sort((a, b) => a - b), `${n} sorted by x`);
  }
});

t('given train and validate rows, when evaluating, then each type is its own namespace', async () => {
  const types = ['train', 'train', 'train', 'train', 'validate', 'validate', 'validate', 'validate'];
  const tracker = await evaluate(
    predictTable([...SMALL_LABELS, 1, 1, 0, 0], [...SMALL_SCORES, 0.9, 0.8, 0.3, 0.2], types),
    { metrics: ['auc'] },
  );
  assert.equal(summary(tracker, 'train'), { auc: 0.75 });
  assert.equal(summary(tracker, 'validate'), { auc: 1 });
});

t('given pos_label 2, when evaluating binary, then labels equal to 2 are the positives', async () => {
  const tracker = await evaluate(predictTable([2, 5, 2, 5], SMALL_SCORES), { metrics: ['auc'], pos_label: 2 });
  assert.equal(summary(tracker), { auc: 0.75 });
});

t('given regression predictions, when evaluating, then sklearn values come out rounded to 6 places', async () => {
  const tracker = await evaluate(predictTable([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]), { eval_type: 'regression' });
  assert.equal(summary(tracker), {
    explained_variance: 0.957173,
    mean_absolute_error: 0.5,
    mean_squared_error: 0.375,
    median_absolute_error: 0.5,
    r2_score: 0.948608,
    root_mean_squared_error: 0.612372,
  });
  assert.equal(tracker.names(), { train: [DN] });
});

t('given metric aliases, when resolving, then full names come back and precision pairs with recall', () => {
  assert.equal(resolveMetrics('regression', ['RMSE', 'mae', 'r2']), ['root_mean_squared_error', 'mean_absolute_error', 'r2_score']);
  assert.equal(resolveMetrics('binary', ['precision', 'auc']), ['precision', 'auc', 'recall']);
  assert.throws(() => resolveMetrics('binary', ['mse']), /not used for binary/);
  assert.throws(() => resolveMetrics('binary', ['nonsense']), /not supported/);
});

t('given multi-class predictions, when evaluating, then accuracy and mean precision/recall are the summary', async () => {
  const table: DataTable = {
    schema: { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' },
    rows: [[0, 0], [1, 1], [2, 1], [2, 2]].map(([y, p], i) => [String(i), [y, p, 0.9, {}, 'train']]),
  };
  const tracker = await evaluate(table, { eval_type: 'multi' });
  // precision per class [1, 0.5, 1] → 0.833333; recall [1, 1, 0.5] → 0.833333
  assert.equal(summary(tracker), { accuracy: 0.75, precision: 0.833333, recall: 0.833333 });
  assert.equal(tracker.get('train', `${DN}_precision`).data, [[0, 1], [1, 0.5], [2, 1]]);
  assert.is(tracker.get('train', `${DN}_precision`).meta.metric_type, 'PRECISION_MULTI_EVALUATION');
});

t('given one class only, when evaluating binary, then it fails clearly', async () => {
  try {
    await evaluate(predictTable([1, 1], [0.2, 0.7]));
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /one class/);
  }
});

t('given no _upstream, when evaluating, then it fails naming the parameter', async () => {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  try {
    await evaluation(componentInput({ module: 'Evaluation', role: 'guest', data: { data: predictTable([1, 0], [0.6, 0.4]) } }), ctx);
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /_upstream/);
  }
});

t('given need_run false, when run, then no metric is logged', async () => {
  const tracker = await evaluate(predictTable(SMALL_LABELS, SMALL_SCORES), { need_run: false });
  assert.equal(tracker.names(), {});
});

t('given no predictions on a host (a hetero model outputs none there), then Evaluation is a no-op as in FATE; on the guest it still fails clearly', async () => {
  const input = (role: string) => componentInput({ module: 'Evaluation', componentName: 'evaluation_0', role, params: { _upstream: DN }, data: {} });
  const host = new InProcessJob().context({ role: 'host', partyId: '10000' });
  assert.equal(await evaluation(input('host'), host), {});
  assert.equal(host.tracker.names(), {});
  try {
    await evaluation(input('guest'), new InProcessJob().context({ role: 'guest', partyId: '9999' }));
    assert.unreachable('should reject');
  } catch (e) {
    assert.match((e as Error).message, 'Evaluation: no input data');
  }
});

t('given training rows instead of predictions on a host (its model passed its data on: need_run false), then Evaluation is a no-op; on the guest it fails clearly', async () => {
  const rows: [string, unknown][] = [['1', { features: [0.1, 0.2], label: 1 }]];
  const input = (role: string) => componentInput({ module: 'Evaluation', componentName: 'evaluation_1', role, params: { _upstream: DN }, data: { data: { schema: { header: ['x0', 'x1'], sid_name: 'id' }, rows } } });
  const host = new InProcessJob().context({ role: 'host', partyId: '10000' });
  assert.equal(await evaluation(input('host'), host), {});
  assert.equal(host.tracker.names(), {});
  try {
    await evaluation(input('guest'), new InProcessJob().context({ role: 'guest', partyId: '9999' }));
    assert.unreachable('should reject');
  } catch (e) {
    assert.match((e as Error).message, /is not \[label, predict_result/);
  }
});

t.run();
