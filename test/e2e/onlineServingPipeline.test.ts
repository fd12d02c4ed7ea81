// Feature components served online: breast with holes punched in it (empty cells, "NA", outliers
// "-999", on guest and host) trains through DataIO (missing fill by mean, outlier replace by a
// designated value) → Intersection → FeatureScale → HeteroFeatureBinning → [OneHotEncoder] →
// HeteroFeatureSelection → HeteroLR (bin index + one-hot) or HeteroSecureBoost (WOE on the guest);
// a predict job scores the tables; the model is loaded into a guest and a host `fedflow serving`,
// and online inference of every row — the guest's cells as the CSV has them, the host's looked up
// from its CSV — equals the predict job's score within 1e-9.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServing, type RunningServing } from '../../src/serving/servingNode.js';
import { example, outputRows, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { freePort } from '../support/federation.js';
import { post, SHARED_DATA, tempDir, waitForJob } from '../support/http.js';

const t = suite('e2e: DataIO imputer/outlier, scale, binning, one-hot, selection served online = predict job');
const dir = tempDir('pipeline-serving');
const dataDir = join(dir, 'data');
let fixture: ExampleNode;
let url = '';
let guestServing: RunningServing;
let hostServing: RunningServing;

/** breast with missing cells (empty, "NA") and outliers ("-999") at fixed places. */
function holed(file: string, holes: readonly [every: number, column: string, token: string][]): string {
  const lines = readFileSync(join(SHARED_DATA, file), 'utf8').split('\n').filter(Boolean);
  const header = lines[0]!.split(',');
  const out = lines.slice(1).map((line, r) => {
    const cells = line.split(',');
    for (const [every, column, token] of holes) if (r % every === 0) cells[header.indexOf(column)] = token;
    return cells.join(',');
  });
  const path = join(dataDir, file.replace('.csv', '_holed.csv'));
  writeFileSync(path, [lines[0], ...out].join('\n') + '\n');
  return path;
}

const GUEST_CSV = () => join(dataDir, 'breast_hetero_guest_holed.csv');
const HOST_CSV = () => join(dataDir, 'breast_hetero_host_holed.csv');

t.before(async () => {
  mkdirSync(dataDir, { recursive: true });
  holed('breast_hetero_guest.csv', [[7, 'x1', ''], [11, 'x2', 'NA'], [13, 'x3', '-999'], [17, 'x0', 'null']]);
  holed('breast_hetero_host.csv', [[5, 'x0', ''], [9, 'x4', 'NA'], [6, 'x5', '-999'], [19, 'x1', '-999']]);
  const [guestPort, hostPort] = [await freePort(), await freePort()];
  fixture = await startExampleNode('pipeline-serving-node', [], {
    servings: { '9999': [`127.0.0.1:${guestPort}`], '10000': [`127.0.0.1:${hostPort}`] },
    dataRoots: [tmpdir(), SHARED_DATA], // the holed tables, and the node's downloads of output tables
  });
  url = fixture.node.url;
  for (const [file, name] of [[GUEST_CSV(), 'breast_holed_guest'], [HOST_CSV(), 'breast_holed_host']] as const) {
    const r = await post(url, '/v1/data/upload', { file, head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: name });
    assert.is(r.body.retcode, 0, r.body.retmsg);
    assert.is((await waitForJob(url, r.body.jobId)).f_status, 'success');
  }
  hostServing = await startServing({
    partyId: '10000', grpcPort: hostPort, httpPort: 0, flowUrl: url, dataDir: join(dir, 'host'), tls: { insecure: true }, hostFeatures: HOST_CSV(),
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

const component = (module: string, from: string, model: string | undefined, dataKey = 'data') => ({
  module,
  input: { data: { [dataKey]: [from] } },
  output: { data: ['train'], ...(model ? { model: [model] } : {}) },
});

/** The feature chain, then `model`; `oneHot` puts an OneHotEncoder after the binning. */
function dsl(modelName: string, modelModule: string, oneHot: boolean) {
  const components: Record<string, unknown> = {
    dataio_0: component('DataIO', 'args.train_data', 'dataio'),
    intersection_0: component('Intersection', 'dataio_0.train', undefined),
    feature_scale_0: component('FeatureScale', 'intersection_0.train', 'feature_scale'),
    hetero_feature_binning_0: component('HeteroFeatureBinning', 'feature_scale_0.train', 'hetero_feature_binning'),
  };
  if (oneHot) components.one_hot_encoder_0 = component('OneHotEncoder', 'hetero_feature_binning_0.train', 'one_hot_encoder');
  components.hetero_feature_selection_0 = component('HeteroFeatureSelection', oneHot ? 'one_hot_encoder_0.train' : 'hetero_feature_binning_0.train', 'hetero_feature_selection');
  components[modelName] = component(modelModule, 'hetero_feature_selection_0.train', modelName.replace(/_0$/, ''), 'train_data');
  return { components };
}

function conf(algorithm: Record<string, unknown>) {
  const c = example('hetero_lr_conf.json');
  delete c.role.arbiter;
  c.role_parameters.guest.args.data.train_data[0].name = 'breast_holed_guest';
  c.role_parameters.host.args.data.train_data[0].name = 'breast_holed_host';
  delete c.role_parameters.guest.evaluation_0;
  delete c.role_parameters.host.evaluation_0;
  c.algorithm_parameters = {
    dataio_0: {
      missing_fill: true, missing_fill_method: 'mean',
      outlier_replace: true, outlier_replace_method: 'designated', outlier_impute: ['-999'], outlier_replace_value: 0.25,
    },
    intersection_0: { intersect_method: 'raw' },
    hetero_feature_binning_0: { method: 'quantile', bin_num: 5, encrypt_param: { key_length: 512 } },
    hetero_feature_selection_0: { filter_methods: ['unique_value', 'manually'], manually_param: { filter_out_indexes: [4] } },
    ...algorithm,
  };
  return c;
}

/** Trains, predicts the same tables, loads to both servings and binds `serviceId`; the predict job's rows. */
async function trainPredictPublish(jobDsl: unknown, jobConf: any, modelName: string, serviceId: string): Promise<Map<string, unknown[]>> {
  const submit = await post(url, '/v1/job/submit', { job_dsl: jobDsl, job_runtime_conf: jobConf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const { model_id: modelId, model_version: modelVersion } = submit.body.data.model_info;
  const row = await waitForJob(url, submit.body.jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const role = jobConf.role.arbiter ? { guest: ['9999'], host: ['10000'], arbiter: ['10001'] } : { guest: ['9999'], host: ['10000'] };
  const versioned = (c: any) => ({ ...c, role, job_parameters: { ...c.job_parameters, model_id: modelId, model_version: modelVersion } });
  const predictConf = example('hetero_lr_predict_conf.json');
  if (!jobConf.role.arbiter) delete predictConf.role.arbiter;
  predictConf.job_parameters.model_id = modelId;
  predictConf.job_parameters.model_version = modelVersion;
  predictConf.role_parameters.guest.args.data.eval_data[0].name = 'breast_holed_guest';
  predictConf.role_parameters.host.args.data.eval_data[0].name = 'breast_holed_host';
  const predict = await post(url, '/v1/job/submit', { job_runtime_conf: predictConf });
  assert.is(predict.body.retcode, 0, predict.body.retmsg);
  const predictRow = await waitForJob(url, predict.body.jobId, 300_000, 100);
  assert.is(predictRow.f_status, 'success', predictRow.f_reason);
  const predicted = await outputRows(fixture.node, predict.body.jobId, modelName);
  const trained = await outputRows(fixture.node, submit.body.jobId, modelName);
  for (const [id, r] of predicted) assert.ok(Math.abs((r[2] as number) - (trained.get(id)![2] as number)) <= 1e-9, `id ${id}: predict job ${r[2]} vs training ${trained.get(id)![2]}`);

  const load = await post(url, '/v1/model/load', versioned(example('publish_load.json')));
  assert.is(load.body.retcode, 0, JSON.stringify(load.body));
  const bind = await post(url, '/v1/model/bind', { ...versioned(example('bind.json')), service_id: serviceId });
  assert.is(bind.body.retcode, 0, JSON.stringify(bind.body));
  return predicted;
}

/** Every guest row online: cells as the CSV has them (empty ones left out, tokens as text). */
async function assertEveryRowOnline(serviceId: string, predicted: Map<string, unknown[]>): Promise<number> {
  const lines = readFileSync(GUEST_CSV(), 'utf8').split('\n').filter(Boolean);
  const header = lines[0]!.split(',');
  let worst = 0;
  let asked = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const id = cells[0]!;
    const featureData: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (name === 'id' || name === 'y' || cells[i] === '') return;
      const x = Number(cells[i]);
      featureData[name] = Number.isFinite(x) ? x : cells[i];
    });
    const r = await fetch(`${guestServing.url}/federation/v1/inference`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId, featureData, sendToRemoteFeatureData: { id } }),
    });
    const answer = (await r.json()) as any;
    assert.is(answer.retcode, 0, `id ${id}: ${JSON.stringify(answer)}`);
    const offline = predicted.get(id)!;
    const diff = Math.abs(answer.data.score - (offline[2] as number));
    worst = Math.max(worst, diff);
    assert.ok(diff <= 1e-9, `id ${id}: online ${answer.data.score} vs predict job ${offline[2]}`);
    asked++;
  }
  assert.is(asked, predicted.size);
  return worst;
}

t('HeteroLR after DataIO fill/outlier → scale → binning (bin index) → one-hot → selection: every row online = predict job', async () => {
  const jobConf = conf({
    feature_scale_0: { method: 'min_max_scale' },
    hetero_feature_binning_0: { method: 'quantile', bin_num: 5, encrypt_param: { key_length: 512 }, transform_param: { transform_cols: [0, 1, 2], transform_type: 'bin_num' } },
    one_hot_encoder_0: { transform_col_indexes: [0, 1, 2] },
    hetero_lr_0: { penalty: 'L2', optimizer: 'rmsprop', alpha: 0.01, max_iter: 10, batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' }, encrypt_param: { method: null } },
  });
  jobConf.role.arbiter = [10001];
  const predicted = await trainPredictPublish(dsl('hetero_lr_0', 'HeteroLR', true), jobConf, 'hetero_lr_0', 'pipeline-lr');
  assert.is(predicted.size, 569);
  const worst = await assertEveryRowOnline('pipeline-lr', predicted);
  assert.ok(worst <= 1e-9, String(worst));
});

t('HeteroSecureBoost after DataIO fill/outlier → standard scale → binning (WOE on the guest) → selection: every row online = predict job', async () => {
  const jobConf = conf({
    feature_scale_0: { method: 'standard_scale' },
    hetero_feature_binning_0: { method: 'quantile', bin_num: 6, encrypt_param: { key_length: 512 }, transform_param: { transform_cols: -1, transform_type: 'woe' } },
    hetero_secureboost_0: { task_type: 'classification', objective_param: { objective: 'cross_entropy' }, num_trees: 3, tree_param: { max_depth: 3 }, encrypt_param: { method: 'Paillier', key_length: 512 } },
  });
  const predicted = await trainPredictPublish(dsl('hetero_secureboost_0', 'HeteroSecureBoost', false), jobConf, 'hetero_secureboost_0', 'pipeline-sbt');
  const worst = await assertEveryRowOnline('pipeline-sbt', predicted);
  assert.ok(worst <= 1e-9, String(worst));
});

t('a row whose feature DataIO cannot read is refused with 102, naming the feature', async () => {
  const r = await fetch(`${guestServing.url}/federation/v1/inference`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId: 'pipeline-lr', featureData: { x0: 0.1, x1: 'abc' }, sendToRemoteFeatureData: { id: '133' } }),
  });
  const answer = (await r.json()) as any;
  assert.equal([answer.retcode, answer.retmsg], [102, 'guest feature x1 is not a number: "abc"']);
});

t.run();
