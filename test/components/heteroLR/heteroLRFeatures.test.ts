// HeteroLR beyond the binary fit: one-vs-rest, fit_intercept false, validation with early stopping,
// cross-validation, and predict jobs from the models they store (plaintext test mode: the protocol is
// the Paillier one, tested in heteroLR.test.ts; here what is asserted is what FATE layers around it).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { heteroLR } from '../../../src/components/heteroLR/heteroLR.js';
import { PerformanceRecorder } from '../../../src/components/validation/performanceRecorder.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';
import { heteroTables } from '../../support/linearTables.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroLR — one-vs-rest, validation, cross-validation, predict');

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };
const BASE = { penalty: 'L2', optimizer: 'nesterov_momentum_sgd', alpha: 0.01, max_iter: 10, batch_size: -1, learning_rate: 0.15, early_stop: 'diff', tol: 1e-9, init_param: { init_method: 'zeros' }, encrypt_param: { method: null } };

type Tables = { guest: DataTable<Instance>; host: DataTable<Instance> };
interface Val { guest?: DataTable<Instance>; host?: DataTable<Instance> }

async function run(params: Record<string, unknown>, tables: Tables, validate: Val = {}, model?: { guest: ComponentOutput; host: ComponentOutput }, log?: Sent[]) {
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return log ? { ...c, federation: recording(c.federation, self, log) } : c;
  };
  const g = ctx(GUEST);
  const h = ctx(HOST);
  const a = ctx(ARBITER);
  const input = (role: string, train?: DataTable<Instance>, val?: DataTable<Instance>, m?: ComponentOutput) =>
    componentInput({
      module: 'HeteroLR', componentName: 'hetero_lr_0', role, roles: ROLES, params,
      data: m ? (train ? { eval_data: train } : {}) : { ...(train ? { train_data: train } : {}), ...(val ? { eval_data: val } : {}) },
      ...(m?.model ? { model: m.model } : {}),
    });
  const [go, ho, ao] = await Promise.all([
    heteroLR(input('guest', tables.guest, validate.guest, model?.guest), g),
    heteroLR(input('host', tables.host, validate.host, model?.host), h),
    heteroLR(input('arbiter', undefined, undefined, model ? { model: {} } : undefined), a),
  ]);
  assert.is(job.undelivered(), 0);
  return { go, ho, ao, g: g.tracker, a: a.tracker };
}

const param = (out: ComponentOutput) => out.model!.HeteroLogisticRegressionParam as Record<string, any>;
type Row = [number, number, number, Record<string, number>, string];
/** Summary names only (FATE also logs the KS curves as `<name>_ks_fpr` / `_ks_tpr`). */
const summaries = (names: Record<string, string[]>) => Object.fromEntries(Object.entries(names).map(([ns, ns_]) => [ns, ns_.filter((n) => !n.includes('_ks_'))]));
const rows = (out: ComponentOutput) => out.data!.rows as [string, Row][];

t('given vehicle_scale (4 classes), then one binary model per class is trained, stored as one_vs_rest_result, and a predict job gives the training scores', async () => {
  const tables = await heteroTables('vehicle_scale_hetero', { label_name: 'y' });
  const out = await run({ ...BASE, max_iter: 30 }, tables);
  const gp = param(out.go);
  assert.is(gp.needOneVsRest, true);
  assert.equal(gp.oneVsRestResult.oneVsRestClasses, ['0', '1', '2', '3']);
  assert.is(gp.oneVsRestResult.completedModels.length, 4);
  assert.equal(Object.keys(gp.oneVsRestResult.completedModels[0].weight), tables.guest.schema.header);
  const hp = param(out.ho);
  assert.equal(hp.oneVsRestResult.oneVsRestClasses, ['0', '1', '2', '3']);
  assert.equal(Object.keys(hp.oneVsRestResult.completedModels[2].weight), tables.host.schema.header);
  assert.is(out.go.model!.HeteroLogisticRegressionMeta!.needOneVsRest, true);
  // Each class model separates its class: its own AUC (class vs rest) is high.
  const labels = tables.guest.rows.map(([, i]) => i.label!);
  const r = rows(out.go);
  for (const c of [0, 1, 2, 3]) {
    const a = auc(labels.map((l) => (l === c ? 1 : 0)), r.map(([, x]) => x[3][String(c)]!));
    console.log(`    class ${c} vs rest: AUC ${a.toFixed(4)}`);
    assert.ok(a > 0.6, `class ${c} auc ${a}`);
  }
  const acc = r.filter(([, x]) => x[0] === x[1]).length / r.length;
  console.log(`    vehicle_scale one-vs-rest, 30 iters: train accuracy ${acc.toFixed(4)}`);
  assert.ok(acc > 0.55, `accuracy ${acc} (chance: 0.25)`);
  // Class 2's model is exactly the binary fit of class 2 against the rest.
  const masked: DataTable<Instance> = { schema: tables.guest.schema, rows: tables.guest.rows.map(([k, i]) => [k, { ...i, label: i.label === 2 ? 1 : 0 }]) };
  const binary = await run({ ...BASE, max_iter: 30 }, { guest: masked, host: tables.host });
  assert.equal(gp.oneVsRestResult.completedModels[2].weight, param(binary.go).weight);
  assert.is(gp.oneVsRestResult.completedModels[2].intercept, param(binary.go).intercept);
  assert.equal(hp.oneVsRestResult.completedModels[2].weight, param(binary.ho).weight);
  for (const [, x] of r) {
    const best = Math.max(...Object.values(x[3]));
    assert.is(x[2], best);
    assert.is(x[3][String(x[1])], best);
  }
  const pred = await run(BASE, tables, {}, { guest: out.go, host: out.ho });
  const p = rows(pred.go);
  assert.is(p.length, r.length);
  p.forEach(([k, x], i) => {
    assert.is(k, r[i]![0]);
    assert.equal(x.slice(0, 4), r[i]![1].slice(0, 4));
    assert.is(x[4], 'predict');
  });
});

t('given fit_intercept false, then the guest model has intercept 0, still learns, and predicts the same from its stored model', async () => {
  const tables = await breast();
  const out = await run({ ...BASE, max_iter: 20, init_param: { init_method: 'random_uniform', random_seed: 7, fit_intercept: false } }, tables);
  assert.is(param(out.go).intercept, 0);
  assert.is(out.go.model!.HeteroLogisticRegressionMeta!.fitIntercept, false);
  const r = rows(out.go);
  const a = auc(r.map(([, x]) => x[0]), r.map(([, x]) => x[2]));
  assert.ok(a > 0.97, `auc ${a}`);
  const with_ = await run({ ...BASE, max_iter: 20, init_param: { init_method: 'random_uniform', random_seed: 7 } }, tables);
  assert.ok(param(with_.go).intercept !== 0);
  const pred = await run(BASE, tables, {}, { guest: out.go, host: out.ho });
  rows(pred.go).forEach(([, x], i) => assert.is(x[2], r[i]![1][2]));
});

t('given validation_freqs 2 with validate data, then FATE\'s iteration_<i> metrics are logged for train and validate', async () => {
  const tables = await breast();
  const out = await run({ ...BASE, max_iter: 6, validation_freqs: 2 }, tables, { guest: tables.guest, host: tables.host });
  assert.equal(summaries(out.g.names()), { train: ['iteration_1', 'iteration_3', 'iteration_5'], validate: ['iteration_1', 'iteration_3', 'iteration_5'] });
  const s = out.g.get('validate', 'iteration_5');
  assert.equal(s.meta, { name: 'iteration_5', metric_type: 'EVALUATION_SUMMARY' });
  assert.equal(s.data.map(([k]) => k), ['auc', 'ks']);
  assert.ok((s.data[0]![1] as number) > 0.95);
  // The same data in both sets: the same numbers.
  assert.equal(out.g.get('train', 'iteration_5').data, s.data);
  assert.is(param(out.go).iters, 6);
});

t('given early_stopping_rounds with uninformative validate labels, then training stops when FATE\'s recorder says so and keeps the best iteration\'s model', async () => {
  const tables = await breast();
  // Validate labels unrelated to the features: validation AUC wanders, so it stops improving.
  let s = 12345;
  const noisy: DataTable<Instance> = { schema: tables.guest.schema, rows: tables.guest.rows.map(([k, i]) => [k, { ...i, label: ((s = (s * 1103515245 + 12345) % 2 ** 31) >> 16) & 1 }]) };
  const params = { ...BASE, max_iter: 30, validation_freqs: 1, early_stopping_rounds: 2, metrics: ['auc'], use_first_metric_only: true };
  const log: Sent[] = [];
  const out = await run(params, tables, { guest: noisy, host: tables.host }, undefined, log);
  // What validation tells hosts and arbiter: ids to score and two flags; no label, score or metric.
  const keys = new Set(tables.guest.rows.map(([k]) => k));
  for (const m of log.filter((x) => x.to.role !== 'guest' && /validation_(index|status)$/.test(x.name))) {
    if (m.name.endsWith('validation_status')) assert.equal(Object.keys(m.payload as object).sort(), ['improved', 'stop']);
    else for (const ids of Object.values(m.payload as Record<string, string[]>)) assert.ok(ids.every((k) => keys.has(k)));
    if (m.name.endsWith('validation_status')) for (const v of Object.values(m.payload as object)) assert.type(v, 'boolean');
  }
  assert.ok(log.some((m) => m.to.role === 'arbiter' && m.name.endsWith('validation_status')));
  const aucs = out.g.metrics.validate!;
  const series = Object.keys(aucs).map((name) => aucs[name]!.data.find(([k]) => k === 'auc')![1] as number);
  // Replay FATE's recorder on the logged values: where it stops, and which iteration was best.
  const rec = new PerformanceRecorder();
  let stopAt = -1;
  let bestAt = -1;
  for (let i = 0; i < series.length; i++) {
    rec.update({ auc: series[i]! });
    if (rec.improved(true)) bestAt = i;
    if (rec.shouldStop(2)) {
      stopAt = i;
      break;
    }
  }
  assert.ok(stopAt >= 0 && stopAt < 29, `stop ${stopAt} of ${series}`);
  assert.is(series.length, stopAt + 1);
  const gp = param(out.go);
  assert.is(gp.iters, stopAt + 1);
  assert.is(gp.bestIteration, bestAt);
  assert.is(param(out.ho).bestIteration, bestAt);
  assert.is(param(out.ao).bestIteration, bestAt);
  // The stored model is the best iteration's: rerun without early stopping for bestAt + 1 iterations.
  const ref = await run({ ...BASE, max_iter: bestAt + 1 }, tables);
  for (const [name, w] of Object.entries(param(ref.go).weight as Record<string, number>)) assert.is(gp.weight[name], w, name);
  assert.is(gp.intercept, param(ref.go).intercept);
  for (const [name, w] of Object.entries(param(ref.ho).weight as Record<string, number>)) assert.is(param(out.ho).weight[name], w, name);
});

t('given cv_param need_cv with 3 folds, then each fold logs train_fold_<k> / validate_fold_<k> and loss.<k>, and the job outputs no model', async () => {
  const tables = await breast();
  const out = await run({ ...BASE, cv_param: { n_splits: 3, shuffle: false, random_seed: 103, need_cv: true } }, tables);
  assert.equal(summaries(out.g.names()), {
    train: ['train_fold_0', 'train_fold_1', 'train_fold_2'],
    validate: ['validate_fold_0', 'validate_fold_1', 'validate_fold_2'],
  });
  for (let f = 0; f < 3; f++) {
    const v = out.g.get('validate', `validate_fold_${f}`).data;
    assert.equal(v.map(([k]) => k), ['auc', 'ks']);
    assert.ok((v[0]![1] as number) > 0.93, `fold ${f} auc ${v[0]![1]}`);
  }
  assert.equal(out.a.names(), { train: ['loss.0', 'loss.1', 'loss.2'] });
  assert.equal(out.a.get('train', 'loss.1').meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: '1' });
  assert.equal([out.go.model, out.go.data, out.ho.model], [undefined, undefined, undefined]);
});

t('given cross-validation on vehicle_scale, then folds are evaluated as multi-class', async () => {
  const tables = await heteroTables('vehicle_scale_hetero', { label_name: 'y' });
  const out = await run({ ...BASE, max_iter: 3, cv_param: { n_splits: 2, shuffle: true, random_seed: 1, need_cv: true } }, tables);
  assert.equal(out.g.get('validate', 'validate_fold_1').data.map(([k]) => k), ['accuracy', 'precision', 'recall']);
});

t.run();
