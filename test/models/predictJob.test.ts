// What a predict job is planned with: the model its conf names, and each hosted party's stored
// Pipeline (inference DSL + training conf); a missing or incomplete model refuses the job.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalStateError } from '../../src/domain/decider.js';
import type { PipelineInfo } from '../../src/models/pipelineBuffer.js';
import { partiesOf, predictModelOf, predictPlanInputs, type StoredPipeline } from '../../src/models/predictJob.js';
import { withEvaluation } from '../../src/models/predictEvaluation.js';
import { deducePredictDsl, planJob } from '../../src/domain/dsl/plan.js';
import { copy, example } from '../domain/dsl/examples.js';

const conf = () => {
  const c = example('standalone', 'hetero_lr_predict_conf.json');
  c.job_parameters.model_id = 'arbiter-10001#guest-9999#host-10000#model';
  c.job_parameters.model_version = '202011101532147423781';
  return c;
};
const pipeline = (tag: string): PipelineInfo => ({
  inferenceDsl: { components: { [tag]: {} } }, trainDsl: {}, trainRuntimeConf: { tag }, roles: {}, modelId: 'm', modelVersion: 'v',
  initiatorRole: 'guest', initiatorPartyId: 9999, workMode: 0, fateVersion: 'x',
});

const t = suite('models: predict job inputs');

t('the model of a predict conf; none for a training conf or without model_id/model_version', () => {
  assert.equal(predictModelOf(conf()), { modelId: 'arbiter-10001#guest-9999#host-10000#model', modelVersion: '202011101532147423781' });
  assert.is(predictModelOf(example('standalone', 'hetero_lr_conf.json')), undefined);
  const missing = conf();
  delete missing.job_parameters.model_version;
  assert.is(predictModelOf(missing), undefined);
  assert.equal(partiesOf(conf()), [{ role: 'guest', partyId: '9999' }, { role: 'host', partyId: '10000' }, { role: 'arbiter', partyId: '10001' }]);
});

t('every party holds the model: the first party\'s inference DSL and training conf', () => {
  const asked: string[] = [];
  const out = predictPlanInputs(predictModelOf(conf())!, partiesOf(conf()), (role, partyId, modelId, version): StoredPipeline => {
    asked.push(`${role}#${partyId}#${modelId}@${version}`);
    return { pipeline: pipeline(role), skipped: [] };
  });
  assert.equal(out, { dsl: { components: { guest: {} } }, trainRuntimeConf: { tag: 'guest' }, trainDsl: {} });
  assert.is(asked.length, 3);
  assert.is(asked[1], 'host#10000#arbiter-10001#guest-9999#host-10000#model@202011101532147423781');
});

t('a party without the model: IllegalStateError (retcode 100) naming model_id, model_version and the party', () => {
  assert.throws(
    () => predictPlanInputs(predictModelOf(conf())!, partiesOf(conf()), (role) => (role === 'host' ? undefined : { pipeline: pipeline(role), skipped: [] })),
    (e: unknown) => e instanceof IllegalStateError && e.message.startsWith('model_id arbiter-10001#guest-9999#host-10000#model model_version 202011101532147423781: host 10000 has no such pipeline model'),
  );
});

t('a model that could not store every buffer can not predict: refused, naming them', () => {
  assert.throws(
    () => predictPlanInputs(predictModelOf(conf())!, partiesOf(conf()), (role) => ({ pipeline: pipeline(role), skipped: ['secureboost_0.train:HeteroSecureBoostingTreeGuestParam'] })),
    /can not predict: guest 9999's model lacks secureboost_0\.train:HeteroSecureBoostingTreeGuestParam/,
  );
});

const inferenceOf = (dsl: Record<string, any>) => {
  const outcome = planJob(dsl, example('standalone', 'hetero_lr_conf.json'), { jobId: 'J', serverWorkMode: 0, defaultTimeoutSeconds: 60 });
  if (!outcome.ok) throw new Error(outcome.message);
  return deducePredictDsl(outcome.plan);
};

t('evaluation for a labelled predict job: the training DSL\'s Evaluation on the inference DSL\'s outputs', () => {
  const train = copy(example('standalone', 'hetero_lr_dsl.json'));
  const inference = inferenceOf(train);
  const out = withEvaluation(inference, train)!;
  const components = out.components as Record<string, unknown>;
  assert.equal(Object.keys(components), ['dataio_0', 'intersection_0', 'hetero_lr_0', 'evaluation_0']);
  assert.equal(components.evaluation_0, { module: 'Evaluation', input: { data: { data: ['hetero_lr_0.train'] } }, output: { data: ['evaluate'] } });
  assert.equal(Object.keys(inference.components as object), ['dataio_0', 'intersection_0', 'hetero_lr_0'], 'the stored DSL is not changed');
});

t('no evaluation when the training DSL has none or it reads what the inference DSL does not produce', () => {
  const train = copy(example('standalone', 'hetero_lr_dsl.json'));
  const inference = inferenceOf(train);
  delete train.components.evaluation_0;
  assert.is(withEvaluation(inference, train), undefined);
  const other = copy(example('standalone', 'hetero_lr_dsl.json'));
  other.components.evaluation_0.input.data.data = ['hetero_lr_0.validate'];
  assert.is(withEvaluation(inference, other), undefined);
});

t.run();
