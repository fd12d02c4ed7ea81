import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publishDecider } from '../../src/domain/publish/decider.js';
import type { PublishEvent } from '../../src/domain/publish/events.js';
import { loadTargets, partyModelId, partyModels } from '../../src/domain/publish/plan.js';
import { deciderSpec } from '../support/deciderSpec.js';

const spec = deciderSpec(publishDecider);
const modelId = 'arbiter-10001#guest-9999#host-10000#model';
const modelVersion = '2026112708000000000001';
const model = { modelId, modelVersion };
const roles = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const initiator = { role: 'guest', partyId: '9999' };
const guest = { role: 'guest', partyId: '9999' };
const host = { role: 'host', partyId: '10000' };

const requested: PublishEvent = {
  type: 'ModelLoadRequested',
  data: { jobId: 'L1', ...model, initiator, roles, loadType: 'FATEFLOW', at: 1, targets: [guest, host] },
};
const requestLoad = { type: 'RequestLoad' as const, data: { jobId: 'L1', ...model, initiator, roles, loadType: 'FATEFLOW', at: 1 } };

const t = suite('publish decider');
t('plan: party model ids <role>#<party>#<model_id> for every party, arbiter included; targets skip the arbiter', () => {
  assert.is(partyModelId('host', '10000', modelId), `host#10000#${modelId}`);
  assert.equal(partyModels(roles, modelId, modelVersion), {
    guest: { 9999: { model_id: `guest#9999#${modelId}`, model_version: modelVersion } },
    host: { 10000: { model_id: `host#10000#${modelId}`, model_version: modelVersion } },
    arbiter: { 10001: { model_id: `arbiter#10001#${modelId}`, model_version: modelVersion } },
  });
  assert.equal(loadTargets({ guest: ['9999'], host: ['10000', '10002', '10000'], arbiter: ['10001'] }), [guest, host, { role: 'host', partyId: '10002' }]);
});
t('request: the load is recorded with its targets (every role but arbiter)', () => {
  spec.given([]).when(requestLoad).then([requested]);
});
t('request: the same job id twice decides nothing', () => {
  spec.given([requested]).when(requestLoad).thenNothingHappened();
});
t('request: only an arbiter → refused (nothing to serve)', () => {
  spec.given([]).when({ ...requestLoad, data: { ...requestLoad.data, roles: { arbiter: ['10001'] } } }).thenThrows(/no party to load the model for/);
});
t('publish: a serving answer 0 → ModelPublished; non-zero → ModelPublishFailed with the answer', () => {
  const base = { jobId: 'L1', ...model, ...host, loadType: 'FATEFLOW', at: 2 };
  spec.given([requested]).when({ type: 'RecordPublish', data: { ...base, serving: '127.0.0.1:8001', outcome: { retcode: 0, retmsg: 'success' } } })
    .then([{ type: 'ModelPublished', data: { ...base, partyModelId: `host#10000#${modelId}`, serving: '127.0.0.1:8001' } }]);
  spec.given([]).when({ type: 'RecordPublish', data: { ...base, serving: null, outcome: { retcode: 100, retmsg: 'Please configure servings address' } } })
    .then([{ type: 'ModelPublishFailed', data: { ...base, partyModelId: `host#10000#${modelId}`, serving: null, retcode: 100, retmsg: 'Please configure servings address' } }]);
});
t('finish: every target 0 → retcode 0 success', () => {
  const results = [{ ...guest, retcode: 0, retmsg: 'success' }, { ...host, retcode: 0, retmsg: 'success' }];
  spec.given([requested]).when({ type: 'FinishLoad', data: { jobId: 'L1', ...model, results, at: 3 } })
    .then([{ type: 'ModelLoadFinished', data: { jobId: 'L1', ...model, results, at: 3, retcode: 0, retmsg: 'success' } }]);
});
t('finish: one party non-zero → 101 failed; a target without an answer counts as unreachable (100, no message)', () => {
  spec.given([requested]).when({ type: 'FinishLoad', data: { jobId: 'L1', ...model, results: [{ ...host, retcode: 1, retmsg: 'no model error' }], at: 3 } })
    .then([{
      type: 'ModelLoadFinished',
      data: { jobId: 'L1', ...model, results: [{ ...guest, retcode: 100 }, { ...host, retcode: 1, retmsg: 'no model error' }], at: 3, retcode: 101, retmsg: 'failed' },
    }]);
});
t('finish: no party has a serving address → 100 Please configure servings address; only some → 101 failed', () => {
  const none = { retcode: 100, retmsg: 'Please configure servings address' };
  const all = [{ ...guest, ...none }, { ...host, ...none }];
  spec.given([requested]).when({ type: 'FinishLoad', data: { jobId: 'L1', ...model, results: all, at: 3 } })
    .then([{ type: 'ModelLoadFinished', data: { jobId: 'L1', ...model, results: all, at: 3, ...none } }]);
  const some = [{ ...guest, retcode: 0, retmsg: 'success' }, { ...host, ...none }];
  spec.given([requested]).when({ type: 'FinishLoad', data: { jobId: 'L1', ...model, results: some, at: 3 } })
    .then([{ type: 'ModelLoadFinished', data: { jobId: 'L1', ...model, results: some, at: 3, retcode: 101, retmsg: 'failed' } }]);
});
t('finish: unknown or finished load → refused', () => {
  spec.given([]).when({ type: 'FinishLoad', data: { jobId: 'L1', ...model, results: [], at: 3 } }).thenThrows(/never requested/);
  const finished: PublishEvent = { type: 'ModelLoadFinished', data: { jobId: 'L1', ...model, results: [], at: 3, retcode: 101, retmsg: 'failed' } };
  spec.given([requested, finished]).when({ type: 'FinishLoad', data: { jobId: 'L1', ...model, results: [], at: 4 } }).thenThrows(/already finished/);
});
t('bind: success → ModelBound for the initiator model; failure → ModelBindFailed; no service id → refused', () => {
  const base = { serviceId: 'breast-hetero-lr', ...model, ...initiator, at: 5 };
  spec.given([]).when({ type: 'RecordBind', data: { ...base, serving: '127.0.0.1:8001', outcome: { retcode: 0, retmsg: 'success' } } })
    .then([{ type: 'ModelBound', data: { ...base, partyModelId: `guest#9999#${modelId}`, serving: '127.0.0.1:8001' } }]);
  spec.given([]).when({ type: 'RecordBind', data: { ...base, serving: '127.0.0.1:8001', outcome: { retcode: 3, retmsg: 'model not loaded' } } })
    .then([{ type: 'ModelBindFailed', data: { ...base, partyModelId: `guest#9999#${modelId}`, serving: '127.0.0.1:8001', retcode: 3, retmsg: 'model not loaded' } }]);
  spec.given([]).when({ type: 'RecordBind', data: { ...base, serviceId: '', serving: '127.0.0.1:8001', outcome: { retcode: 0, retmsg: 'success' } } }).thenThrows(/no service id/);
});
t.run();
