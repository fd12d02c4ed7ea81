import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modelPublishProjection } from '../../projections/modelPublish/projection.js';
import { modelLoad, openLoads, servedModels, serviceBindings } from '../../projections/modelPublish/query.js';
import { givenEvents } from '../support/projectionSpec.js';

const model = { modelId: 'm', modelVersion: 'v1' };
const guest = { role: 'guest', partyId: '9999' };
const host = { role: 'host', partyId: '10000' };
const requested = { type: 'ModelLoadRequested', data: { jobId: 'L1', ...model, initiator: guest, roles: { guest: ['9999'], host: ['10000'] }, loadType: 'FATEFLOW', at: 1, targets: [guest, host] } };
const published = (party: typeof guest, serving: string) => ({
  type: 'ModelPublished', data: { jobId: 'L1', ...model, ...party, loadType: 'FATEFLOW', at: 2, partyModelId: `${party.role}#${party.partyId}#m`, serving },
});
const failed = { type: 'ModelPublishFailed', data: { jobId: 'L1', ...model, ...host, loadType: 'FATEFLOW', at: 2, partyModelId: 'host#10000#m', serving: 'h:2', retcode: 1, retmsg: 'x y' } };
const finished = { type: 'ModelLoadFinished', data: { jobId: 'L1', ...model, results: [{ ...guest, retcode: 0, retmsg: 'success' }, { ...host, retcode: 1, retmsg: 'x y' }], at: 3, retcode: 101, retmsg: 'failed' } };

const t = suite('projection: model publication');
t('a load: loading, then its verdict and per-party results', () => {
  const open = givenEvents([modelPublishProjection], [requested]);
  assert.is(modelLoad(open, 'L1')?.status, 'loading');
  assert.equal(openLoads(open), [{ jobId: 'L1', ...model }]);
  const db = givenEvents([modelPublishProjection], [requested, published(guest, 'g:1'), failed, finished]);
  assert.equal(modelLoad(db, 'L1'), {
    jobId: 'L1', ...model, initiator: guest, status: 'failed', retcode: 101, results: finished.data.results, reason: null, createTime: 1, endTime: 3,
  });
  assert.equal(openLoads(db), []);
});
t('servings: only successful publishes; by address and by model', () => {
  const db = givenEvents([modelPublishProjection], [requested, published(guest, 'g:1'), published(guest, 'g:2'), failed]);
  assert.equal(servedModels(db, { serving: 'g:1' }), [{ serving: 'g:1', ...guest, ...model, partyModelId: 'guest#9999#m', jobId: 'L1' }]);
  assert.equal(servedModels(db, { ...model }).map((r) => r.serving), ['g:1', 'g:2']);
  assert.equal(servedModels(db, { serving: 'h:2' }), []);
});
t('bindings: a successful bind maps the service id per address; a later bind of the id replaces it; failures do not', () => {
  const bound = (version: string, serving: string) => ({ type: 'ModelBound', data: { serviceId: 's1', modelId: 'm', modelVersion: version, ...guest, at: 4, partyModelId: 'guest#9999#m', serving } });
  const bindFailed = { type: 'ModelBindFailed', data: { serviceId: 's1', modelId: 'm', modelVersion: 'v3', ...guest, at: 6, partyModelId: 'guest#9999#m', serving: 'g:1', retcode: 2, retmsg: 'no' } };
  const db = givenEvents([modelPublishProjection], [bound('v1', 'g:1'), bound('v1', 'g:2'), bound('v2', 'g:1'), bindFailed]);
  assert.equal(serviceBindings(db, 's1').map((b) => [b.serving, b.modelVersion]), [['g:1', 'v2'], ['g:2', 'v1']]);
});
t.run();
