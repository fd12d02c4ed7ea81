// PartyService.LoadModel: the initiator's per-party load survives the wire, and a node publishes
// only for its own party and only when the load's initiator asks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterParty, type ClusterPartyDeps } from '../../src/federation/clusterParty.js';
import { decodeCommand, encodeCommand } from '../../src/federation/commands.js';
import { fromLoadModelRequest, toLoadModelRequest } from '../../src/federation/modelLoad.js';
import type { LoadModelRequest } from '../../src/gen/fedflow/v1/party.js';
import type { PartyLoad } from '../../src/publish/publishRequests.js';

const load: PartyLoad = {
  jobId: 'L1', initiator: { role: 'guest', partyId: '9999' }, roles: { guest: ['9999'], host: ['10000', '10002'], arbiter: ['10001'] },
  modelId: 'm#model', modelVersion: 'v1', loadType: 'FATEFLOW', local: { role: 'host', partyId: '10000' },
};

test('a load crosses the wire unchanged (file_path empty = the receiving node\'s transfer URL)', () => {
  const request = toLoadModelRequest(load, '9999');
  assert.equal(request.header!.destinationPartyId, '10000');
  const back = decodeCommand('loadModel', encodeCommand({ kind: 'loadModel', request })).request as LoadModelRequest;
  assert.equal(fromLoadModelRequest(back), load);
  const withPath = { ...load, filePath: '/m.zip' };
  assert.equal(fromLoadModelRequest(toLoadModelRequest(withPath, '9999')), withPath);
});

test('a node publishes only its own party\'s model, and only when the initiator asks', async () => {
  const published: LoadModelRequest[] = [];
  const party = new ClusterParty({ partyId: '10000', loadModel: async (r: LoadModelRequest) => (published.push(r), { retcode: 0, retmsg: 'success' }) } as unknown as ClusterPartyDeps);
  const send = (l: PartyLoad, source: string) => party.onCommand({ kind: 'loadModel', request: toLoadModelRequest(l, source) });
  assert.equal(await send(load, '9999'), { retcode: 0, retmsg: 'success' });
  assert.equal(await send({ ...load, local: { role: 'host', partyId: '10002' } }, '9999'), { retcode: 100, retmsg: 'party 10002 is not the party of this node (10000)' });
  assert.equal(await send(load, '10001'), { retcode: 100, retmsg: 'model load for initiator 9999 was sent by party 10001' });
  assert.is(published.length, 1);
});
test.run();
