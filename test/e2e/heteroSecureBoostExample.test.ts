// The examples' SecureBoost job, unchanged (DataIO → Intersection → HeteroSecureBoost with Paillier
// 1024 → Evaluation, guest 9999, host 10000) on one standalone node: about 20 s on the shared 2-core
// machine. SB_E2E_KEY_BITS=512 runs it with a smaller key.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';

const KEY_BITS = Number(process.env.SB_E2E_KEY_BITS ?? 1024);
let fixture: ExampleNode;
let node: ExampleNode['node'];
const t = suite('e2e: the examples SecureBoost job');

t.before(async () => {
  fixture = await startExampleNode('hetero-sbt', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']);
  node = fixture.node;
});
t.after(() => fixture?.close());

t(`Paillier ${KEY_BITS}-bit: success, AUC ≥ 0.98, a loss per tree at the guest, FATE's model buffers`, async () => {
  const conf = example('hetero_secureboost_conf.json');
  assert.equal(conf.algorithm_parameters.hetero_secureboost_0.encrypt_param, { method: 'Paillier', key_length: 1024 }, 'the example as shipped');
  conf.algorithm_parameters.hetero_secureboost_0.encrypt_param.key_length = KEY_BITS;
  const started = Date.now();
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: example('hetero_secureboost_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  const row = await waitForJob(node.url, jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  console.log(`    SecureBoost job (5 trees, depth 3, Paillier ${KEY_BITS}): ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
  const summary = Object.fromEntries(metrics.body.data.train.hetero_secureboost_0.data as [string, number][]);
  console.log(`    evaluation_0: auc ${summary.auc}, ks ${summary.ks}`);
  assert.ok(summary.auc >= 0.98, `auc ${summary.auc}`);

  const loss = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_secureboost_0', role: 'guest', party_id: 9999, metric_namespace: 'train', metric_name: 'loss' });
  assert.equal(loss.body.meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  const points = loss.body.data as [number, number][];
  assert.is(points.length, 5);
  assert.ok(points[4]![1] < points[0]![1], 'the loss falls');

  const model = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'hetero_secureboost_0' });
  assert.is(model.body.retcode, 0, model.body.retmsg);
  assert.is(model.body.meta.module_name, 'HeteroSecureBoost');
  assert.is(model.body.data.treeNum, 5);
  assert.is(model.body.data.trees.length, 5);
  assert.ok(model.body.data.featureImportances.length > 0);
  assert.is(model.body.meta.meta_data.numTrees, 5);
  // The host's model holds its own thresholds (splitMaskdict), which the guest's model never has.
  const hostModel = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'hetero_secureboost_0', role: 'host', party_id: 10000 });
  assert.is(hostModel.body.retcode, 0, hostModel.body.retmsg);
  const hostThresholds = (hostModel.body.data.trees as { splitMaskdict: Record<string, number> }[]).flatMap((tr) => Object.keys(tr.splitMaskdict));
  const guestHostNodes = (model.body.data.trees as { tree: { id: number; sitename: string; isLeaf: boolean }[] }[]).flatMap((tr) => tr.tree.filter((n) => n.sitename === 'host:10000' && !n.isLeaf));
  assert.is(hostThresholds.length, guestHostNodes.length);
  assert.ok(hostThresholds.length > 0, 'host features are used');

  const data = await post(node.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'hetero_secureboost_0', role: 'guest', party_id: 9999 });
  assert.is(data.body.retcode, 0, data.body.retmsg);
  assert.equal(data.body.meta, { header: ['id', 'label', 'predict_result', 'predict_score', 'predict_detail', 'type'], total: 569 });
  const [key, label, result, score, detail, type] = data.body.data[0];
  assert.is(typeof key, 'string');
  assert.ok(label === 0 || label === 1);
  assert.is(result, score > 0.5 ? 1 : 0);
  assert.equal(detail, { '0': 1 - score, '1': score });
  assert.is(type, 'train');
});

t.run();
