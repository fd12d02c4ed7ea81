// DataIO's other formats carried through the components that read its output, and OneHotEncoder in
// a pipeline with its predict job, on one standalone node (plaintext LR maths, few iterations):
// guest breast_hetero_guest read with output_format sparse, host a tag:value table of integer
// codes made from breast_hetero_host; DataIO → Intersection → OneHotEncoder (host's columns) →
// FeatureScale → HeteroLR → Evaluation. The predict job replays tag reading, one-hot and scaling
// from the stored buffers and gives the training scores.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { FIXTURE_DATA } from '../support/fixtures.js';
import { post, tempDir, waitForJob } from '../support/http.js';

const t = suite('e2e: DataIO sparse/tag formats and OneHotEncoder through a hetero LR pipeline and its predict job');
let node: RunningNode;
let dir: string;

/** breast_hetero_host's x0..x5 as integer codes 0..3 in tag:value form; a code 0 is left out (reads 0) except x0's, so no row is empty. */
function tagTable(): string {
  const [, ...lines] = readFileSync(join(FIXTURE_DATA, 'breast_hetero_host.csv'), 'utf8').split('\n').filter(Boolean);
  return lines.map((line) => {
    const [id, ...xs] = line.split(',');
    const pairs = xs.slice(0, 6).map((x, i) => [`x${i}`, Math.max(0, Math.min(3, Math.floor(Number(x) + 2)))] as const);
    return [id, ...pairs.filter(([tag, code]) => code !== 0 || tag === 'x0').map(([tag, code]) => `${tag}:${code}`)].join(',');
  }).join('\n') + '\n';
}

async function upload(file: string, tableName: string, head: 0 | 1) {
  const r = await post(node.url, '/v1/data/upload', { file, head, partition: 4, work_mode: 0, namespace: 'experiment', table_name: tableName, drop: 1 });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success');
}

t.before(async () => {
  dir = tempDir('dataprep-pipeline');
  node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, FIXTURE_DATA], logLevel: 'silent' }));
  writeFileSync(join(dir, 'breast_tag_host.csv'), tagTable());
  await upload(join(FIXTURE_DATA, 'breast_hetero_guest.csv'), 'breast_hetero_guest', 1);
  await upload(join(dir, 'breast_tag_host.csv'), 'breast_tag_host', 0);
});
t.after(async () => {
  await node?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const roles = { guest: [9999], host: [10000], arbiter: [10001] };

const DSL = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
    one_hot_encoder_0: { module: 'OneHotEncoder', input: { data: { data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['one_hot'] } },
    feature_scale_0: { module: 'FeatureScale', input: { data: { data: ['one_hot_encoder_0.train'] } }, output: { data: ['train'], model: ['scale'] } },
    hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['feature_scale_0.train'] } }, output: { data: ['train'], model: ['hetero_lr'] } },
    evaluation_0: { module: 'Evaluation', input: { data: { data: ['hetero_lr_0.train'] } } },
  },
};

const CONF = {
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0 },
  role: roles,
  role_parameters: {
    guest: {
      args: { data: { train_data: [{ name: 'breast_hetero_guest', namespace: 'experiment' }] } },
      dataio_0: { with_label: [true], label_name: ['y'], output_format: ['sparse'] },
      // The guest's features are floats: it encodes none of them.
      one_hot_encoder_0: { transform_col_indexes: [[]] },
    },
    host: {
      args: { data: { train_data: [{ name: 'breast_tag_host', namespace: 'experiment' }] } },
      dataio_0: { input_format: ['tag'], tag_with_value: [true], with_label: [false], delimitor: [','] },
    },
  },
  algorithm_parameters: {
    feature_scale_0: { method: 'min_max_scale' },
    hetero_lr_0: { max_iter: 8, learning_rate: 0.15, optimizer: 'rmsprop', init_param: { init_method: 'zeros' }, encrypt_param: { method: null } },
  },
};

async function output(jobId: string, component: string, role: string, partyId: number) {
  const r = await post(node.url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: component, role, party_id: partyId });
  assert.is(r.body.retcode, 0, `${component} ${role}: ${r.body.retmsg}`);
  return r.body;
}

t('training: tag and sparse outputs flow through Intersection, OneHotEncoder, FeatureScale, HeteroLR and Evaluation; predict replays them', async () => {
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: DSL, job_runtime_conf: CONF });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(node.url, submit.body.jobId, 180_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const jobId = submit.body.jobId as string;

  const hostData = await output(jobId, 'dataio_0', 'host', 10000);
  assert.equal(hostData.meta.header, ['sid', 'x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
  const guestData = await output(jobId, 'dataio_0', 'guest', 9999);
  assert.equal(guestData.meta.header.slice(0, 3), ['id', 'y', 'x0']);
  const intersected = await output(jobId, 'intersection_0', 'guest', 9999);
  assert.is(intersected.meta.total, 569);

  // The host's codes 0..3 become x<i>_<code> columns; the guest's columns are untouched.
  const hostOneHot = await output(jobId, 'one_hot_encoder_0', 'host', 10000);
  const codes = (hostOneHot.meta.header as string[]).slice(1);
  assert.ok(codes.length > 6 && codes.every((h) => /^x[0-5]_[0-3]$/.test(h)), codes.join(' '));
  for (const r of hostOneHot.data as number[][]) {
    for (let i = 0; i < 6; i++) {
      const group = codes.map((h, j) => (h.startsWith(`x${i}_`) ? r[j + 1]! : 0));
      assert.is(group.reduce((a, b) => a + b, 0), 1, `row ${r[0]} column x${i}: exactly one code set`);
    }
  }
  const guestOneHot = await output(jobId, 'one_hot_encoder_0', 'guest', 9999);
  assert.equal(guestOneHot.meta.header, guestData.meta.header);
  const model = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'one_hot_encoder_0', role: 'host', party_id: 10000 });
  assert.is(model.body.meta.module_name, 'OneHotEncoder');
  assert.equal(model.body.data.resultHeader, codes);

  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0', role: 'guest', party_id: 9999 });
  const summary = Object.fromEntries(metrics.body.data.train.hetero_lr_0.data as [string, number][]);
  assert.ok(summary.auc > 0.9, `auc ${summary.auc}`);

  const modelId = submit.body.data.model_info.model_id as string;
  const transfer = await post(node.url, '/v1/model/transfer', { name: jobId, namespace: `host#10000#${modelId}` });
  const names = Object.keys(transfer.body.data ?? {});
  assert.ok(names.includes('one_hot_encoder_0.one_hot:OneHotParam') && names.includes('dataio_0.dataio:DataIOMeta'), names.join(' '));

  const predictConf = {
    initiator: { role: 'guest', party_id: 9999 },
    job_parameters: { work_mode: 0, job_type: 'predict', model_id: modelId, model_version: jobId },
    role: roles,
    role_parameters: {
      guest: { args: { data: { eval_data: [{ name: 'breast_hetero_guest', namespace: 'experiment' }] } } },
      host: { args: { data: { eval_data: [{ name: 'breast_tag_host', namespace: 'experiment' }] } } },
    },
  };
  const p = await post(node.url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: predictConf });
  assert.is(p.body.retcode, 0, p.body.retmsg);
  const prow = await waitForJob(node.url, p.body.jobId, 180_000, 100);
  assert.is(prow.f_status, 'success', prow.f_reason);
  const [train, predicted] = await Promise.all([jobId, p.body.jobId].map((id) => output(id, 'hetero_lr_0', 'guest', 9999)));
  const scores = new Map((train.data as unknown[][]).map((r) => [r[0], r[3] as number]));
  let compared = 0;
  for (const r of predicted.data as unknown[][]) {
    if (!scores.has(r[0])) continue;
    compared++;
    assert.ok(Math.abs((r[3] as number) - scores.get(r[0])!) <= 1e-9, `id ${r[0]}: ${r[3]} vs ${scores.get(r[0])}`);
  }
  assert.ok(compared > 10, `${compared} ids compared`);
  const hostPredictOneHot = await output(p.body.jobId, 'one_hot_encoder_0', 'host', 10000);
  assert.equal(hostPredictOneHot.meta.header, hostOneHot.meta.header);
});

t('FederatedSample between Intersection and HeteroLR: guest and host train on the same sampled ids; predict skips the sampler', async () => {
  const dsl = {
    components: {
      dataio_0: DSL.components.dataio_0,
      intersection_0: DSL.components.intersection_0,
      federated_sample_0: { module: 'FederatedSample', input: { data: { data: ['intersection_0.train'] } }, output: { data: ['train'] } },
      hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['federated_sample_0.train'] } }, output: { data: ['train'], model: ['hetero_lr'] } },
    },
  };
  const conf = structuredClone(CONF) as any;
  conf.algorithm_parameters = {
    federated_sample_0: { mode: 'stratified', method: 'downsample', fractions: [[0, 0.5], [1, 0.2]], random_state: 42 },
    hetero_lr_0: { ...CONF.algorithm_parameters.hetero_lr_0, max_iter: 3 },
  };
  delete conf.role_parameters.guest.one_hot_encoder_0;
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(node.url, submit.body.jobId, 180_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const jobId = submit.body.jobId as string;
  // breast: 212 label 0, 357 label 1 → int(0.5·212) + int(0.2·357) = 106 + 71.
  const counts = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'federated_sample_0', role: 'guest', party_id: 9999, metric_namespace: 'sample_count', metric_name: 'stratified' });
  assert.equal(counts.body.data, [[0, 106], [1, 71]]);
  const [guest, host] = await Promise.all([output(jobId, 'federated_sample_0', 'guest', 9999), output(jobId, 'federated_sample_0', 'host', 10000)]);
  assert.is(guest.meta.total, 177);
  assert.is(host.meta.total, 177);
  assert.equal((host.data as unknown[][]).map((r) => r[0]), (guest.data as unknown[][]).map((r) => r[0]));
  const lr = await output(jobId, 'hetero_lr_0', 'guest', 9999);
  assert.is(lr.meta.total, 177);

  const modelId = submit.body.data.model_info.model_id as string;
  const p = await post(node.url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: {
    initiator: { role: 'guest', party_id: 9999 },
    job_parameters: { work_mode: 0, job_type: 'predict', model_id: modelId, model_version: jobId },
    role: roles,
    role_parameters: {
      guest: { args: { data: { eval_data: [{ name: 'breast_hetero_guest', namespace: 'experiment' }] } } },
      host: { args: { data: { eval_data: [{ name: 'breast_tag_host', namespace: 'experiment' }] } } },
    },
  } });
  assert.is(p.body.retcode, 0, p.body.retmsg);
  const prow = await waitForJob(node.url, p.body.jobId, 180_000, 100);
  assert.is(prow.f_status, 'success', prow.f_reason);
  const dag = await post(node.url, '/v1/pipeline/dag/dependency', { job_id: p.body.jobId, role: 'guest', party_id: 9999 });
  assert.equal(dag.body.data.component_list, ['dataio_0', 'intersection_0', 'hetero_lr_0']);
  assert.is((await output(p.body.jobId, 'hetero_lr_0', 'guest', 9999)).meta.total, 569);
});

t.run();
