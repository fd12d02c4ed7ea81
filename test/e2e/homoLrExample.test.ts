// FATE's homo LR job, unchanged from the examples (upload confs, DSL, conf: DataIO → HomoLR →
// Evaluation, guest 9999, host 10000, arbiter 10001) on one standalone node. The conf names no
// encrypt_param, so FATE's default applies: the host trains encrypted (Paillier, 1024-bit keys).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';

let fixture: ExampleNode;
let node: ExampleNode['node'];
const t = suite('e2e: the examples homo LR job');

t.before(async () => {
  fixture = await startExampleNode('homo-lr', ['upload_breast_homo_guest.json', 'upload_breast_homo_host.json']);
  node = fixture.node;
});
t.after(() => fixture?.close());

t('the example job succeeds: evaluation AUC >= 0.97, loss logged by the arbiter, FATE model JSON on every party, the host encrypted', async () => {
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: example('homo_lr_dsl.json'), job_runtime_conf: example('homo_lr_conf.json') });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  const row = await waitForJob(node.url, jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);

  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0', role: 'guest', party_id: 9999 });
  const summary = Object.fromEntries(metrics.body.data.train.homo_lr_0.data as [string, number][]);
  assert.ok(summary.auc >= 0.97, `auc ${summary.auc}`);
  assert.ok(summary.ks > 0.8, `ks ${summary.ks}`);
  console.log(`    evaluation_0 on the guest: auc ${summary.auc}, ks ${summary.ks}`);

  const loss = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'homo_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
  assert.equal(loss.body.meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  const points = loss.body.data as [number, number][];
  assert.equal(points.map(([k]) => k), Array.from({ length: 31 }, (_, i) => i));
  assert.ok(points[30]![1] < points[0]![1], 'the loss falls');

  const header = Array.from({ length: 30 }, (_, j) => `x${j}`);
  const models = [];
  for (const [role, partyId] of [['guest', 9999], ['host', 10000], ['arbiter', 10001]] as const) {
    const model = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'homo_lr_0', role, party_id: partyId });
    assert.is(model.body.retcode, 0, `${role}: ${model.body.retmsg}`);
    assert.is(model.body.meta.module_name, 'HomoLR');
    // The encrypted host stores its header and no weights (FATE's HomoLRHost._get_param).
    assert.equal(Object.keys(model.body.data.weight), role === 'host' ? [] : header);
    assert.equal(model.body.data.header, header);
    assert.is(model.body.meta.meta_data.optimizer, 'sgd');
    models.push(model.body.data);
  }
  assert.equal(models[2].weight, models[0].weight, 'the guest ends with the aggregated model in clear');
  assert.equal(models[2].lossHistory, points.map(([, v]) => v));

  // The host predicts its own rows too (a homo client outputs data, unlike a hetero host).
  const hostData = await post(node.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'homo_lr_0', role: 'host', party_id: 10000 });
  assert.is(hostData.body.retcode, 0, hostData.body.retmsg);
  assert.is(hostData.body.meta.total, 228);
  // Its labels come from the arbiter; its scores stay unknown (FATE: predict_score None).
  for (const r of hostData.body.data as unknown[][]) assert.equal([r[3], r[4]], [null, { '0': null, '1': null }]);
});

t.run();
