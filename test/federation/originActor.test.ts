// Who asked, across parties: a party message names the client of the sender's /v1, and the
// receiver records the proven party vouching for that client (app key included).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { originOf, senderActor } from '../../src/federation/originActor.js';
import { actorLabel, runInScope } from '../../src/store/audit/auditScope.js';
import { makeHeader } from '../../src/federation/commands.js';

const client = { kind: 'client' as const, address: '10.0.0.7', appKey: 'analyst' };

test('a client request at a host travels as the header origin and comes out as that client at the host', () => {
  const header = runInScope({ correlationId: 'r1', actor: client }, () => makeHeader({ source: '10000', destination: '9999', jobId: 'j' }));
  assert.equal(header.origin, { address: '10.0.0.7', appKey: 'analyst', partyId: '10000' });
  const actor = senderActor(header, true);
  assert.equal(actor, { kind: 'party', partyId: '10000', proven: true, onBehalfOf: { address: '10.0.0.7', appKey: 'analyst', partyId: '10000' } });
  assert.is(actorLabel(actor), 'client 10.0.0.7 (app key analyst) at party 10000');
});

test('relayed by the initiator, the client keeps its party and the relay is named', () => {
  const atInitiator = senderActor(runInScope({ correlationId: 'r1', actor: client }, () => makeHeader({ source: '10000', destination: '9999', jobId: 'j' })), true);
  const relayed = runInScope({ correlationId: 'r1', actor: atInitiator }, () => makeHeader({ source: '9999', destination: '10001', jobId: 'j' }));
  assert.is(actorLabel(senderActor(relayed, true)), 'client 10.0.0.7 (app key analyst) at party 10000 via party 9999');
  assert.is(actorLabel(senderActor(relayed, false)), 'client 10.0.0.7 (app key analyst) at party 10000 via party 9999 (unproven)');
});

test('the node\'s own messages name no client', () => {
  assert.equal(originOf({ kind: 'node', process: 'job-scheduler' }, '9999'), {});
  assert.equal(originOf(undefined, '9999'), {});
  const header = runInScope({ correlationId: 'c', actor: { kind: 'node', process: 'job-scheduler' } }, () => makeHeader({ source: '9999', destination: '10000', jobId: 'j' }));
  assert.is(header.origin, undefined);
  assert.is(actorLabel(senderActor(header, true)), 'party 9999');
});

test.run();
