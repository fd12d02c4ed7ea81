// The sqlite adapter stamps metadata straight into text, cached per scope: the text must be what
// JSON.stringify of the stamped object gives, byte for byte, in every case.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runInScope } from '../../../src/store/audit/auditScope.js';
import { stampedMetadataTexts, stampEvents } from '../../../src/store/audit/stampMetadata.js';

const events = [
  { type: 'JobCreated', data: {} },
  { type: 'TaskStarted', data: { a: 1 } },
  { type: 'ModelLoadRequested', data: {}, metadata: { correlationId: 'own', extra: 1 } },
];
const same = (node: { partyId?: string }) => assert.equal(stampedMetadataTexts(events, node), stampEvents(events, node).map((e) => JSON.stringify(e.metadata)));

test('cached texts equal the stamped objects, scope by scope and node by node', () => {
  const scope = { correlationId: 'c1', causationId: 'x', actor: { kind: 'client' as const, address: '127.0.0.1', appKey: 'k' } };
  runInScope(scope, () => {
    same({ partyId: '9999' });
    same({ partyId: '9999' }); // from the cache
    same({ partyId: '10000' }); // another node's identity: not the first node's text
    same({});
  });
  runInScope({ correlationId: 'c2', actor: { kind: 'node', process: 'job-scheduler' } }, () => same({ partyId: '9999' }));
});

test('outside any scope: the node\'s own, one fresh correlation id shared by the append', () => {
  const texts = stampedMetadataTexts(events.slice(0, 2)).map((t) => JSON.parse(t));
  assert.equal(texts[0].actor, { kind: 'node', process: 'unscoped' });
  assert.is(texts[0].correlationId, texts[1].correlationId);
  assert.is.not(stampedMetadataTexts(events.slice(0, 1)).map((t) => JSON.parse(t))[0].correlationId, texts[0].correlationId);
});

test.run();
