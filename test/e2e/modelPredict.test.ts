// Issue 6, part 1 end to end on one standalone node: the examples' breast hetero LR training job
// (plaintext maths to keep it short) saves every party's pipeline model; /v1/model/transfer answers
// the guest's five buffers; a predict job (the examples' predict conf, no DSL) on the same tables
// reproduces the training job's predict_score for every id, and evaluates when its data has labels.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBuffer } from '../../src/models/bufferCodec.js';
import { readPipeline } from '../../src/models/pipelineBuffer.js';
import { decodeTransferData } from '../../src/models/transfer.js';
import { example, outputRows, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, SHARED_DATA, waitForJob } from '../support/http.js';

let fixture: ExampleNode;
let url: string;
const t = suite('e2e: pipeline model store, /v1/model/transfer and a predict job (hetero LR, breast)');

t.before(async () => {
  fixture = await startExampleNode('model-predict', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']);
  url = fixture.node.url;
});
t.after(() => fixture?.close());

const GUEST = { role: 'guest', party_id: 9999 };
let trainJob = '';
let modelId = '';
let modelVersion = '';

const allRows = (jobId: string, component: string) => outputRows(fixture.node, jobId, component);

t('a successful training job saves the pipeline model of every party', async () => {
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  const submit = await post(url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  trainJob = submit.body.jobId;
  ({ model_id: modelId, model_version: modelVersion } = submit.body.data.model_info);
  const row = await waitForJob(url, trainJob, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  assert.is(modelVersion, trainJob);
});

t('/v1/model/transfer answers the guest model\'s five buffers as base64 protobuf', async () => {
  const answer = await post(url, '/v1/model/transfer', { name: modelVersion, namespace: `guest#9999#${modelId}` });
  assert.is(answer.body.retcode, 0, answer.body.retmsg);
  assert.is(answer.body.retmsg, 'success');
  assert.equal(Object.keys(answer.body.data).sort(), [
    'dataio_0.dataio:DataIOMeta', 'dataio_0.dataio:DataIOParam',
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta', 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam',
    'pipeline.pipeline:Pipeline',
  ]);
  const bytes = decodeTransferData(answer.body.data);
  const param = decodeBuffer('HeteroLogisticRegressionParam', bytes.get('hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam')!);
  const trained = await post(url, '/v1/tracking/component/output/model', { job_id: trainJob, component_name: 'hetero_lr_0', ...GUEST });
  assert.equal(param.weight, trained.body.data.weight);
  assert.is(param.intercept, trained.body.data.intercept);
  assert.equal(param.header, trained.body.data.header);
  const dataio = decodeBuffer('DataIOParam', bytes.get('dataio_0.dataio:DataIOParam')!);
  assert.is(dataio.labelName, 'y');
  assert.is(dataio.sidName, 'id');
  const pipeline = readPipeline(bytes.get('pipeline.pipeline:Pipeline')!);
  assert.equal(Object.keys(pipeline.inferenceDsl.components as object), ['dataio_0', 'intersection_0', 'hetero_lr_0']);
  assert.is(pipeline.modelId, modelId);
  assert.is(pipeline.modelVersion, modelVersion);
  assert.is(pipeline.initiatorRole, 'guest');
  assert.is(pipeline.initiatorPartyId, 9999);
  // The host's model holds its own weights; the arbiter's its (empty-header) LR buffers.
  const host = await post(url, '/v1/model/transfer', { name: modelVersion, namespace: `host#10000#${modelId}` });
  assert.is(host.body.retcode, 0, host.body.retmsg);
  assert.is(Object.keys(host.body.data).length, 5);
  const arbiter = await post(url, '/v1/model/transfer', { name: modelVersion, namespace: `arbiter#10001#${modelId}` });
  assert.equal(Object.keys(arbiter.body.data).sort(), [
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta', 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam', 'pipeline.pipeline:Pipeline',
  ]);
});

t('a predict job on the same tables reproduces the training predict_score of every id (1e-9)', async () => {
  const conf = example('hetero_lr_predict_conf.json');
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = modelVersion;
  const submit = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(url, submit.body.jobId, 120_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);

  // The first 100 records through output/data, as FATE clients read them.
  const [train, predict] = await Promise.all([trainJob, submit.body.jobId].map((jobId) =>
    post(url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'hetero_lr_0', ...GUEST })));
  assert.is(predict.body.retcode, 0, predict.body.retmsg);
  assert.is(predict.body.meta.total, 569);
  assert.equal(predict.body.meta.header, train.body.meta.header);
  const trainScores = new Map((train.body.data as unknown[][]).map((r) => [r[0], r[3] as number]));
  assert.is(predict.body.data.length, 100);
  for (const r of predict.body.data as unknown[][]) {
    assert.is(r[5], 'predict');
    assert.ok(Math.abs((r[3] as number) - trainScores.get(r[0])!) <= 1e-9, `id ${r[0]}: ${r[3]} vs ${trainScores.get(r[0])}`);
  }

  // And every id through the whole output tables.
  const [trainAll, predictAll] = [await allRows(trainJob, 'hetero_lr_0'), await allRows(submit.body.jobId, 'hetero_lr_0')];
  assert.is(predictAll.size, 569);
  assert.is(trainAll.size, 569);
  for (const [id, values] of trainAll) {
    const p = predictAll.get(id);
    assert.ok(p, `id ${id} has no prediction`);
    assert.ok(Math.abs((p![2] as number) - (values[2] as number)) <= 1e-9, `id ${id}: ${p![2]} vs ${values[2]}`);
    assert.is(p![0], values[0]);
    assert.is(p![1], values[1]);
    assert.is(p![4], 'predict');
  }
  // Labelled eval data: the training DSL's evaluation runs on the predictions, under `predict`,
  // with the training job's metrics (same rows, same scores).
  const metrics = async (jobId: string, ns: string) => {
    const all = await post(url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0', ...GUEST });
    assert.is(all.body.retcode, 0, all.body.retmsg);
    return Object.fromEntries(all.body.data[ns].hetero_lr_0.data as [string, number][]);
  };
  const [trained, predicted] = [await metrics(trainJob, 'train'), await metrics(submit.body.jobId, 'predict')];
  assert.ok(trained.auc > 0.98, `auc ${trained.auc}`);
  assert.equal(predicted, trained);

  // The predict job is no training job: it saves no model of its own.
  const own = await post(url, '/v1/model/transfer', { name: submit.body.jobId, namespace: `guest#9999#${modelId}` });
  assert.is(own.body.retcode, 100);
});

t('unlabelled eval data: the predict job predicts (label null) and does not evaluate', async () => {
  const rows = readFileSync(join(SHARED_DATA, 'breast_hetero_guest.csv'), 'utf8').split('\n');
  const unlabelled = rows.filter(Boolean).map((line) => line.split(',').filter((_, i) => i !== 1).join(',')).join('\n') + '\n';
  const file = join(dirname(fixture.node.config.dataDir), 'breast_hetero_guest_unlabelled.csv');
  writeFileSync(file, unlabelled);
  const upload = await post(url, '/v1/data/upload', { file, head: 1, partition: 4, work_mode: 0, namespace: 'experiment', table_name: 'breast_hetero_guest_unlabelled' });
  assert.is(upload.body.retcode, 0, upload.body.retmsg);
  assert.is((await waitForJob(url, upload.body.jobId)).f_status, 'success');
  const conf = example('hetero_lr_predict_conf.json');
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = modelVersion;
  conf.role_parameters.guest.args.data.eval_data = [{ name: 'breast_hetero_guest_unlabelled', namespace: 'experiment' }];
  const submit = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(url, submit.body.jobId, 120_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const tasks = await post(url, '/v1/job/task/query', { job_id: submit.body.jobId, role: 'guest', party_id: 9999 });
  assert.equal((tasks.body.data as { f_component_name: string }[]).map((x) => x.f_component_name).sort(), ['dataio_0', 'hetero_lr_0', 'intersection_0']);
  const [train, predicted] = await Promise.all([trainJob, submit.body.jobId].map((jobId) =>
    post(url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'hetero_lr_0', ...GUEST })));
  const scores = new Map((train.body.data as unknown[][]).map((r) => [r[0], r[3] as number]));
  for (const r of predicted.body.data as unknown[][]) {
    assert.is(r[1], null);
    assert.ok(Math.abs((r[3] as number) - scores.get(r[0])!) <= 1e-9, `id ${r[0]}`);
  }
});

t('a predict job naming an unknown model is refused at submit (retcode 100 naming model_id and version)', async () => {
  const conf = example('hetero_lr_predict_conf.json');
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = '20000101000000000000';
  const submit = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 100);
  assert.match(submit.body.retmsg, `model_id ${modelId} model_version 20000101000000000000`);
});

t.run();
