// HeteroSecureBoost's whole model lifecycle on one standalone node: the examples' SecureBoost training
// job (Paillier, 512-bit key by default here: SB_E2E_KEY_BITS) saves both parties' pipeline models with
// FATE's BoostingTreeModelMeta/Param buffers; a predict job (job_type predict + model_id/version, no
// DSL) on the same tables reproduces the training predict_score of every id within 1e-9.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBuffer } from '../../src/models/bufferCodec.js';
import { decodeTransferData } from '../../src/models/transfer.js';
import { example, outputRows, startExampleNode, type ExampleNode } from '../support/exampleNode.js';
import { post, waitForJob } from '../support/http.js';

const KEY_BITS = Number(process.env.SB_E2E_KEY_BITS ?? 512);
let fixture: ExampleNode;
let url: string;
const t = suite('e2e: HeteroSecureBoost pipeline model and predict job (breast)');

t.before(async () => {
  fixture = await startExampleNode('sbt-predict', ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']);
  url = fixture.node.url;
});
t.after(() => fixture?.close());

let trainJob = '';
let modelId = '';
let modelVersion = '';

t(`training (Paillier ${KEY_BITS}) stores both parties' SecureBoost buffers; the host threshold only in the host's model`, async () => {
  const conf = example('hetero_secureboost_conf.json');
  conf.algorithm_parameters.hetero_secureboost_0.encrypt_param.key_length = KEY_BITS;
  const submit = await post(url, '/v1/job/submit', { job_dsl: example('hetero_secureboost_dsl.json'), job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  trainJob = submit.body.jobId;
  ({ model_id: modelId, model_version: modelVersion } = submit.body.data.model_info);
  const row = await waitForJob(url, trainJob, 300_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);

  const buffersOf = async (namespace: string) => {
    const answer = await post(url, '/v1/model/transfer', { name: modelVersion, namespace });
    assert.is(answer.body.retcode, 0, answer.body.retmsg);
    return decodeTransferData(answer.body.data);
  };
  const guest = await buffersOf(`guest#9999#${modelId}`);
  assert.ok(guest.has('hetero_secureboost_0.train:HeteroSecureBoostingTreeGuestMeta'), [...guest.keys()].join(', '));
  const gp = decodeBuffer('HeteroSecureBoostingTreeGuestParam', guest.get('hetero_secureboost_0.train:HeteroSecureBoostingTreeGuestParam')!) as Record<string, any>;
  const host = await buffersOf(`host#10000#${modelId}`);
  const hp = decodeBuffer('HeteroSecureBoostingTreeHostParam', host.get('hetero_secureboost_0.train:HeteroSecureBoostingTreeHostParam')!) as Record<string, any>;
  assert.equal([gp.treeNum, gp.trees.length, gp.treeDim, gp.numClasses], [5, 5, 1, 2]);
  let hostSplits = 0;
  gp.trees.forEach((tree: any, k: number) => {
    for (const n of tree.tree.filter((x: any) => !x.isLeaf && x.sitename === 'host:10000')) {
      hostSplits++;
      assert.not.ok(String(n.id) in tree.splitMaskdict);
      assert.type(hp.trees[k].splitMaskdict[String(n.id)], 'number');
    }
  });
  assert.ok(hostSplits > 0);
});

t('a predict job on the same tables reproduces every training predict_score (1e-9)', async () => {
  const conf = example('hetero_lr_predict_conf.json');
  delete conf.role.arbiter;
  conf.job_parameters.model_id = modelId;
  conf.job_parameters.model_version = modelVersion;
  const submit = await post(url, '/v1/job/submit', { job_dsl: {}, job_runtime_conf: conf });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const row = await waitForJob(url, submit.body.jobId, 120_000, 100);
  assert.is(row.f_status, 'success', row.f_reason);
  const [train, predict] = [await outputRows(fixture.node, trainJob, 'hetero_secureboost_0'), await outputRows(fixture.node, submit.body.jobId, 'hetero_secureboost_0')];
  assert.is(predict.size, 569);
  for (const [id, values] of train) {
    const p = predict.get(id);
    assert.ok(p, `id ${id} has no prediction`);
    assert.ok(Math.abs((p![2] as number) - (values[2] as number)) <= 1e-9, `id ${id}: ${p![2]} vs ${values[2]}`);
    assert.equal([p![0], p![1], p![4]], [values[0], values[1], 'predict']);
  }
  const metrics = async (jobId: string, ns: string) => {
    const all = await post(url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0', role: 'guest', party_id: 9999 });
    assert.is(all.body.retcode, 0, all.body.retmsg);
    return Object.fromEntries(all.body.data[ns].hetero_secureboost_0.data as [string, number][]);
  };
  const [trained, predicted] = [await metrics(trainJob, 'train'), await metrics(submit.body.jobId, 'predict')];
  assert.ok(trained.auc >= 0.98, `auc ${trained.auc}`);
  assert.equal(predicted, trained);
});

t.run();
