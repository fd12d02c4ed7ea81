// Job shapes FATE's examples use, on one standalone node, with FATE's own confs and DSLs rendered as
// `fedflow testsuite` renders them: one party id holding two roles (host 9999 + arbiter 9999; guest
// 10000 + host 10000), an Evaluation on hosts without predictions (a no-op, not a failure), and a
// hetero job without Intersection (rows aligned by id, the host's table in another order).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { decodeBuffer } from '../../src/models/bufferCodec.js';
import { decodeTransferData } from '../../src/models/transfer.js';
import { DEFAULT_ENV, parseEnv, type SuiteEnv } from '../../src/cli/testsuite/env.js';
import { renderConf, type Json } from '../../src/cli/testsuite/render.js';
import { FATE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';

const LR = join(FATE_EXAMPLES, 'examples', 'federatedml-1.x-examples', 'hetero_logistic_regression');
const DATA = join(FATE_EXAMPLES, 'examples', 'data');
const json = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const HOST_AND_ARBITER_9999 = parseEnv({ role: { guest: [10000], host: [9999], arbiter: [9999] } });
const GUEST_AND_HOST_10000 = parseEnv({ role: { guest: [10000], host: [10000], arbiter: [9999] } });

let node: RunningNode;
let dir: string;
const t = suite('e2e: job shapes of FATE\'s examples');

async function upload(file: string, table: string): Promise<void> {
  const r = await post(node.url, '/v1/data/upload', { file, head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: table, drop: 1 });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
}

t.before(async () => {
  dir = tempDir('job-shapes');
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, DATA], logLevel: 'silent' }));
  await upload(join(DATA, 'breast_hetero_guest.csv'), 'breast_hetero_guest');
  await upload(join(DATA, 'breast_hetero_host.csv'), 'breast_hetero_host');
  // The host's rows in reverse order: only ids can align them with the guest's.
  const [head, ...lines] = readFileSync(join(DATA, 'breast_hetero_host.csv'), 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'breast_hetero_host_reversed.csv'), `${[head, ...lines.reverse()].join('\n')}\n`);
  await upload(join(dir, 'breast_hetero_host_reversed.csv'), 'breast_hetero_host_reversed');
});
t.after(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** FATE's LR conf, short: 3 iterations, 512-bit Paillier (the roles are what is tested here), zeros init. */
function lrConf(file: string, env: SuiteEnv): Json {
  const conf = renderConf(json(join(LR, file)), env) as any;
  Object.assign(conf.algorithm_parameters.hetero_lr_0, { max_iter: 3, encrypt_param: { method: 'Paillier', key_length: 512 }, init_param: { init_method: 'zeros' } });
  return conf;
}

async function run(dsl: Json, conf: Json): Promise<{ jobId: string; modelId: string; modelVersion: string }> {
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(node.url, submit.body.jobId, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  return { jobId: submit.body.jobId, ...(submit.body.data?.model_info ? { modelId: submit.body.data.model_info.model_id, modelVersion: submit.body.data.model_info.model_version } : { modelId: '', modelVersion: '' }) };
}

const rowsOf = async (path: string, body: Json): Promise<string[]> => {
  const r = await post(node.url, path, body);
  assert.is(r.body.retcode, 0, r.body.retmsg);
  return (r.body.data as any[]).map((row) => [row.f_component_name, row.f_role, row.f_party_id, row.f_status].filter((x) => x !== undefined).join(':')).sort();
};

/** id → predict_score of a component's output on the guest 10000. */
async function scores(jobId: string, component: string): Promise<Map<string, number>> {
  const table = await post(node.url, '/v1/tracking/component/output/data/table', { job_id: jobId, component_name: component, role: 'guest', party_id: 10000 });
  assert.is(table.body.retcode, 0, table.body.retmsg);
  const out = join(dir, `${jobId}-${component}.csv`);
  const d = await post(node.url, '/v1/data/download', { namespace: table.body.data.table_namespace, table_name: table.body.data.table_name, output_path: out, work_mode: 0 });
  assert.is((await waitForJob(node.url, d.body.jobId)).f_status, 'success');
  const m = new Map<string, number>();
  for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
    const cut = line.indexOf(',');
    m.set(line.slice(0, cut), (JSON.parse(line.slice(cut + 1)) as number[])[2]!);
  }
  return m;
}

const transfer = async (namespace: string, name: string): Promise<Map<string, Uint8Array>> => {
  const r = await post(node.url, '/v1/model/transfer', { name, namespace });
  assert.is(r.body.retcode, 0, `${namespace}: ${r.body.retmsg}`);
  return decodeTransferData(r.body.data);
};

t('host 9999 + arbiter 9999: rows, tasks, metrics and saved models kept apart; the predict job replays the scores', async () => {
  const dsl = json(join(LR, 'test_hetero_lr_train_job_dsl.json'));
  const train = await run(dsl, lrConf('test_hetero_lr_train_job_conf.json', HOST_AND_ARBITER_9999));
  assert.equal(await rowsOf('/v1/job/query', { job_id: train.jobId }), ['arbiter:9999:success', 'guest:10000:success', 'host:9999:success']);
  const tasks = await rowsOf('/v1/job/task/query', { job_id: train.jobId, component_name: 'hetero_lr_0' });
  assert.equal(tasks, ['hetero_lr_0:arbiter:9999:success', 'hetero_lr_0:guest:10000:success', 'hetero_lr_0:host:9999:success']);
  const loss = await post(node.url, '/v1/tracking/component/metric_data', { job_id: train.jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 9999, metric_namespace: 'train', metric_name: 'loss' });
  assert.is(loss.body.data.length, 3);
  const hostModel = await post(node.url, '/v1/tracking/component/output/model', { job_id: train.jobId, component_name: 'hetero_lr_0', role: 'host', party_id: 9999 });
  assert.is(hostModel.body.data.header.length, 20, 'the host 9999 model has the host\'s 20 features');
  assert.is(train.modelId, 'arbiter-9999#guest-10000#host-9999#model');
  const host = await transfer(`host#9999#${train.modelId}`, train.modelVersion);
  const arbiter = await transfer(`arbiter#9999#${train.modelId}`, train.modelVersion);
  assert.ok(host.has('dataio_0.dataio:DataIOMeta'), 'the host model has its DataIO');
  assert.not.ok(arbiter.has('dataio_0.dataio:DataIOMeta'), 'the arbiter runs no DataIO');
  const hostParam = decodeBuffer('HeteroLogisticRegressionParam', host.get('hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam')!);
  assert.equal(Object.keys(hostParam.weight as object).length, 20);

  const predictConf = renderConf(json(join(LR, 'test_predict_conf.json')), HOST_AND_ARBITER_9999, { model_id: train.modelId, model_version: train.modelVersion });
  const predict = await run({}, predictConf);
  assert.equal(await rowsOf('/v1/job/query', { job_id: predict.jobId }), ['arbiter:9999:success', 'guest:10000:success', 'host:9999:success']);
  const [trained, predicted] = [await scores(train.jobId, 'hetero_lr_0'), await scores(predict.jobId, 'hetero_lr_0')];
  assert.is(predicted.size, 569);
  for (const [id, s] of trained) assert.ok(Math.abs(s - predicted.get(id)!) < 1e-9, `id ${id}: ${s} vs ${predicted.get(id)}`);
});

t('guest 10000 + host 10000 in one job: two rows of the same party, both success; its predict job too', async () => {
  const train = await run(json(join(LR, 'test_hetero_lr_train_job_dsl.json')), lrConf('test_hetero_lr_train_job_conf.json', GUEST_AND_HOST_10000));
  assert.equal(await rowsOf('/v1/job/query', { job_id: train.jobId }), ['arbiter:9999:success', 'guest:10000:success', 'host:10000:success']);
  const guestModel = await post(node.url, '/v1/tracking/component/output/model', { job_id: train.jobId, component_name: 'hetero_lr_0', role: 'guest', party_id: 10000 });
  const hostModel = await post(node.url, '/v1/tracking/component/output/model', { job_id: train.jobId, component_name: 'hetero_lr_0', role: 'host', party_id: 10000 });
  assert.equal([guestModel.body.data.header.length, hostModel.body.data.header.length], [10, 20]);
  const guestDataio = decodeBuffer('DataIOParam', (await transfer(`guest#10000#${train.modelId}`, train.modelVersion)).get('dataio_0.dataio:DataIOParam')!);
  const hostDataio = decodeBuffer('DataIOParam', (await transfer(`host#10000#${train.modelId}`, train.modelVersion)).get('dataio_0.dataio:DataIOParam')!);
  assert.is(guestDataio.labelName, 'y');
  assert.is((hostDataio.header as string[]).length, 20);
  const predict = await run({}, renderConf(json(join(LR, 'test_predict_conf.json')), GUEST_AND_HOST_10000, { model_id: train.modelId, model_version: train.modelVersion }));
  assert.equal(await rowsOf('/v1/job/query', { job_id: predict.jobId }), ['arbiter:9999:success', 'guest:10000:success', 'host:10000:success']);
});

t('multi-host LR (hosts 9998, 9999, arbiter 9999): the hosts\' Evaluation has no predictions and ends success without metrics', async () => {
  const conf = lrConf('test_multi_host_job_conf.json', DEFAULT_ENV) as any;
  assert.equal(conf.role, { guest: [10000], host: [9998, 9999], arbiter: [9999] });
  assert.is(conf.role_parameters.host.evaluation_0, undefined, 'FATE\'s conf lets Evaluation run on the hosts');
  const train = await run(json(join(LR, 'test_hetero_lr_train_job_dsl.json')), conf);
  assert.equal(await rowsOf('/v1/job/task/query', { job_id: train.jobId, component_name: 'evaluation_0' }), [
    'evaluation_0:guest:10000:success', 'evaluation_0:host:9998:success', 'evaluation_0:host:9999:success',
  ]);
  const hostMetrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: train.jobId, component_name: 'evaluation_0', role: 'host', party_id: 9998 });
  assert.not.ok(hostMetrics.body.data && Object.keys(hostMetrics.body.data).length > 0, JSON.stringify(hostMetrics.body));
  const guestMetrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: train.jobId, component_name: 'evaluation_0', role: 'guest', party_id: 10000 });
  assert.ok(guestMetrics.body.data.train.hetero_lr_0, 'the guest evaluates');
});

t('no Intersection: DataIO → HeteroLR → Evaluation on tables whose rows align by id only gives the intersected job\'s scores', async () => {
  const fateDsl = json(join(LR, 'test_hetero_lr_train_job_dsl.json')) as any;
  const withIntersection = await run(fateDsl, lrConf('test_hetero_lr_train_job_conf.json', HOST_AND_ARBITER_9999));
  const { intersection_0: _gone, ...components } = fateDsl.components;
  const dsl = { components: { ...components, hetero_lr_0: { ...components.hetero_lr_0, input: { data: { train_data: ['dataio_0.train'] } } } } };
  const conf = lrConf('test_hetero_lr_train_job_conf.json', HOST_AND_ARBITER_9999) as any;
  conf.role_parameters.host.args.data.train_data = [{ name: 'breast_hetero_host_reversed', namespace: 'experiment' }];
  delete conf.algorithm_parameters.intersect_0;
  const aligned = await run(dsl, conf);
  const [a, b] = [await scores(withIntersection.jobId, 'hetero_lr_0'), await scores(aligned.jobId, 'hetero_lr_0')];
  assert.is(b.size, 569);
  for (const [id, s] of a) assert.ok(Math.abs(s - b.get(id)!) < 1e-9, `id ${id}: ${s} vs ${b.get(id)}`);
  const auc = await post(node.url, '/v1/tracking/component/metric/all', { job_id: aligned.jobId, component_name: 'evaluation_0', role: 'guest', party_id: 10000 });
  const summary = Object.fromEntries(auc.body.data.train.hetero_lr_0.data as [string, number][]);
  assert.ok(summary.auc > 0.95, `auc ${summary.auc}`);
});

t.run();
