// HeteroSecureBoost served online: a standalone node with a guest (9999) and a host (10000) serving.
// The examples' SecureBoost job (Paillier 512 here) on breast (binary) and the same job on
// vehicle_scale (4 classes) train; predict jobs score the tables; /v1/model/load + bind publish each
// model; online inference — the guest walks the trees, the host's serving answers only its split
// directions for the row — equals the predict job's score (and label) for every id asked, within 1e-9.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServing, type RunningServing } from '../../src/serving/servingNode.js';
import { example, outputRows, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { freePort } from '../support/federation.js';
import { FATE_DATA } from '../support/boostTables.js';
import { post, SHARED_DATA, tempDir, waitForJob } from '../support/http.js';

const t = suite('e2e: HeteroSecureBoost online serving = predict job (binary and multi-class)');
const dir = tempDir('sbt-serving');
let fixture: ExampleNode;
let url = '';
let guestServing: RunningServing;
let hostServing: RunningServing;
let hostPort = 0;

const startHost = (features: string) => startServing({
  partyId: '10000', grpcPort: hostPort, httpPort: 0, flowUrl: url, dataDir: join(dir, 'host'), tls: { insecure: true }, hostFeatures: features,
});

t.before(async () => {
  const guestPort = await freePort();
  hostPort = await freePort();
  fixture = await startExampleNode('sbt-serving-node', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json'], {
    servings: { '9999': [`127.0.0.1:${guestPort}`], '10000': [`127.0.0.1:${hostPort}`] },
    dataRoots: [tmpdir(), SHARED_DATA, FATE_DATA],
  });
  url = fixture.node.url;
  for (const name of ['vehicle_scale_hetero_guest', 'vehicle_scale_hetero_host']) {
    const r = await post(url, '/v1/data/upload', { file: join(FATE_DATA, `${name}.csv`), head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: name });
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
  }
  hostServing = await startHost(join(SHARED_DATA, 'breast_hetero_host.csv'));
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

/** Trains, predicts, loads and binds; returns the predict job's rows and the model ids. */
async function trainPredictPublish(guestTable: string, hostTable: string, evalType: string, serviceId: string) {
  const conf = example('hetero_secureboost_conf.json');
  conf.algorithm_parameters.hetero_secureboost_0.encrypt_param.key_length = 512;
  conf.role_parameters.guest.args.data.train_data[0].name = guestTable;
  conf.role_parameters.host.args.data.train_data[0].name = hostTable;
  conf.role_parameters.guest.evaluation_0.eval_type = [evalType];
  const submit = await post(url, '/v1/job/submit', { job_dsl: example('hetero_secureboost_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const { model_id: modelId, model_version: modelVersion } = submit.body.data.model_info;
  const row = await waitForJob(url, submit.body.jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const withVersion = (c: any) => ({ ...c, role: { guest: ['9999'], host: ['10000'] }, job_parameters: { ...c.job_parameters, model_id: modelId, model_version: modelVersion } });
  const predictConf = example('hetero_lr_predict_conf.json');
  delete predictConf.role.arbiter;
  predictConf.job_parameters.model_id = modelId;
  predictConf.job_parameters.model_version = modelVersion;
  predictConf.role_parameters.guest.args.data.eval_data[0].name = guestTable;
  predictConf.role_parameters.host.args.data.eval_data[0].name = hostTable;
  const predict = await post(url, '/v1/job/submit', { job_runtime_conf: predictConf });
  assert.is(predict.body.retcode, 0, predict.body.retmsg);
  assert.is((await waitForJob(url, predict.body.jobId, 300_000, 100)).f_status, 'success');
  const predicted = await outputRows(fixture.node, predict.body.jobId, 'hetero_secureboost_0');

  const load = await post(url, '/v1/model/load', withVersion(example('publish_load.json')));
  assert.is(load.body.retcode, 0, JSON.stringify(load.body));
  const bind = await post(url, '/v1/model/bind', { ...withVersion(example('bind.json')), service_id: serviceId });
  assert.is(bind.body.retcode, 0, JSON.stringify(bind.body));
  return predicted;
}

async function assertOnline(guestCsv: string, serviceId: string, predicted: Map<string, unknown[]>, ids: readonly string[]) {
  const lines = readFileSync(guestCsv, 'utf8').split('\n').filter(Boolean);
  const header = lines[0]!.split(',');
  for (const id of ids) {
    const cells = lines.find((l) => l.startsWith(`${id},`))!.split(',');
    const featureData = Object.fromEntries(header.map((name, i) => [name, Number(cells[i])]).filter(([name]) => name !== 'id' && name !== 'y'));
    const r = await fetch(`${guestServing.url}/federation/v1/inference`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId, featureData, sendToRemoteFeatureData: { id } }),
    });
    const answer = (await r.json()) as any;
    assert.is(answer.retcode, 0, JSON.stringify(answer));
    const offline = predicted.get(id)!;
    assert.ok(Math.abs(answer.data.score - (offline[2] as number)) <= 1e-9, `id ${id}: online ${answer.data.score} vs predict job ${offline[2]}`);
    assert.is(answer.data.label, offline[1], `id ${id}`);
    for (const [c, v] of Object.entries(offline[3] as Record<string, number>)) assert.ok(Math.abs(answer.data.detail[c] - v) <= 1e-9);
  }
}

t('binary (breast): online score, label and detail = the predict job\'s for 40 ids', async () => {
  const predicted = await trainPredictPublish('breast_hetero_guest', 'breast_hetero_host', 'binary', 'breast-sbt');
  const ids = [...predicted.keys()].filter((_, i) => i % 14 === 0);
  await assertOnline(join(SHARED_DATA, 'breast_hetero_guest.csv'), 'breast-sbt', predicted, ids);
});

t('multi-class (vehicle_scale, 4 classes): online = the predict job for 40 ids', async () => {
  // The host's serving now looks up vehicle_scale features (its loaded models are restored from its data dir).
  await hostServing.close();
  hostServing = await startHost(join(FATE_DATA, 'vehicle_scale_hetero_host.csv'));
  const predicted = await trainPredictPublish('vehicle_scale_hetero_guest', 'vehicle_scale_hetero_host', 'multi', 'vehicle-sbt');
  const labels = new Set([...predicted.values()].map((r) => r[1]));
  assert.equal([...labels].sort(), [0, 1, 2, 3]);
  const ids = [...predicted.keys()].filter((_, i) => i % 21 === 0);
  await assertOnline(join(FATE_DATA, 'vehicle_scale_hetero_guest.csv'), 'vehicle-sbt', predicted, ids);
});

t.run();
