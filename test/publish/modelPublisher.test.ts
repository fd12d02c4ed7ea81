// The node's publisher with an in-memory log and a scripted serving gateway: what is recorded for
// each serving address, with whose request, and the party's verdict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import type { Outcome } from '../../src/domain/publish/commands.js';
import { modelPublishStreamId } from '../../src/domain/publish/events.js';
import type { PublishRequest } from '../../src/gen/com/webank/ai/fate/api/mlmodel/manager/model_service.js';
import { ModelPublisher } from '../../src/publish/modelPublisher.js';
import type { PartyLoad } from '../../src/publish/publishRequests.js';
import type { ServingGateway } from '../../src/publish/servingGateway.js';
import { MemoryEventStore } from '../../src/store/memory/memoryEventStore.js';

const load = (partyId: string, role = partyId === '9999' ? 'guest' : 'host'): PartyLoad => ({
  jobId: 'L1', initiator: { role: 'guest', partyId: '9999' }, roles: { guest: ['9999'], host: ['10000'] },
  modelId: 'm', modelVersion: 'v1', loadType: 'FATEFLOW', local: { role, partyId },
});

function scripted(answers: Record<string, Outcome>): { gateway: ServingGateway; calls: [string, PublishRequest][] } {
  const calls: [string, PublishRequest][] = [];
  const answer = async (address: string, request: PublishRequest) => {
    calls.push([address, request]);
    // Answers arrive out of address order: the verdict must not depend on timing.
    await new Promise((r) => setTimeout(r, address.endsWith(':1') ? 30 : address.endsWith(':2') ? 15 : 1));
    return answers[address] ?? { retcode: 0, retmsg: 'success' };
  };
  return { gateway: { publishLoad: answer, publishBind: answer }, calls };
}

test('each address is published and recorded with who asked; the verdict is the first failure in address order', async () => {
  const store = new MemoryEventStore();
  const { gateway, calls } = scripted({ 'h:2': { retcode: 1, retmsg: 'boom x' }, 'h:3': { retcode: 7, retmsg: 'later' } });
  const publisher = new ModelPublisher({ store, clock: { now: () => 42 }, servings: { 10000: ['h:1', 'h:2', 'h:3'] }, gateway, transferUrl: 'http://n:1/v1/model/transfer', log: pino({ level: 'silent' }) });
  const result = await publisher.loadOnParty(load('10000'), { requestedBy: 'http 127.0.0.1' });
  assert.equal({ retcode: result.retcode, retmsg: result.retmsg }, { retcode: 1, retmsg: 'boom x' });
  assert.equal(calls.map(([a, r]) => [a, r.local, r.filePath]), [
    ['h:1', { role: 'host', partyId: '10000' }, 'http://n:1/v1/model/transfer'],
    ['h:2', { role: 'host', partyId: '10000' }, 'http://n:1/v1/model/transfer'],
    ['h:3', { role: 'host', partyId: '10000' }, 'http://n:1/v1/model/transfer'],
  ]);
  const events = await store.readStream(modelPublishStreamId('m', 'v1'));
  assert.equal(events.map((e) => [e.type, (e.data as { serving: string }).serving]), [['ModelPublished', 'h:1'], ['ModelPublishFailed', 'h:2'], ['ModelPublishFailed', 'h:3']]);
  assert.equal(events.map((e) => ({ correlationId: e.metadata.correlationId, requestedBy: e.metadata.requestedBy })), Array(3).fill({ correlationId: 'L1', requestedBy: 'http 127.0.0.1' }));
  assert.is(result.position, events[2]!.position);
});

test('parties publishing the same model in parallel all get recorded; a party without servings records why', async () => {
  const store = new MemoryEventStore();
  const { gateway } = scripted({});
  const publisher = new ModelPublisher({ store, clock: { now: () => 1 }, servings: { 9999: ['g:1', 'g:2'], 10000: ['h:1', 'h:2'] }, gateway, transferUrl: 't', log: pino({ level: 'silent' }) });
  const who = { requestedBy: 'x' };
  const results = await Promise.all([publisher.loadOnParty(load('9999'), who), publisher.loadOnParty(load('10000'), who), publisher.loadOnParty(load('10001', 'host'), who)]);
  assert.equal(results.map((r) => r.retcode), [0, 0, 100]);
  assert.is(results[2]!.retmsg, 'Please configure servings address');
  const events = await store.readStream(modelPublishStreamId('m', 'v1'));
  assert.is(events.length, 5);
  assert.equal(events.filter((e) => e.type === 'ModelPublishFailed').map((e) => e.data), [{
    jobId: 'L1', modelId: 'm', modelVersion: 'v1', role: 'host', partyId: '10001', loadType: 'FATEFLOW', at: 1, partyModelId: 'host#10001#m',
    serving: null, retcode: 100, retmsg: 'Please configure servings address',
  }]);
});
test('after a restart, a load left without its verdict ends failed with the reason; every party unreachable', async () => {
  const store = new MemoryEventStore();
  const { gateway } = scripted({});
  const publisher = new ModelPublisher({ store, clock: { now: () => 9 }, servings: undefined, gateway, transferUrl: 't', log: pino({ level: 'silent' }) });
  const l = load('9999');
  await publisher.record('m', 'v1', { type: 'RequestLoad', data: { jobId: 'L1', modelId: 'm', modelVersion: 'v1', initiator: l.initiator, roles: l.roles, loadType: 'FATEFLOW', at: 1 } });
  await publisher.finishInterrupted([{ jobId: 'L1', modelId: 'm', modelVersion: 'v1' }]);
  const last = (await store.readStream(modelPublishStreamId('m', 'v1'))).at(-1)!;
  assert.equal(last.data, {
    jobId: 'L1', modelId: 'm', modelVersion: 'v1', results: [{ role: 'guest', partyId: '9999', retcode: 100 }, { role: 'host', partyId: '10000', retcode: 100 }],
    reason: 'node restarted while the load ran', at: 9, retcode: 101, retmsg: 'failed',
  });
  assert.equal({ correlationId: last.metadata.correlationId, requestedBy: last.metadata.requestedBy }, { correlationId: 'L1', requestedBy: 'node recovery' });
});
test.run();
