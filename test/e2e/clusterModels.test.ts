// Issue 6, part 1 in cluster mode (three nodes in this process, mutual TLS): at the end of the
// training job the initiator asks every other node to save its own party's pipeline model
// (PartyService.SavePipelineModel); each node's /v1/model/transfer serves only its party's model;
// a predict job (no DSL) runs on every node from each party's own stored model and reproduces the
// training scores; a predict job naming an unknown model is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';
import { startFederation, type Federation } from '../support/federation.js';

const dir = tempDir('cluster-models');
let fed: Federation;
const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const t = suite('e2e: pipeline models and predict jobs across three cluster nodes');

t.before(async () => {
  fed = (await startFederation({ dir })).nodes;
  for (const [node, file] of [[fed.guest, 'upload_breast_hetero_guest.json'], [fed.host, 'upload_breast_hetero_host.json']] as const) {
    const r = await post(node.url, '/v1/data/upload', example(file));
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
  }
});
t.after(async () => {
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close()));
  rmSync(dir, { recursive: true, force: true });
});

let trainJob = '';
let modelId = '';

t('each node saves its own party\'s model at the end of the training job and serves only that one', async () => {
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 5;
  conf.algorithm_parameters.intersection_0.intersect_method = 'raw';
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  trainJob = submit.body.jobId;
  modelId = submit.body.data.model_info.model_id;
  for (const [role, node] of Object.entries(fed)) {
    const row = await waitForJob(node.url, trainJob, 120_000, 50);
    assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
  }
  const transfer = (role: string, node: { url: string; partyId: string }, of = role, partyId = node.partyId) =>
    post(node.url, '/v1/model/transfer', { name: trainJob, namespace: `${of}#${partyId}#${modelId}` });
  for (const [role, node] of Object.entries(fed)) {
    const own = await transfer(role, node);
    assert.is(own.body.retcode, 0, `${role}: ${own.body.retmsg}`);
    assert.ok(Object.keys(own.body.data).includes('pipeline.pipeline:Pipeline'), role);
    assert.ok(Object.keys(own.body.data).includes('hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam'), role);
  }
  // The guest's node holds no host model: its buffers never left the host.
  const elsewhere = await transfer('guest', fed.guest, 'host', fed.host.partyId);
  assert.is(elsewhere.body.retcode, 100);
});

t('a cluster predict job runs from each party\'s own stored model and reproduces the training scores', async () => {
  const conf = example('hetero_lr_predict_conf.json');
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = trainJob;
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  for (const [role, node] of Object.entries(fed)) {
    const row = await waitForJob(node.url, submit.body.jobId, 120_000, 50);
    assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
  }
  const [train, predict] = await Promise.all([trainJob, submit.body.jobId].map((jobId) =>
    post(fed.guest.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'guest', party_id: 9999 })));
  assert.is(predict.body.retcode, 0, predict.body.retmsg);
  const trainScores = new Map((train.body.data as unknown[][]).map((r) => [r[0], r[3] as number]));
  assert.is(predict.body.data.length, 100);
  for (const r of predict.body.data as unknown[][]) {
    assert.is(r[5], 'predict');
    assert.ok(Math.abs((r[3] as number) - trainScores.get(r[0])!) <= 1e-9, `id ${r[0]}: ${r[3]} vs ${trainScores.get(r[0])}`);
  }
});

t('a cluster predict job naming an unknown model version is refused at submit', async () => {
  const conf = example('hetero_lr_predict_conf.json');
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = '20000101000000000000';
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 100);
  assert.match(submit.body.retmsg, 'model_version 20000101000000000000');
});

t.run();
