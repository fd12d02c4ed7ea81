// The chain as the sqlite writer makes it: the writer's per-event hash (chainHash, fields as
// arguments) is the canonical eventHash, and the checkpoints it signs after answering a batch
// (off the appends' path) land where signing inside the batch put them, and survive close.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chainHash, eventHash, GENESIS_HASH } from '../../../src/store/audit/chain.js';
import { nodeKeySigner } from '../../../src/store/audit/nodeKey.js';
import { checkpointSignatureValid } from '../../../src/store/audit/checkpoint.js';
import { readCheckpoints, verifyEventLog } from '../../../src/store/audit/verifyLog.js';
import { SqliteEventStore } from '../../../src/store/sqlite/sqliteEventStore.js';

const dir = mkdtempSync(join(tmpdir(), 'fedflow-append-chain-'));
let dirs = 0;
const dataDir = (): string => {
  const d = join(dir, `d-${++dirs}`);
  mkdirSync(d, { recursive: true });
  return d;
};

const t = suite('audit: the chain as the sqlite writer appends it');
t.after(() => rmSync(dir, { recursive: true, force: true }));

t('chainHash is eventHash: same text, numbers or bigints, any characters', () => {
  const fields = [
    { position: 1, streamId: 'job-1', revision: 0, eventId: 'e-1', type: 'JobCreated', created: 1765000000000, data: '{"a":1}', metadata: '{}' },
    { position: 9_007_199_254, streamId: 'tâche-ü', revision: 41, eventId: 'x'.repeat(36), type: 'Tâche', created: 1, data: '{"s":"日本語 \\ud800 é"}', metadata: '{"actor":"🙂"}' },
    { position: 3n, streamId: 's', revision: 2n, eventId: 'e', type: 'T', created: 0, data: '', metadata: '' },
  ];
  let previous = GENESIS_HASH;
  for (const f of fields) {
    const expected = eventHash(previous, f);
    assert.is(chainHash(previous, f.position, f.revision, f.created, f.streamId, f.eventId, f.type, f.data, f.metadata), expected);
    assert.is(chainHash(previous, Number(f.position), Number(f.revision), f.created, f.streamId, f.eventId, f.type, f.data, f.metadata), expected, 'a number prints the same digits as a bigint');
    previous = expected;
  }
  // The stored text decides: one character moved between data and metadata changes the hash.
  const f = fields[0]!;
  assert.is.not(eventHash(GENESIS_HASH, { ...f, data: '{"a":1}{', metadata: '}' }), eventHash(GENESIS_HASH, { ...f, data: '{"a":1}', metadata: '{}' }));
});

/** Checkpoint positions of a log, oldest first. */
function checkpointPositions(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return readCheckpoints(db).map((c) => Number(c.position));
  } finally {
    db.close();
  }
}

t('checkpoints signed by the writer after it answered land where in-batch signing puts them, and survive close', async () => {
  // Through the writer thread: every append its own batch, then one group commit of 7.
  const d = dataDir();
  const file = join(d, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(d), checkpointEvery: 5, node: { partyId: '9999' } });
  for (let i = 0; i < 12; i++) await store.appendToStream(`s-${i % 3}`, [{ type: 'Step', data: { i } }]);
  await Promise.all(Array.from({ length: 7 }, (_, i) => store.appendToStream(`g-${i}`, [{ type: 'Step', data: { i } }])));
  await store.appendToStream('s-0', [{ type: 'Late', data: {} }]);
  await store.close();

  // The same appends on this thread (the in-transaction signing path).
  const d2 = dataDir();
  const file2 = join(d2, 'events.sqlite');
  const sync = SqliteEventStore.open(file2, { signer: nodeKeySigner(d2), checkpointEvery: 5, node: { partyId: '9999' } });
  for (let i = 0; i < 12; i++) sync.appendToStreamSync(`s-${i % 3}`, [{ type: 'Step', data: { i } }]);
  for (let i = 0; i < 7; i++) sync.appendToStreamSync(`g-${i}`, [{ type: 'Step', data: { i } }]);
  sync.appendToStreamSync('s-0', [{ type: 'Late', data: {} }]);
  await sync.close();

  // 5 and 10 every 5 events, 19 after the group commit (19 - 10 ≥ 5), 20 the head at close.
  assert.equal(checkpointPositions(file), [5, 10, 19, 20]);
  const report = verifyEventLog(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.checkpoints, 4);
  const db = new Database(file, { readonly: true });
  try {
    assert.ok(readCheckpoints(db).every((c) => checkpointSignatureValid(c)), 'every checkpoint validly signed');
  } finally {
    db.close();
  }
  // In-thread, one append per transaction: 5, 10, 15 and 20 (the head at close already signed).
  assert.equal(checkpointPositions(file2), [5, 10, 15, 20]);
  assert.ok(verifyEventLog(file2).ok);
});

t('an idle writer has signed the checkpoint its last batch made due: another connection sees it before any further append or close', async () => {
  const d = dataDir();
  const file = join(d, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(d), checkpointEvery: 3, node: { partyId: '9999' } });
  try {
    await store.appendToStream('s', [1, 2, 3].map((i) => ({ type: 'Step', data: { i } })));
    const started = Date.now();
    while (checkpointPositions(file).length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(checkpointPositions(file), [3], 'signed after the answer, without waiting for another batch');
    await store.appendToStream('s', [4, 5, 6].map((i) => ({ type: 'Step', data: { i } })));
  } finally {
    // Also when an assertion failed: an open store's writer thread would keep the run alive.
    await store.close();
  }
  assert.equal(checkpointPositions(file), [3, 6]);
  assert.ok(verifyEventLog(file).ok);
});

t.run();
