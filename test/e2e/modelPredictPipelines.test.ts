// Predict jobs beyond the reference job, on one standalone node: a hetero LR pipeline with
// FeatureScale (its ScaleMeta/ScaleParam stored and reused), and the examples' homo LR job
// (each client scores its own rows with its stored model). Plaintext maths, few iterations.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';

let fixture: ExampleNode;
let url: string;
const t = suite('e2e: predict jobs for a FeatureScale pipeline and for homo LR');

t.before(async () => {
  fixture = await startExampleNode('model-pipelines', [
    'upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json', 'upload_breast_homo_guest.json', 'upload_breast_homo_host.json',
  ]);
  url = fixture.node.url;
});
t.after(() => fixture?.close());

async function train(dsl: unknown, conf: unknown): Promise<{ jobId: string; modelId: string }> {
  const submit = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(url, submit.body.jobId, 120_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  return { jobId: submit.body.jobId, modelId: submit.body.data.model_info.model_id };
}

async function predict(trained: { jobId: string; modelId: string }, evalData: Record<string, string>): Promise<string> {
  const conf = {
    initiator: { role: 'guest', party_id: 9999 },
    job_parameters: { work_mode: 0, job_type: 'predict', model_id: trained.modelId, model_version: trained.jobId },
    role: { guest: [9999], host: [10000], arbiter: [10001] },
    role_parameters: Object.fromEntries(Object.entries(evalData).map(([role, name]) => [role, { args: { data: { eval_data: [{ name, namespace: 'experiment' }] } } }])),
  };
  const submit = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(url, submit.body.jobId, 120_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  return submit.body.jobId;
}

async function sameScores(component: string, trainJob: string, predictJob: string, role = 'guest', partyId = 9999): Promise<void> {
  const [train, predicted] = await Promise.all([trainJob, predictJob].map((jobId) =>
    post(url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: component, role, party_id: partyId })));
  assert.is(predicted.body.retcode, 0, predicted.body.retmsg);
  const scores = new Map((train.body.data as unknown[][]).map((r) => [r[0], r[3] as number]));
  const labels = new Map((train.body.data as unknown[][]).map((r) => [r[0], r[2]]));
  assert.ok(predicted.body.data.length > 0);
  for (const r of predicted.body.data as unknown[][]) {
    assert.ok(scores.has(r[0]), `id ${r[0]} was not scored in training`);
    assert.ok(Math.abs((r[3] as number) - scores.get(r[0])!) <= 1e-9, `${role} id ${r[0]}: ${r[3]} vs ${scores.get(r[0])}`);
    assert.is(r[2], labels.get(r[0]), `${role} id ${r[0]}: predicted label`);
  }
}

t('DataIO → Intersection → FeatureScale → HeteroLR: the predict job scales with the stored statistics', async () => {
  const dsl = example('hetero_lr_dsl.json');
  dsl.components.feature_scale_0 = {
    module: 'FeatureScale', input: { data: { data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['feature_scale'] },
  };
  dsl.components.hetero_lr_0.input.data.train_data = ['feature_scale_0.train'];
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 5;
  conf.algorithm_parameters.feature_scale_0 = { method: 'standard_scale' };
  const trained = await train(dsl, conf);
  const transfer = await post(url, '/v1/model/transfer', { name: trained.jobId, namespace: `host#10000#${trained.modelId}` });
  assert.ok(Object.keys(transfer.body.data).includes('feature_scale_0.feature_scale:ScaleParam'), JSON.stringify(Object.keys(transfer.body.data ?? {})));
  const predictJob = await predict(trained, { guest: 'breast_hetero_guest', host: 'breast_hetero_host' });
  await sameScores('hetero_lr_0', trained.jobId, predictJob);
  const dag = await post(url, '/v1/pipeline/dag/dependency', { job_id: predictJob, role: 'guest', party_id: 9999 });
  // The eval data has labels: the training DSL's evaluation runs too.
  assert.equal(dag.body.data.component_list, ['dataio_0', 'intersection_0', 'feature_scale_0', 'hetero_lr_0', 'evaluation_0']);
});

t('the examples\' homo LR (the host encrypted, FATE\'s default): each client\'s predict labels and scores equal its training ones', async () => {
  const conf = example('homo_lr_conf.json');
  conf.algorithm_parameters.homo_lr_0.max_iter = 5;
  const trained = await train(example('homo_lr_dsl.json'), conf);
  const predictJob = await predict(trained, { guest: 'breast_homo_guest', host: 'breast_homo_host' });
  await sameScores('homo_lr_0', trained.jobId, predictJob, 'guest', 9999);
  await sameScores('homo_lr_0', trained.jobId, predictJob, 'host', 10000);
});

t.run();
