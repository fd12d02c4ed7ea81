// HeteroFeatureBinning in a pipeline model: DataIO → Intersection → HeteroFeatureBinning (WOE transform
// at the guest, bin index at the host; Paillier 512 labels) → HeteroLR (plaintext, few iterations) on
// one standalone node. The binning buffers are stored with FATE's protos, served by /v1/model/transfer,
// and a predict job replays the transform from them: the same binned values and the same LR scores.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBuffer } from '../../src/models/bufferCodec.js';
import { example, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';

let fixture: ExampleNode;
let url: string;
const t = suite('e2e: HeteroFeatureBinning in a predict job and in /v1/model/transfer');

t.before(async () => {
  fixture = await startExampleNode('binning-predict', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']);
  url = fixture.node.url;
});
t.after(() => fixture?.close());

const rowsOf = async (jobId: string, component: string, role: string, partyId: number) => {
  const r = await post(url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: component, role, party_id: partyId });
  assert.is(r.body.retcode, 0, r.body.retmsg);
  return new Map((r.body.data as unknown[][]).map((row) => [row[0] as string, row.slice(1)]));
};

t('DataIO → Intersection → HeteroFeatureBinning (woe) → HeteroLR: the predict job bins with the stored model and scores as in training', async () => {
  const dsl = example('hetero_lr_dsl.json');
  dsl.components.hetero_feature_binning_0 = {
    module: 'HeteroFeatureBinning', input: { data: { data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['binning'] },
  };
  dsl.components.hetero_lr_0.input.data.train_data = ['hetero_feature_binning_0.train'];
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 5;
  conf.algorithm_parameters.hetero_feature_binning_0 = { method: 'quantile', bin_num: 10, encrypt_param: { method: 'Paillier', key_length: 512 }, transform_param: { transform_cols: -1, transform_type: 'woe' } };
  const submit = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const trainJob = submit.body.jobId as string;
  const modelId = submit.body.data.model_info.model_id as string;
  const row = await waitForJob(url, trainJob, 180_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);

  // The tracking endpoint answers FATE's shapes.
  const model = await post(url, '/v1/tracking/component/output/model', { job_id: trainJob, component_name: 'hetero_feature_binning_0', role: 'guest', party_id: 9999 });
  assert.is(model.body.meta.module_name, 'HeteroFeatureBinning');
  assert.is(model.body.meta.meta_data.method, 'quantile');
  assert.equal(model.body.meta.meta_data.transformParam.transformType, 'woe');
  const hr = model.body.data.hostResults[0];
  assert.is(hr.partyId, '10000');
  assert.ok(Object.keys(hr.binningResult).every((k) => /^host\.\d+$/.test(k)));

  // /v1/model/transfer serves the binning buffers of each party as FATE protobuf.
  for (const [role, partyId] of [['guest', 9999], ['host', 10000]] as const) {
    const transfer = await post(url, '/v1/model/transfer', { name: trainJob, namespace: `${role}#${partyId}#${modelId}` });
    assert.is(transfer.body.retcode, 0, transfer.body.retmsg);
    const key = 'hetero_feature_binning_0.binning:FeatureBinningParam';
    assert.ok(key in transfer.body.data, JSON.stringify(Object.keys(transfer.body.data)));
    const param = decodeBuffer('FeatureBinningParam', Buffer.from(transfer.body.data[key], 'base64')) as any;
    assert.is(param.binningResult.role, role);
    assert.ok(Object.keys(param.binningResult.binningResult).length > 0);
    assert.is(param.hostResults.length, role === 'guest' ? 1 : 0);
  }

  const predictConf = {
    initiator: { role: 'guest', party_id: 9999 },
    job_parameters: { work_mode: 0, job_type: 'predict', model_id: modelId, model_version: trainJob },
    role: { guest: [9999], host: [10000], arbiter: [10001] },
    role_parameters: {
      guest: { args: { data: { eval_data: [{ name: 'breast_hetero_guest', namespace: 'experiment' }] } } },
      host: { args: { data: { eval_data: [{ name: 'breast_hetero_host', namespace: 'experiment' }] } } },
    },
  };
  const p = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: predictConf });
  assert.is(p.body.retcode, 0, p.body.retmsg);
  const predictJob = p.body.jobId as string;
  const prow = await waitForJob(url, predictJob, 180_000, 100);
  assert.is(prow.f_status, 'success', prow.f_reason);

  for (const [role, partyId] of [['guest', 9999], ['host', 10000]] as const) {
    const trained = await rowsOf(trainJob, 'hetero_feature_binning_0', role, partyId);
    const replayed = await rowsOf(predictJob, 'hetero_feature_binning_0', role, partyId);
    assert.ok(replayed.size > 0);
    for (const [id, values] of replayed) assert.equal(values, trained.get(id), `${role} ${id}`);
  }
  const trainedScores = await rowsOf(trainJob, 'hetero_lr_0', 'guest', 9999);
  const predicted = await rowsOf(predictJob, 'hetero_lr_0', 'guest', 9999);
  assert.ok(predicted.size > 0);
  for (const [id, r] of predicted) assert.ok(Math.abs((r[2] as number) - (trainedScores.get(id)![2] as number)) <= 1e-9, `${id}`);
});

t('DataIO → Intersection → HeteroFeatureBinning (woe) → HeteroFeatureSelection (IV from the binning model) → HeteroLR: predict reproduces the training scores', async () => {
  const dsl = example('hetero_lr_dsl.json');
  dsl.components.hetero_feature_binning_0 = {
    module: 'HeteroFeatureBinning', input: { data: { data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['binning'] },
  };
  dsl.components.hetero_feature_selection_0 = {
    module: 'HeteroFeatureSelection',
    input: { data: { data: ['hetero_feature_binning_0.train'] }, isometric_model: ['hetero_feature_binning_0.binning'] },
    output: { data: ['train'], model: ['selected'] },
  };
  dsl.components.hetero_lr_0.input.data.train_data = ['hetero_feature_selection_0.train'];
  const conf = example('hetero_lr_conf.json');
  conf.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  conf.algorithm_parameters.hetero_lr_0.max_iter = 5;
  conf.algorithm_parameters.hetero_feature_binning_0 = { method: 'quantile', bin_num: 10, encrypt_param: { method: 'Paillier', key_length: 512 }, transform_param: { transform_cols: -1, transform_type: 'woe' } };
  // Keep the columns of IV ≥ 2 on both sides (the guest judges the host's by the IVs it computed): breast's
  // IVs at 10 quantile bins are 0.6–6.4 (guest) and 0.07–5.6 (host), so both sides drop some.
  conf.algorithm_parameters.hetero_feature_selection_0 = {
    select_col_indexes: -1, filter_methods: ['iv_value_thres'], iv_value_param: { value_threshold: 2, host_thresholds: [2] },
  };
  const submit = await post(url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const trainJob = submit.body.jobId as string;
  const modelId = submit.body.data.model_info.model_id as string;
  const row = await waitForJob(url, trainJob, 180_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);

  // The selection really drops columns on both sides, and the IVs it used are the binning model's.
  const binning = (await post(url, '/v1/tracking/component/output/model', { job_id: trainJob, component_name: 'hetero_feature_binning_0', role: 'guest', party_id: 9999 })).body.data;
  const guestIv = Object.entries(binning.binningResult.binningResult as Record<string, { iv: number }>);
  const hostIv = Object.entries(binning.hostResults[0].binningResult as Record<string, { iv: number }>);
  const guestKept = guestIv.filter(([, c]) => c.iv >= 2).map(([n]) => n);
  const hostKept = hostIv.filter(([, c]) => c.iv >= 2).length;
  assert.ok(guestKept.length > 0 && guestKept.length < guestIv.length, `guest keeps ${guestKept.length} of ${guestIv.length}`);
  assert.ok(hostKept > 0 && hostKept < hostIv.length, `host keeps ${hostKept} of ${hostIv.length}`);
  const header = async (jobId: string, role: string, partyId: number) =>
    ((await post(url, '/v1/tracking/component/output/data', { job_id: jobId, component_name: 'hetero_feature_selection_0', role, party_id: partyId })).body.meta.header as string[]).filter((h) => h !== 'id' && h !== 'y');
  assert.equal([...await header(trainJob, 'guest', 9999)].sort(), [...guestKept].sort());
  assert.is((await header(trainJob, 'host', 10000)).length, hostKept);
  const lrHost = await post(url, '/v1/tracking/component/output/model', { job_id: trainJob, component_name: 'hetero_lr_0', role: 'host', party_id: 10000 });
  assert.is(Object.keys(lrHost.body.data.weight).length, hostKept, 'the host LR trains on its selected columns only');

  const predictConf = {
    initiator: { role: 'guest', party_id: 9999 },
    job_parameters: { work_mode: 0, job_type: 'predict', model_id: modelId, model_version: trainJob },
    role: { guest: [9999], host: [10000], arbiter: [10001] },
    role_parameters: {
      guest: { args: { data: { eval_data: [{ name: 'breast_hetero_guest', namespace: 'experiment' }] } } },
      host: { args: { data: { eval_data: [{ name: 'breast_hetero_host', namespace: 'experiment' }] } } },
    },
  };
  const p = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: predictConf });
  assert.is(p.body.retcode, 0, p.body.retmsg);
  const predictJob = p.body.jobId as string;
  const prow = await waitForJob(url, predictJob, 180_000, 100);
  assert.is(prow.f_status, 'success', prow.f_reason);
  assert.equal(await header(predictJob, 'guest', 9999), await header(trainJob, 'guest', 9999));
  assert.equal(await header(predictJob, 'host', 10000), await header(trainJob, 'host', 10000));

  const trainedScores = await rowsOf(trainJob, 'hetero_lr_0', 'guest', 9999);
  const predicted = await rowsOf(predictJob, 'hetero_lr_0', 'guest', 9999);
  assert.is(predicted.size, trainedScores.size);
  for (const [id, r] of predicted) assert.ok(Math.abs((r[2] as number) - (trainedScores.get(id)![2] as number)) <= 1e-9, `${id}: ${r[2]} vs ${trainedScores.get(id)![2]}`);
});

t.run();
