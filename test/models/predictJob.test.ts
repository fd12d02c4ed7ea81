// What a predict job is planned with: the model its conf names, and each hosted party's stored
// Pipeline (inference DSL + training conf); a missing or incomplete model refuses the job.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalStateError } from '../../src/domain/decider.js';
import type { PipelineInfo } from '../../src/models/pipelineBuffer.js';
import { partiesOf, predictModelOf, predictPlanInputs, type StoredPipeline } from '../../src/models/predictJob.js';
import { example } from '../domain/dsl/examples.js';

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
  assert.equal(out, { dsl: { components: { guest: {} } }, trainRuntimeConf: { tag: 'guest' } });
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

t.run();
