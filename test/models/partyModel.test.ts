// Model buffers through protobuf (FATE's schemas) and back, the stored Pipeline buffer with the
// contract 6.6 inference DSL of the reference job, and the content hashes of a party's model.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deducePredictDsl, planJob, predictDslForRole, type JobPlan } from '../../src/domain/dsl/plan.js';
import { decodeBuffer, encodeBuffer, protoClassOf } from '../../src/models/bufferCodec.js';
import { modelDigest, sha256Hex } from '../../src/models/digest.js';
import { encodePartyModel, type RecordedModel } from '../../src/models/partyModel.js';
import { encodePipeline, pipelineOf, readPipeline } from '../../src/models/pipelineBuffer.js';
import { copy, example } from '../domain/dsl/examples.js';

const JOB = '202011101532147423781';
const plan = (): JobPlan => {
  const outcome = planJob(copy(example('standalone', 'hetero_lr_dsl.json')), example('standalone', 'hetero_lr_conf.json'), { jobId: JOB, serverWorkMode: 0, defaultTimeoutSeconds: 60 });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.plan;
};

// As DataIO and HeteroLR record them (src/components/dataio/dataIO.ts buildModel, heteroLR.ts modelOf).
const dataioMeta = {
  inputFormat: 'dense', delimitor: ',', dataType: 'float64', tagWithValue: false, tagValueDelimitor: ':', withLabel: true,
  labelName: 'y', labelType: 'int', outputFormat: 'dense',
  imputerMeta: { isImputer: false, strategy: '', missingValue: [] }, outlierMeta: { isOutlier: false, strategy: '', outlierValue: [] },
  needRun: true, exclusiveDataType: {},
};
const dataioParam = {
  header: ['x0', 'x1'], sidName: 'id', labelName: 'y',
  imputerParam: { missingReplaceValue: {}, missingValueRatio: {} }, outlierParam: { outlierReplaceValue: {}, outlierValueRatio: {} },
};
const lrMeta = {
  penalty: 'L2', tol: 0.0001, alpha: 0.01, optimizer: 'rmsprop', batchSize: '-1', learningRate: 0.15, maxIter: '30',
  earlyStop: 'weight_diff', fitIntercept: true, needOneVsRest: false,
};
const lrParam = (x0 = 0.1234567890123456) => ({
  iters: 30, lossHistory: [], isConverged: false, weight: { x0, x1: -1e-17 }, intercept: 0.2718281828459045, header: ['x0', 'x1'],
  bestIteration: -1, needOneVsRest: false,
});

const t = suite('models: buffers, Pipeline and digests');

t('DataIOMeta and DataIOParam survive protobuf exactly', () => {
  assert.equal(decodeBuffer('DataIOMeta', encodeBuffer('DataIOMeta', dataioMeta)), dataioMeta);
  assert.equal(decodeBuffer('DataIOParam', encodeBuffer('DataIOParam', dataioParam)), dataioParam);
});

t('HeteroLR buffers: weights and intercept bit for bit, int64 as strings, every default present', () => {
  const meta = decodeBuffer('HeteroLogisticRegressionMeta', encodeBuffer('HeteroLogisticRegressionMeta', lrMeta));
  assert.equal(meta, { ...lrMeta, partyWeight: 0, reEncryptBatches: '0', revealStrategy: '' });
  const param = decodeBuffer('HeteroLogisticRegressionParam', encodeBuffer('HeteroLogisticRegressionParam', lrParam()));
  assert.equal(param, { ...lrParam(), encryptedWeight: {} });
  assert.is(protoClassOf('HeteroLogisticRegressionParam'), 'LRModelParam');
  assert.is(protoClassOf('HomoLogisticRegressionMeta'), 'LRModelMeta');
});

t('field numbers are FATE\'s: LRModelParam iters is field 1 (varint), intercept field 5 (double)', () => {
  assert.equal([...encodeBuffer('HeteroLogisticRegressionParam', { iters: 3 })], [0x08, 0x03]);
  const bytes = encodeBuffer('HeteroLogisticRegressionParam', { intercept: 1 });
  assert.equal([...bytes], [0x29, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
});

t('FeatureScale buffers (ScaleMeta/ScaleParam) survive protobuf; statistics by column name', () => {
  const meta = { method: 'standard_scale', mode: 'normal', scaleColumn: ['x0'], featUpper: ['1'], featLower: ['0'], withMean: true, withStd: true, needRun: true };
  assert.equal(decodeBuffer('ScaleMeta', encodeBuffer('ScaleMeta', meta)), { ...meta, area: '' });
  const param = { colScaleParam: { x0: { columnUpper: 3.5, columnLower: -1.25, mean: 0.123456, std: 1.5 } }, header: ['x0', 'x1'] };
  assert.equal(decodeBuffer('ScaleParam', encodeBuffer('ScaleParam', param)), param);
});

t('a buffer without a schema here is refused by the codec', () => {
  assert.throws(() => encodeBuffer('NoSuchModuleParam', {}), /NoSuchModuleParam has no protobuf schema/);
});

t('HeteroSecureBoost buffers (BoostingTreeModelMeta/Param, FATE field numbers) survive protobuf; maps keep their int keys', () => {
  // BoostingTreeModelParam.tree_num = 1 (varint), best_iteration = 10.
  assert.equal([...encodeBuffer('HeteroSecureBoostingTreeGuestParam', { treeNum: 2 })], [0x08, 0x02]);
  const param = decodeBuffer('HeteroSecureBoostingTreeHostParam', encodeBuffer('HeteroSecureBoostingTreeHostParam', {
    treeNum: 1, treeDim: 1, bestIteration: 0,
    trees: [{ tree: [{ id: 0, sitename: 'host:10000', fid: 3, bid: 7, isLeaf: false, leftNodeid: 1, rightNodeid: 2, missingDir: 1 }], splitMaskdict: { 0: 0.25 }, missingDirMaskdict: { 0: -1 } }],
    featureNameFidMapping: { 3: 'x3' },
  })) as Record<string, any>;
  assert.equal(param.trees[0].splitMaskdict, { 0: 0.25 });
  assert.equal(param.trees[0].missingDirMaskdict, { 0: -1 });
  assert.is(param.trees[0].tree[0].fid, 3);
  assert.equal(param.featureNameFidMapping, { 3: 'x3' });
  assert.is(decodeBuffer('HeteroSecureBoostingTreeGuestMeta', encodeBuffer('HeteroSecureBoostingTreeGuestMeta', { treeMeta: { maxDepth: 3, useMissing: true } })).treeMeta !== undefined, true);
});

t('the Pipeline buffer holds the 6.6 inference DSL (evaluation dropped, the role\'s CodePath), the training DSL and conf', () => {
  const p = plan();
  const pipeline = readPipeline(encodePipeline(pipelineOf(p, 'guest', '9999')));
  assert.equal(pipeline.inferenceDsl, predictDslForRole(deducePredictDsl(p), 'guest'));
  const components = pipeline.inferenceDsl.components as Record<string, Record<string, unknown>>;
  assert.equal(Object.keys(components), ['dataio_0', 'intersection_0', 'hetero_lr_0']);
  assert.equal(components.hetero_lr_0!.input, { data: { eval_data: ['intersection_0.train'] }, model: ['pipeline.hetero_lr_0.hetero_lr'] });
  assert.is(components.dataio_0!.CodePath, 'federatedml/util/data_io.py/DataIO');
  assert.equal(pipeline.trainDsl, p.dsl);
  assert.equal(pipeline.trainRuntimeConf, p.conf);
  assert.equal(pipeline.roles, { guest: [9999], host: [10000], arbiter: [10001] });
  assert.is(pipeline.modelId, 'arbiter-10001#guest-9999#host-10000#model');
  assert.is(pipeline.modelVersion, JOB);
  assert.is(pipeline.initiatorRole, 'guest');
  assert.is(pipeline.initiatorPartyId, 9999);
  assert.is(pipeline.workMode, 0);
});

const recorded = (x0?: number): RecordedModel[] => [
  { component: 'dataio_0', module: 'DataIO', alias: 'dataio', buffers: { DataIOMeta: dataioMeta, DataIOParam: dataioParam } },
  { component: 'hetero_lr_0', module: 'HeteroLR', alias: 'hetero_lr', buffers: { HeteroLogisticRegressionMeta: lrMeta, HeteroLogisticRegressionParam: lrParam(x0) } },
];

t('a party model: FATE keys, a sha256 per buffer and for the whole model, the party model id', () => {
  const { buffers, saved } = encodePartyModel(plan(), 'guest', '9999', recorded());
  assert.equal(buffers.map((b) => b.key), [
    'dataio_0.dataio:DataIOMeta', 'dataio_0.dataio:DataIOParam',
    'hetero_lr_0.hetero_lr:HeteroLogisticRegressionMeta', 'hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam',
    'pipeline.pipeline:Pipeline',
  ]);
  for (const b of buffers) assert.is(b.sha256, sha256Hex(b.bytes), b.key);
  assert.is(saved.sha256, modelDigest(buffers));
  assert.equal(saved.buffers, buffers.map(({ bytes: _b, ...d }) => d));
  assert.is(saved.partyModelId, 'guest#9999#arbiter-10001#guest-9999#host-10000#model');
  assert.is(saved.modelVersion, JOB);
  assert.equal(saved.skipped, []);
});

t('the same model hashes the same; one changed weight changes that buffer\'s digest and the model\'s only', () => {
  const a = encodePartyModel(plan(), 'guest', '9999', recorded());
  const b = encodePartyModel(plan(), 'guest', '9999', recorded());
  const c = encodePartyModel(plan(), 'guest', '9999', recorded(0.1234567890123457));
  assert.is(a.saved.sha256, b.saved.sha256);
  assert.is.not(a.saved.sha256, c.saved.sha256);
  const changed = a.saved.buffers.filter((d, i) => d.sha256 !== c.saved.buffers[i]!.sha256).map((d) => d.key);
  assert.equal(changed, ['hetero_lr_0.hetero_lr:HeteroLogisticRegressionParam']);
});

t('output models without a schema here are listed as skipped, not stored', () => {
  const models: RecordedModel[] = [...recorded(), { component: 'future_0', module: 'FutureModule', alias: 'train', buffers: { NoSuchModuleMeta: {}, NoSuchModuleParam: {} } }];
  const { buffers, saved } = encodePartyModel(plan(), 'guest', '9999', models);
  assert.is(buffers.length, 5);
  assert.equal(saved.skipped, ['future_0.train:NoSuchModuleMeta', 'future_0.train:NoSuchModuleParam']);
});

t.run();
