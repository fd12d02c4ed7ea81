// FATE's reference job, unchanged from the examples (upload confs, DSL, conf: DataIO → Intersection
// rsa → HeteroLR → Evaluation, guest 9999, host 10000, arbiter 10001) on one standalone node.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';

let fixture: ExampleNode;
let node: ExampleNode['node'];
const t = suite('e2e: the examples hetero LR job');

t.before(async () => {
  fixture = await startExampleNode('hetero-lr', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']);
  node = fixture.node;
});
t.after(() => fixture?.close());

async function lossOf(jobId: string): Promise<number[]> {
  const loss = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
  return (loss.body.data as [number, number][]).map(([, v]) => v);
}

async function run(encrypt: unknown, maxIter?: number): Promise<{ auc: number; jobId: string }> {
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = encrypt;
  if (maxIter) conf.algorithm_parameters.hetero_lr_0.max_iter = maxIter;
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(node.url, submit.body.jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: submit.body.jobId, component_name: 'evaluation_0' });
  const summary = Object.fromEntries(metrics.body.data.train.hetero_lr_0.data as [string, number][]);
  return { auc: summary.auc, jobId: submit.body.jobId };
}

t('plaintext maths (encrypt_param.method null, tests only): success, AUC >= 0.98, loss logged by the arbiter', async () => {
  const { auc, jobId } = await run({ method: null });
  assert.ok(auc >= 0.98, `auc ${auc}`);
  const loss = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
  assert.is(loss.body.data.length, 30);
  assert.equal(loss.body.meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  const points = loss.body.data as [number, number][];
  // Starts at ln 2 (zeros init); iteration 1 is FATE's first RMSProp step (≈ 10·lr on every
  // coefficient, see the HeteroLR unit test), and from then on the curve only falls.
  assert.ok(Math.abs(points[0]![1] - Math.LN2) < 1e-9, `first loss ${points[0]![1]}`);
  for (let i = 2; i < points.length; i++) assert.ok(points[i]![1] <= points[i - 1]![1] + 1e-12, `the loss rises at ${i}: ${JSON.stringify(points)}`);
  assert.ok(points[29]![1] < 0.36, `final loss ${points[29]![1]}`);
  const model = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'hetero_lr_0' });
  assert.equal(Object.keys(model.body.data.weight).sort(), ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']);
  assert.is(model.body.meta.module_name, 'HeteroLR');
});

t('Paillier 1024 (standard rⁿ obfuscation) gives the plaintext maths\' AUC and loss series (3 iterations, to keep the suite short)', async () => {
  const paillier = await run({ method: 'Paillier', key_length: 1024 }, 3);
  const plain = await run({ method: null }, 3);
  assert.ok(Math.abs(paillier.auc - plain.auc) <= 0.005, `paillier ${paillier.auc} vs plain ${plain.auc}`);
  const [heLoss, plainLoss] = [await lossOf(paillier.jobId), await lossOf(plain.jobId)];
  assert.is(heLoss.length, 3);
  heLoss.forEach((l, i) => assert.ok(Math.abs(l - plainLoss[i]!) < 1e-6, `loss ${i}: Paillier ${l} vs plaintext ${plainLoss[i]}`));
});

t.run();
