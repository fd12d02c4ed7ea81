// Issue 6 end to end: a standalone node whose guest (9999) and host (10000) each have their own
// `fedflow serving` node. The examples' breast hetero LR job trains (plaintext maths, to keep it
// short: the serving path is the same), a predict job scores the same tables, /v1/model/load
// publishes to both servings (they pull the buffers from /v1/model/transfer), /v1/model/bind names
// the service, and one online inference for id 133 — guest features over HTTP, the host's partial
// score over gRPC from the host's serving — gives the predict job's score.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServing, type RunningServing } from '../../src/serving/servingNode.js';
import { example, outputRows, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { freePort } from '../support/federation.js';
import { post, SHARED_DATA, tempDir, waitForJob } from '../support/http.js';

const t = suite('e2e: train, predict, load to guest and host servings, bind, online inference');
const dir = tempDir('online-serving');
let fixture: ExampleNode;
let url = '';
let guestServing: RunningServing;
let hostServing: RunningServing;
let trainJob = '';
let modelId = '';
let modelVersion = '';
let predicted = new Map<string, number>();

t.before(async () => {
  const [guestPort, hostPort] = [await freePort(), await freePort()];
  fixture = await startExampleNode('online-serving-node', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json'], {
    servings: { '9999': [`127.0.0.1:${guestPort}`], '10000': [`127.0.0.1:${hostPort}`] },
  });
  url = fixture.node.url;
  hostServing = await startServing({
    partyId: '10000', grpcPort: hostPort, httpPort: 0, flowUrl: url, dataDir: join(dir, 'host'), tls: { insecure: true },
    hostFeatures: join(SHARED_DATA, 'breast_hetero_host.csv'),
  });
  guestServing = await startServing({
    partyId: '9999', grpcPort: guestPort, httpPort: 0, flowUrl: url, dataDir: join(dir, 'guest'), tls: { insecure: true },
    routes: new Map([['10000', `127.0.0.1:${hostPort}`]]),
  });
});
t.after(async () => {
  await guestServing?.close();
  await hostServing?.close();
  await fixture?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** id → predict_score of every row of a component's output table. */
async function scores(jobId: string, component: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [id, row] of await outputRows(fixture.node, jobId, component)) if (typeof row[2] === 'number') out.set(id, row[2]);
  return out;
}

const withVersion = (conf: any) => {
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = modelVersion;
  return conf;
};

t('the training job and a predict job on the same tables give the same score for every id', async () => {
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  const submit = await post(url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  trainJob = submit.body.jobId;
  ({ model_id: modelId, model_version: modelVersion } = submit.body.data.model_info);
  assert.is((await waitForJob(url, trainJob, 300_000, 100)).f_status, 'success');
  const predict = await post(url, '/v1/job/submit', { job_runtime_conf: withVersion(example('hetero_lr_predict_conf.json')) });
  assert.is(predict.body.retcode, 0, predict.body.retmsg);
  assert.is((await waitForJob(url, predict.body.jobId, 300_000, 100)).f_status, 'success');
  const trained = await scores(trainJob, 'hetero_lr_0');
  predicted = await scores(predict.body.jobId, 'hetero_lr_0');
  assert.is(predicted.size, 569);
  for (const [id, score] of predicted) assert.ok(Math.abs(score - trained.get(id)!) <= 1e-9, `id ${id}: ${score} vs ${trained.get(id)}`);
});

t('load publishes to the guest\'s and the host\'s serving; bind names the service; id 133 online = predict job', async () => {
  const load = await post(url, '/v1/model/load', withVersion(example('publish_load.json')));
  assert.is(load.body.retcode, 0, JSON.stringify(load.body));
  assert.equal(load.body.data.guest, { '9999': 0 });
  assert.equal(load.body.data.host, { '10000': 0 });
  assert.equal(load.body.data.detail.host['10000'], { retcode: 0, retmsg: 'success' });

  const noId = await post(url, '/v1/model/bind', { ...withVersion(example('bind.json')), service_id: '' });
  assert.equal([noId.body.retcode, noId.body.retmsg], [101, 'no service id']);
  const bind = await post(url, '/v1/model/bind', withVersion(example('bind.json')));
  assert.equal([bind.body.retcode, bind.body.retmsg], [0, 'service id is breast-hetero-lr']);

  const header = readFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), 'utf8').split('\n')[0]!.split(',');
  const line = readFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), 'utf8').split('\n').find((l) => l.startsWith('133,'))!.split(',');
  const featureData = Object.fromEntries(header.map((name, i) => [name, Number(line[i])]).filter(([name]) => name !== 'id' && name !== 'y'));
  const r = await fetch(`${guestServing.url}/federation/v1/inference`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId: 'breast-hetero-lr', featureData, sendToRemoteFeatureData: { id: '133' } }),
  });
  const answer = (await r.json()) as any;
  assert.is(answer.retcode, 0, JSON.stringify(answer));
  const offline = predicted.get('133')!;
  assert.ok(Math.abs(answer.data.score - offline) <= 1e-9, `online ${answer.data.score} vs predict job ${offline}`);
});

t.run();
