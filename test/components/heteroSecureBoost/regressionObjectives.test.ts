// FATE's regression objectives for SecureBoost: each gradient is the derivative of its loss and each
// hessian the derivative of the gradient (numerically, at many points), the init scores and the
// prediction link are FATE's, bad objective params are refused by name, and a federated tweedie /
// huber run logs FATE's regression validation metrics computed on the model's outputs (e^f for tweedie).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { round6 } from '../../../src/components/evaluation/evaluation.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { objectiveOf } from '../../../src/components/heteroSecureBoost/objective.js';
import { readParams } from '../../../src/components/heteroSecureBoost/params.js';
import { predictionOf } from '../../../src/components/heteroSecureBoost/predictResult.js';
import { fateMedian } from '../../../src/components/heteroSecureBoost/regressionObjectives.js';
import { heteroTables } from '../../support/boostTables.js';
import { componentInput, InProcessJob, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost regression objectives');

const lossAt = (name: Parameters<typeof objectiveOf>[0], params: number[], y: number, f: number) => objectiveOf(name, params).loss([y], Float64Array.of(f));

const SMOOTH: [Parameters<typeof objectiveOf>[0], number[]][] = [['lse', []], ['huber', [0.7]], ['huber', [3]], ['fair', [0.5]], ['fair', [2]], ['log_cosh', []], ['tweedie', [1]], ['tweedie', [1.3]], ['tweedie', [1.5]], ['tweedie', [1.9]]];

t('g = dL/df and h = dg/df for lse, huber, fair, log_cosh, tweedie (central differences at 60 points each)', () => {
  for (const [name, params] of SMOOTH) {
    const o = objectiveOf(name, params);
    for (const y of [0, 0.5, 3, 12]) {
      for (const f of [-2.2, -0.9, -0.1, 0.05, 0.8, 1.7, 2.4, 3.1, 4.5, 11.6, 12.3, 14, -3, 0.3, 1.1]) {
        if (name !== 'tweedie' && Math.abs(f - y) < 1e-3) continue;
        const e = 1e-5;
        const dl = (lossAt(name, params, y, f + e) - lossAt(name, params, y, f - e)) / (2 * e);
        const dg = (o.grad(y, f + e) - o.grad(y, f - e)) / (2 * e);
        const where = `${name}(${params}) y=${y} f=${f}`;
        const tol = (x: number) => 1e-5 * Math.max(1, Math.abs(x));
        assert.ok(Math.abs(o.grad(y, f) - dl) < tol(dl), `${where}: g ${o.grad(y, f)} vs dL/df ${dl}`);
        assert.ok(Math.abs(o.hess(y, f) - dg) < tol(dg), `${where}: h ${o.hess(y, f)} vs dg/df ${dg}`);
        assert.ok(o.hess(y, f) >= 0, `${where}: h ≥ 0 (the g/h packing needs it)`);
      }
    }
  }
});

t('FATE\'s formulas at hand-computed points', () => {
  // huber δ = 2, d = 1.5: g = 1.5/√(1 + 0.5625) = 1.2, h = 1/1.5625^1.5 = 0.512, loss = 4(1.25 − 1) = 1.
  const hb = objectiveOf('huber', [2]);
  assert.ok(Math.abs(hb.grad(1, 2.5) - 1.2) < 1e-15);
  assert.ok(Math.abs(hb.hess(1, 2.5) - 0.512) < 1e-15);
  assert.ok(Math.abs(hb.loss([1], Float64Array.of(2.5)) - 1) < 1e-15);
  // fair c = 2, d = −2: g = −4/4 = −1, h = 4/16, loss = 4 − 4·ln 2.
  const fr = objectiveOf('fair', [2]);
  assert.is(fr.grad(3, 1), -1);
  assert.is(fr.hess(3, 1), 0.25);
  assert.ok(Math.abs(fr.loss([3], Float64Array.of(1)) - (4 - 4 * Math.LN2)) < 1e-15);
  // log_cosh: large differences do not overflow (log cosh 1000 = 1000 − ln 2).
  const lc = objectiveOf('log_cosh');
  assert.ok(Math.abs(lc.loss([0], Float64Array.of(1000)) - (1000 - Math.LN2)) < 1e-9);
  assert.ok(Math.abs(lc.loss([0], Float64Array.of(0.5)) - Math.log(Math.cosh(0.5))) < 1e-15);
  // lae: sign of f − y with FATE's ±1e-6 dead band, h = 1, loss = mean |d|.
  const la = objectiveOf('lae');
  assert.equal([la.grad(1, 3), la.grad(3, 1), la.grad(1, 1 + 5e-7), la.grad(1, 1 - 5e-7), la.hess(1, 7)], [1, -1, 0, 0, 1]);
  assert.is(la.loss([1, 2], Float64Array.of(4, 1)), 2);
  // tweedie ρ = 1.5, y = 2, f = ln 4: g = −2·4^−0.5 + 4^0.5 = 1, h = −2(−0.5)·0.5 + 0.5·2 = 1.5.
  const tw = objectiveOf('tweedie', [1.5]);
  assert.ok(Math.abs(tw.grad(2, Math.log(4)) - 1) < 1e-12);
  assert.ok(Math.abs(tw.hess(2, Math.log(4)) - 1.5) < 1e-12);
  // loss on p = 4: −2·4^−0.5/(−0.5) + 4^0.5/0.5 = 2 + 4 = 6.
  assert.ok(Math.abs(tw.loss([2], Float64Array.of(Math.log(4))) - 6) < 1e-12);
});

t('init scores: the label mean; lae FATE\'s quantile-summary median; tweedie 0 (log link)', () => {
  const ys = [1, 2, 3, 4, 100];
  for (const name of ['lse', 'huber', 'fair', 'log_cosh'] as const) assert.is(objectiveOf(name, [1]).initScore(ys), 22);
  assert.is(objectiveOf('lae').initScore(ys), 3);
  assert.is(fateMedian([5, 1, 4, 2]), 2, 'a sample value at rank ⌈n/2⌉, as FATE\'s 2-bin quantile split point');
  assert.is(objectiveOf('tweedie', [1.5]).initScore(ys), 0);
});

t('predictions: tweedie maps a raw score to e^f, the other regressions output the score', () => {
  const shape = (objective?: string) => ({ taskType: 'regression', objective, numClasses: 1, classes: [] });
  assert.ok(Math.abs(predictionOf(shape('tweedie'), [Math.log(3)], 0.5).score - 3) < 1e-15);
  assert.is(predictionOf(shape('tweedie'), [0.7], 0.5).result, Math.exp(0.7));
  assert.equal(predictionOf(shape('tweedie'), [0.7], 0.5).detail, { label: Math.exp(0.7) });
  for (const o of ['lse', 'lae', 'huber', 'fair', 'log_cosh', undefined]) assert.is(predictionOf(shape(o), [0.7], 0.5).score, 0.7);
});

t('objective_param is checked as FATE\'s ObjectiveParam.check does, and kept for the model meta', () => {
  const reg = (objective_param: unknown) => readParams({ task_type: 'regression', objective_param });
  assert.equal([reg({ objective: 'Huber', params: [1.5] }).objective, reg({ objective: 'Huber', params: [1.5] }).objectiveParams], ['huber', [1.5]]);
  assert.equal(reg({ objective: 'tweedie', params: [1] }).objectiveParams, [1]);
  assert.is(reg({ objective: 'log_cosh' }).objective, 'log_cosh');
  assert.is(reg({}).objective, 'lse');
  assert.throws(() => reg({ objective: 'quantile' }), /objective "quantile" is not a regression objective \(use one of lse, lae, huber, fair, log_cosh, tweedie\)/);
  assert.throws(() => reg({ objective: 'huber' }), /objective huber needs objective_param.params: \[delta\]/);
  assert.throws(() => reg({ objective: 'fair', params: [] }), /objective fair needs objective_param.params: \[c\]/);
  assert.throws(() => reg({ objective: 'fair', params: [0] }), /fair needs params\[0\] \(c\) greater than 0, got 0/);
  assert.throws(() => reg({ objective: 'tweedie', params: [2] }), /tweedie needs params\[0\] \(variance power rho\) in \[1, 2\), got 2/);
  assert.throws(() => reg({ objective: 'tweedie', params: ['1.5'] }), /params must be a list of numbers/);
  assert.throws(() => reg({ objective: 3 }), /objective_param.objective must be a string/);
  assert.throws(() => readParams({ task_type: 'classification', objective_param: { objective: 'lse' } }), /"lse" is not a classification objective \(use cross_entropy\)/);
});

t('tweedie refuses negative labels by name', () => {
  assert.throws(() => objectiveOf('tweedie', [1.5]).checkLabels!([1, 0, -2]), /tweedie needs non-negative labels, label -2 \(row 2\)/);
  objectiveOf('tweedie', [1.5]).checkLabels!([0, 3]);
});

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const cut = (tb: DataTable<Instance>, from: number, to: number): DataTable<Instance> => ({ schema: tb.schema, rows: tb.rows.slice(from, to) });

for (const [objective, params] of [['tweedie', [1.5]], ['huber', [2]], ['lae', undefined]] as const) {
  t(`${objective} (student, Paillier 512): the loss falls, validation logs FATE's regression metrics (root_mean_squared_error, mean_absolute_error) of the model's outputs`, async () => {
    const data = await heteroTables('student_hetero_guest', ['student_hetero_host'], 'y', 'float');
    const job = new InProcessJob();
    const p = {
      task_type: 'regression', objective_param: { objective, ...(params ? { params } : {}) }, num_trees: 8, learning_rate: 0.3, tree_param: { max_depth: 3 },
      encrypt_param: { method: 'Paillier', key_length: 512 }, validation_freqs: 4,
    };
    const input = (role: string, table: DataTable<Instance>) =>
      componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: { guest: ['9999'], host: ['10000'] }, params: p, data: { train_data: cut(table, 0, 300), eval_data: cut(table, 300, 395) } });
    const g = job.context(GUEST);
    const [guest] = await Promise.all([heteroSecureBoost(input('guest', data.guest), g), heteroSecureBoost(input('host', data.hosts[0]!), job.context(HOST))]);
    assert.is(job.undelivered(), 0);
    const tracker = g.tracker as RecordingTracker;
    const losses = tracker.get('train', 'loss').data.map(([, v]) => v as number);
    // Newton steps on the non-quadratic losses may overshoot a little (huber: small h far out); overall it falls.
    assert.ok(losses[losses.length - 1]! < losses[0]!, `${objective} loss ${losses}`);
    const rows = guest.data!.rows as [string, [number, number, number, Record<string, number>, string]][];
    const rmse = (type: string) => {
      const r = rows.filter(([, x]) => x[4] === type);
      return [Math.sqrt(r.reduce((s, [, x]) => s + (x[2] - x[0]) ** 2, 0) / r.length), r.reduce((s, [, x]) => s + Math.abs(x[2] - x[0]), 0) / r.length];
    };
    // The last validation is after round 7 (validation_freqs 4: rounds 3 and 7), with the final model.
    for (const [ns, type] of [['train', 'train'], ['validate', 'validate']] as const) {
      const m = Object.fromEntries(tracker.get(ns, 'iteration_7').data) as Record<string, number>;
      assert.equal(Object.keys(m).sort(), ['mean_absolute_error', 'root_mean_squared_error'], `${ns} metric names`);
      const [wantRmse, wantMae] = rmse(type);
      // Evaluation logs FATE's 6-decimal rounding.
      assert.ok(Math.abs(m.root_mean_squared_error! - round6(wantRmse!)) < 1e-12, `${ns} rmse ${m.root_mean_squared_error} vs ${wantRmse}`);
      assert.ok(Math.abs(m.mean_absolute_error! - round6(wantMae!)) < 1e-12, `${ns} mae ${m.mean_absolute_error} vs ${wantMae}`);
    }
    assert.ok(tracker.get('validate', 'iteration_3'));
    const labels = rows.filter(([, x]) => x[4] === 'train').map(([, x]) => x[0]);
    const mean = labels.reduce((s, y) => s + y, 0) / labels.length;
    const std = Math.sqrt(labels.reduce((s, y) => s + (y - mean) ** 2, 0) / labels.length);
    const [trainRmse] = rmse('train');
    // The objective's own loss of the constant init score: boosting must beat it.
    const o = objectiveOf(objective, params ? [...params] : []);
    const initLoss = o.loss(labels, new Float64Array(labels.length).fill(o.initScore(labels)));
    console.log(`    ${objective}: loss ${initLoss.toFixed(4)} (init) → ${losses[0]!.toFixed(4)} → ${losses[losses.length - 1]!.toFixed(4)}, train rmse ${trainRmse!.toFixed(3)} (label std ${std.toFixed(3)}), validate rmse ${rmse('validate')[0]!.toFixed(3)}`);
    assert.ok(losses[losses.length - 1]! < 0.95 * initLoss, `${objective}: final loss ${losses[losses.length - 1]} vs init ${initLoss}`);
    if (objective === 'tweedie') assert.ok(trainRmse! < std, 'tweedie fits better than the mean');
    if (objective === 'tweedie') assert.ok(rows.every(([, x]) => x[2] > 0 && x[1] === x[2]), 'tweedie predictions are e^f > 0');
  });
}

t.run();
