import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { evaluation } from '../../../src/components/evaluation/evaluation.js';
import { localBaseline } from '../../../src/components/localBaseline/localBaseline.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { FATE_EXAMPLES } from '../../support/fateSuite.js';
import { csvTable, fixtureTable } from '../dataio/csvTable.js';

const t = suite('LocalBaseline');

type PredictRow = [number | null, number, number, Record<string, number>, string];

function instances(xs: number[][], ys: number[], header = xs[0]!.map((_, i) => `x${i}`)): DataTable<Instance> {
  return { schema: { header, sid_name: 'id', label_name: 'y' }, rows: xs.map((features, i) => [`k${i}`, { features, label: ys[i]! }]) };
}

async function baseline(data: Record<string, DataTable | undefined>, params: Record<string, unknown> = {}, model?: ComponentOutput['model'], role = 'guest') {
  const ctx = new InProcessJob().context({ role, partyId: '9999' });
  return localBaseline(
    componentInput({ module: 'LocalBaseline', componentName: 'local_baseline_0', role, params, data, ...(model ? { model } : {}) }),
    ctx,
  );
}

const rowsOf = (out: ComponentOutput) => out.data!.rows as [string, PredictRow][];

t('given breast_hetero_guest through DataIO, when LocalBaseline trains and Evaluation scores it, then the training AUC is above 0.95', async () => {
  const job = new InProcessJob();
  const ctx = job.context({ role: 'guest', partyId: '9999' });
  const io = await dataIO(
    componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'guest', params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable('breast_hetero_guest') } }),
    ctx,
  );
  const lb = await localBaseline(
    componentInput({ module: 'LocalBaseline', componentName: 'local_baseline_0', role: 'guest', params: { model_name: 'LogisticRegression', model_opts: { penalty: 'l2', C: 1.0, max_iter: 100 }, predict_param: { threshold: 0.5 } }, data: { train_data: io.data } }),
    ctx,
  );
  assert.is(lb.data!.rows.length, 569);
  assert.equal(lb.data!.schema, { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' });
  await evaluation(
    componentInput({ module: 'Evaluation', componentName: 'evaluation_0', role: 'guest', params: { _upstream: 'local_baseline_0', eval_type: 'binary', pos_label: 1 }, data: { data: lb.data } }),
    ctx,
  );
  const summary = Object.fromEntries(ctx.tracker.get('train', 'local_baseline_0').data) as Record<string, number>;
  assert.ok(summary.auc! > 0.95, `auc ${summary.auc}`);
  assert.ok(summary.ks! > 0.8, `ks ${summary.ks}`);
  const accuracy = rowsOf(lb).filter(([, r]) => r[0] === r[1]).length / 569;
  assert.ok(accuracy > 0.9, `accuracy ${accuracy}`);

  const param = lb.model!.LocalBaselineParam!;
  assert.equal(Object.keys(param.weight as object), ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']);
  assert.is(typeof param.intercept, 'number');
  assert.equal(param.oneVsRestResult, { completedModels: [], oneVsRestClasses: [] }, 'labels 0/1 as FATE: no classes stored');
  assert.equal([param.needOneVsRest, param.bestIteration], [false, -1]);
  assert.is(param.isConverged, true);
  assert.equal(param.header, ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']);
  const meta = lb.model!.LocalBaselineMeta!;
  assert.equal([meta.penalty, meta.fitIntercept, meta.maxIter, meta.predictParam], ['l2', true, '100', { threshold: 0.5 }]);
});

/** The optimum of C·Σ logloss + ½w² for x = ±1, ±2 with y = [x > 0], by bisection (b = 0 by symmetry). */
function symmetricOptimum(C: number): number {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  // dL/dw = −C(4σ(−2w) + 2σ(−w)) + w
  const g = (w: number) => w - C * (4 * sigmoid(-2 * w) + 2 * sigmoid(-w));
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

t('given a tiny separable case, when trained, then the weights are the L2 optimum and predictions match the labels', async () => {
  for (const C of [1, 10]) {
    const out = await baseline({ train_data: instances([[-2], [-1], [1], [2]], [0, 0, 1, 1]) }, { model_opts: { C } });
    const param = out.model!.LocalBaselineParam!;
    const w = (param.weight as Record<string, number>).x0!;
    assert.ok(Math.abs(w - symmetricOptimum(C)) < 1e-8, `C=${C}: w ${w} vs ${symmetricOptimum(C)}`);
    assert.ok(Math.abs(param.intercept as number) < 1e-8, `intercept ${param.intercept}`);
    const rows = rowsOf(out);
    assert.equal(rows.map(([, r]) => r[1]), [0, 0, 1, 1]);
    for (const [, r] of rows) {
      assert.ok(Math.abs(r[3]['0']! + r[3]['1']! - 1) < 1e-12);
      assert.is(r[3]['1'], r[2]);
      assert.is(r[4], 'train');
    }
  }
});

t('given an asymmetric case, when trained, then the gradient of the sklearn objective vanishes', async () => {
  const xs = [[0.5, 1], [1.5, -1], [-1, 0.3], [2, 2], [-0.5, -2], [0.1, 0.1]];
  const ys = [1, 0, 0, 1, 0, 1];
  const out = await baseline({ train_data: instances(xs, ys) }, { model_opts: { C: 2 } });
  const param = out.model!.LocalBaselineParam!;
  const w = [(param.weight as Record<string, number>).x0!, (param.weight as Record<string, number>).x1!];
  const b = param.intercept as number;
  const grad = [w[0]!, w[1]!, 0];
  xs.forEach((x, i) => {
    const p = 1 / (1 + Math.exp(-(w[0]! * x[0]! + w[1]! * x[1]! + b)));
    grad[0]! += 2 * (p - ys[i]!) * x[0]!;
    grad[1]! += 2 * (p - ys[i]!) * x[1]!;
    grad[2]! += 2 * (p - ys[i]!);
  });
  assert.ok(grad.every((g) => Math.abs(g) < 1e-8), `gradient ${grad}`);
});

t('given train and eval data, when trained, then train rows come first and eval rows are typed validate', async () => {
  const train = instances([[-2], [-1], [1], [2]], [0, 0, 1, 1]);
  const evalData: DataTable<Instance> = { schema: train.schema, rows: [['k3', { features: [2], label: 1 }], ['e1', { features: [-3], label: 0 }]] };
  const out = await baseline({ train_data: train, eval_data: evalData });
  assert.equal(rowsOf(out).map(([k, r]) => [k, r[4]]), [['k0', 'train'], ['k1', 'train'], ['k2', 'train'], ['k3', 'train'], ['e1', 'validate']]);
});

t('given a trained model, when predicting, then the scores are reproduced with type test', async () => {
  const train = instances([[-2, 1], [-1, 0], [1, 0.5], [2, -1]], [0, 0, 1, 1]);
  const fitted = await baseline({ train_data: train });
  const predicted = await baseline({ eval_data: train }, {}, fitted.model);
  assert.equal(rowsOf(predicted).map(([, r]) => r[2]), rowsOf(fitted).map(([, r]) => r[2]));
  assert.ok(rowsOf(predicted).every(([, r]) => r[4] === 'test'));
  assert.is(predicted.model, fitted.model);
});

t('given a host, when run, then it does nothing', async () => {
  const out = await baseline({ train_data: instances([[1], [2]], [0, 1]) }, {}, undefined, 'host');
  assert.equal(out, {});
});

/** vehicle_scale_hetero_guest through DataIO: 846 rows, 9 features, 4 classes. */
async function vehicle(): Promise<DataTable<Instance>> {
  const text = readFileSync(join(FATE_EXAMPLES, 'data', 'vehicle_scale_hetero_guest.csv'), 'utf8');
  const io = await dataIO(
    componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'guest', params: { with_label: true, label_name: 'y' }, data: { data: csvTable(text) } }),
    new InProcessJob().context({ role: 'guest', partyId: '9999' }),
  );
  return io.data as DataTable<Instance>;
}

t('given vehicle_scale (4 classes) and the suite\'s model_opts, when trained, then one-vs-rest: one optimal binary model per class, normalised probabilities, FATE\'s buffers', async () => {
  const table = await vehicle();
  const opts = { penalty: 'l2', tol: 0.0001, C: 1.0, fit_intercept: true, solver: 'lbfgs', max_iter: 100, multi_class: 'ovr' };
  const out = await baseline({ train_data: table }, { model_name: 'LogisticRegression', model_opts: opts });
  const param = out.model!.LocalBaselineParam as Record<string, any>;
  assert.equal([param.needOneVsRest, param.oneVsRestResult.oneVsRestClasses], [true, ['0', '1', '2', '3']]);
  assert.is(out.model!.LocalBaselineMeta!.needOneVsRest, true);
  const header = table.schema.header;
  // Each class model is the optimum of sklearn's objective for "this class against the rest".
  (param.oneVsRestResult.completedModels as Record<string, any>[]).forEach((m, c) => {
    const w = header.map((h) => m.weight[h] as number);
    const grad = [...w, 0];
    for (const [, inst] of table.rows) {
      const p = 1 / (1 + Math.exp(-(inst.features.reduce((s, x, j) => s + x * w[j]!, m.intercept as number))));
      const d = p - (inst.label === c ? 1 : 0);
      inst.features.forEach((x, j) => (grad[j]! += d * x));
      grad[header.length]! += d;
    }
    assert.ok(grad.every((g) => Math.abs(g) < 1e-4), `class ${c}: gradient ${grad}`);
    assert.equal(m.header, header);
  });
  const rows = rowsOf(out);
  for (const [, r] of rows) {
    const probs = Object.values(r[3]);
    assert.equal(Object.keys(r[3]), ['0', '1', '2', '3']);
    assert.ok(Math.abs(probs.reduce((s, p) => s + p, 0) - 1) < 1e-12);
    assert.is(r[2], r[3][String(r[1])]);
    assert.is(r[2], Math.max(...probs));
  }
  const accuracy = rows.filter(([, r]) => r[0] === r[1]).length / rows.length;
  console.log(`    vehicle_scale guest, 4 classes one-vs-rest: train accuracy ${accuracy.toFixed(4)}`);
  assert.ok(accuracy > 0.6, `accuracy ${accuracy}`);

  // The buffers survive FATE's protobuf (a predict job reads them back) and give the same rows.
  const stored = Object.fromEntries(Object.entries(out.model!).map(([name, json]) => [name, decodeBuffer(name, encodeBuffer(name, json))]));
  const predicted = await baseline({ eval_data: table }, {}, stored);
  rowsOf(predicted).forEach(([k, r], i) => {
    assert.is(k, rows[i]![0]);
    assert.equal([r[1], r[2], r[3], r[4]], [rows[i]![1][1], rows[i]![1][2], rows[i]![1][3], 'test']);
  });
  // Evaluation multi reads them.
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  await evaluation(componentInput({ module: 'Evaluation', role: 'guest', params: { _upstream: 'local_baseline_0', eval_type: 'multi' }, data: { data: out.data } }), ctx);
  const summary = Object.fromEntries(ctx.tracker.get('train', 'local_baseline_0').data) as Record<string, number>;
  assert.ok(Math.abs(summary.accuracy! - accuracy) < 1e-6);
});

t('given binary labels other than 0/1, when stored and predicted, then the same labels come back', async () => {
  const train = instances([[-2], [-1], [1], [2]], [3, 3, 7, 7]);
  const out = await baseline({ train_data: train });
  assert.equal(rowsOf(out).map(([, r]) => r[1]), [3, 3, 7, 7]);
  const stored = Object.fromEntries(Object.entries(out.model!).map(([name, json]) => [name, decodeBuffer(name, encodeBuffer(name, json))]));
  assert.equal(rowsOf(await baseline({ eval_data: train }, {}, stored)).map(([, r]) => r[1]), [3, 3, 7, 7]);
});

t('given multi_class multinomial, when trained, then it fails clearly', async () => {
  try {
    await baseline({ train_data: instances([[1], [2], [3]], [0, 1, 2]) }, { model_opts: { multi_class: 'multinomial' } });
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /multi_class multinomial is not supported/);
  }
});

t.run();
