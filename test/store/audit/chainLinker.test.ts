// The writer's per-event hash (chainLinker: the text written into one reused buffer, the hash
// kept as bytes) against the chain's definition (chainHash, what `audit verify` and every log
// written before use): the same hash for every event, whatever its characters, numbers or size.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chainHash, GENESIS_HASH } from '../../../src/store/audit/chain.js';
import { chainLinker } from '../../../src/store/audit/chainLinker.js';

const t = suite('audit: the writer hashes the chain as defined');

interface Fields {
  position: number;
  revision: number;
  created: number;
  streamId: string;
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

const defined = (previous: string, f: Fields): string => chainHash(previous, f.position, f.revision, f.created, f.streamId, f.eventId, f.type, f.data, f.metadata);

t('two events hash as they did before the writer built the text in a buffer (pinned)', () => {
  const link = chainLinker();
  link.startFrom(GENESIS_HASH);
  const first = link.next(1, 0, 1765000000000, 'job-1', 'e-1', 'JobCreated', '{"a":1}', '{}').toString('hex');
  assert.is(first, '2574bf0dd91e8d73cdce8dd1d8c8840d0c7942cabdaa1c1bbc12a9fc299bf12c');
  assert.is(link.previousHex(), first);
  const second = link.next(2, 1, 1765000000001, 'job-1', 'e-2', 'TaskStatusReported', '{"s":"é日🙂"}', '{"actor":"x"}').toString('hex');
  assert.is(second, '1bdb647a6607cb794d2d2b039386682f45c612846495914935b2d15f567dcfc4');
});

t('every event of a chain gets chainHash, whatever its characters, numbers or size', () => {
  const events: Fields[] = [
    { position: 1, revision: 0, created: 1765000000000, streamId: 'job-1', eventId: 'e-1', type: 'JobCreated', data: '{"a":1}', metadata: '{}' },
    { position: 9_007_199_254, revision: 41, created: 1, streamId: 'tâche-ü', eventId: 'x'.repeat(36), type: 'Tâche', data: '{"s":"日本語 \\ud800 é"}', metadata: '{"actor":"🙂"}' },
    { position: 3, revision: 2, created: 0, streamId: 's', eventId: 'e', type: 'T', data: '', metadata: '' },
    // Positions and times past 2^31 (the digits' two paths), the largest safe integer.
    { position: 2 ** 31, revision: 2 ** 31 - 1, created: 2 ** 31 + 7, streamId: 's', eventId: 'e', type: 'T', data: '{}', metadata: '{}' },
    { position: Number.MAX_SAFE_INTEGER, revision: 10, created: 1765000000000, streamId: 's', eventId: 'e', type: 'T', data: '{}', metadata: '{}' },
    // Lone surrogates: one ending the data pairs with one starting the metadata in the
    // definition's one string; written field by field they would be two replaced characters.
    { position: 4, revision: 3, created: 2, streamId: '\ud83d', eventId: '\ude42', type: '\ud800', data: '{"x":"\ud83d', metadata: '\ude42"}' },
    { position: 5, revision: 4, created: 3, streamId: 's\ud83d', eventId: 'e', type: 'T', data: '\ude42', metadata: '\ud83d' },
    { position: 6, revision: 5, created: 3, streamId: 's', eventId: 'e', type: 'T', data: '\ud83d', metadata: 'x' },
    // Longer than the buffer (it grows, keeping the previous hash), then short again.
    { position: 7, revision: 6, created: 4, streamId: 's', eventId: 'e', type: 'Big', data: JSON.stringify({ dsl: 'é'.repeat(40_000) }), metadata: '{"m":"' + '日'.repeat(9_000) + '"}' },
    { position: 8, revision: 7, created: 5, streamId: 's', eventId: 'e', type: 'Small again', data: '{"a":2}', metadata: '{}' },
    // The same time as the event before, then another one of the same length.
    { position: 9, revision: 8, created: 5, streamId: 's', eventId: 'e', type: 'T', data: '{}', metadata: '{}' },
    { position: 10, revision: 9, created: 6, streamId: 's', eventId: 'e', type: 'T', data: '{}', metadata: '{}' },
  ];
  const link = chainLinker();
  link.startFrom(GENESIS_HASH);
  let previous = GENESIS_HASH;
  for (const f of events) {
    const expected = defined(previous, f);
    assert.is(link.next(f.position, f.revision, f.created, f.streamId, f.eventId, f.type, f.data, f.metadata).toString('hex'), expected, `${f.type} at ${f.position}`);
    assert.is(link.previousHex(), expected);
    previous = expected;
  }
});

t('startFrom continues from any head: another hash, the genesis, a text that is not hex', () => {
  const f: Fields = { position: 2, revision: 1, created: 1765000000000, streamId: 'job-1', eventId: 'e-2', type: 'T', data: '{"a":1}', metadata: '{}' };
  const link = chainLinker();
  const other = defined(GENESIS_HASH, { ...f, position: 1 });
  for (const head of [other, GENESIS_HASH, 'not hex: é', other]) {
    link.startFrom(head);
    assert.is(link.previousHex(), head);
    assert.is(link.next(f.position, f.revision, f.created, f.streamId, f.eventId, f.type, f.data, f.metadata).toString('hex'), defined(head, f), head);
  }
  // Without startFrom, a new linker starts the log.
  assert.is(chainLinker().next(1, 0, 5, 's', 'e', 'T', '{}', '{}').toString('hex'), defined(GENESIS_HASH, { position: 1, revision: 0, created: 5, streamId: 's', eventId: 'e', type: 'T', data: '{}', metadata: '{}' }));
});

t.run();
