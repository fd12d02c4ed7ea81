// The chain as the sqlite writer makes it: the writer's per-event hash (chainHash, fields as
// arguments) is the canonical eventHash, and the checkpoints it signs after answering a batch
// (off the appends' path) land where signing inside the batch put them, and survive close. The
// appender carries the log's end (position, hash, last checkpoint) from one commit to the next:
// another connection writing to the file, a unit rolled back inside a group commit, or a tail cut
// behind the open store's back must not make it continue from a stale end.
import { createHash } from 'node:crypto';
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
import { appender, type CommitUnit } from '../../../src/store/sqlite/appendBatch.js';
import { openEventsDatabase } from '../../../src/store/sqlite/eventsDatabase.js';

const dir = mkdtempSync(join(tmpdir(), 'fedflow-append-chain-'));
let dirs = 0;
const dataDir = (): string => {
  const d = join(dir, `d-${++dirs}`);
  mkdirSync(d, { recursive: true });
  return d;
};

const t = suite('audit: the chain as the sqlite writer appends it');
t.after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The chain's definition, written out plainly: SHA-256 of one UTF-8 string holding every field.
 * Whatever chainHash does to be fast, it must hash these bytes (old logs are verified with it).
 */
function definedHash(previous: string, f: { position: bigint | number; streamId: string; revision: bigint | number; eventId: string; type: string; created: number; data: string; metadata: string }): string {
  const text = `${previous}\n${f.position}\n${f.revision}\n${f.created}\n${f.streamId.length}:${f.streamId}\n${f.eventId.length}:${f.eventId}\n${f.type.length}:${f.type}\n${f.data.length}:${f.metadata.length}\n${f.data}${f.metadata}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

t('chainHash is the defined hash: same text, numbers or bigints, any characters, any length', () => {
  const fields = [
    { position: 1, streamId: 'job-1', revision: 0, eventId: 'e-1', type: 'JobCreated', created: 1765000000000, data: '{"a":1}', metadata: '{}' },
    { position: 9_007_199_254, streamId: 'tâche-ü', revision: 41, eventId: 'x'.repeat(36), type: 'Tâche', created: 1, data: '{"s":"日本語 \\ud800 é"}', metadata: '{"actor":"🙂"}' },
    { position: 3n, streamId: 's', revision: 2n, eventId: 'e', type: 'T', created: 0, data: '', metadata: '' },
    // Lone surrogates (a crafted export can hold them): one ending the data pairs with one
    // starting the metadata in the one-string text; encoded field by field they would not.
    { position: 4, streamId: '\ud83d', revision: 3, eventId: '\ude42', type: '\ud800', created: 2, data: '{"x":"\ud83d', metadata: '\ude42"}' },
    { position: 5, streamId: 's\ud83d', revision: 4, eventId: 'e', type: 'T', created: 3, data: '\ude42', metadata: '\ud83d' },
    // Long texts (a job's DSL), then a short one again.
    { position: 6, streamId: 's', revision: 5, eventId: 'e', type: 'Big', created: 4, data: JSON.stringify({ dsl: 'é'.repeat(40_000) }), metadata: '{"m":"' + '日'.repeat(9_000) + '"}' },
    { position: 7, streamId: 's', revision: 6, eventId: 'e', type: 'Small again', created: 5, data: '{"a":2}', metadata: '{}' },
  ];
  let previous = GENESIS_HASH;
  for (const f of fields) {
    const expected = definedHash(previous, f);
    assert.is(eventHash(previous, f), expected, `${f.type}: eventHash`);
    assert.is(chainHash(previous, f.position, f.revision, f.created, f.streamId, f.eventId, f.type, f.data, f.metadata), expected);
    assert.is(chainHash(previous, Number(f.position), Number(f.revision), f.created, f.streamId, f.eventId, f.type, f.data, f.metadata), expected, 'a number prints the same digits as a bigint');
    previous = expected;
  }
  // The same length twice in a row: each its own bytes.
  const one = { position: 1, streamId: 's', revision: 0, eventId: 'e', type: 'T', created: 0, data: '{"a":1}', metadata: '{}' };
  assert.is(eventHash(GENESIS_HASH, one), definedHash(GENESIS_HASH, one));
  assert.is(eventHash(GENESIS_HASH, { ...one, data: '{"a":2}' }), definedHash(GENESIS_HASH, { ...one, data: '{"a":2}' }));
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

/** Positions of a log's events, oldest first. */
function positions(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT position FROM events ORDER BY position').all() as { position: number }[]).map((r) => r.position);
  } finally {
    db.close();
  }
}

t('the checkpoint signed after a batch was answered is the head that batch left, taken from memory: another connection appending meanwhile does not move it', () => {
  const d = dataDir();
  const file = join(d, 'events.sqlite');
  const writer = openEventsDatabase(file);
  const other = openEventsDatabase(file);
  const steps = (streamId: string, n: number): CommitUnit => [{ streamId, expected: 'any', events: Array.from({ length: n }, (_, i) => ({ type: 'Step', data: `{"i":${i}}`, metadata: '{}' })) }];
  try {
    const a = appender(writer, { signer: nodeKeySigner(d), checkpointEvery: 3 }, { checkpointsAfterReply: true });
    const b = appender(other, {});
    assert.equal(a.batch([steps('a', 3)]).map((o) => 'ok' in o), [true], 'positions 1..3');
    // Between a's answer and its signing, another connection appends positions 4 and 5.
    b.single(steps('b', 2));
    assert.ok(a.checkpointDue(), 'due after 3 events');
    a.storeSignedCheckpoint();
    // The next batch's transaction does read the file: it continues after b's events.
    assert.equal(a.batch([steps('a', 1)]).map((o) => 'ok' in o), [true]);
  } finally {
    writer.close();
    other.close();
  }
  // Reading the head again (PRAGMA data_version outside a transaction: a shared lock taken and
  // dropped after every batch) would have signed b's position 5.
  assert.equal(checkpointPositions(file), [3]);
  assert.equal(positions(file), [1, 2, 3, 4, 5, 6]);
  const report = verifyEventLog(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.checkpoints, 1);
});

t('connections taking turns on one file (writer threads, in-thread appends): each continues the chain from the other\'s last event, checkpoints included', async () => {
  const d = dataDir();
  const file = join(d, 'events.sqlite');
  const options = { signer: nodeKeySigner(d), checkpointEvery: 3, node: { partyId: '9999' } };
  // Four connections: a's and b's writer threads, a's and b's own (appendToStreamSync).
  const a = SqliteEventStore.open(file, options);
  const b = SqliteEventStore.open(file, options);
  try {
    for (let i = 0; i < 6; i++) {
      await a.appendToStream('s-a', [{ type: 'Step', data: { i, by: 'a writer' } }]);
      b.appendToStreamSync('s-b', [{ type: 'Step', data: { i, by: 'b in-thread' } }, { type: 'Step', data: { i, by: 'b in-thread' } }]);
      await b.appendToStream('s-b', [{ type: 'Step', data: { i, by: 'b writer' } }]);
      a.appendToStreamSync('s-a', [{ type: 'Step', data: { i, by: 'a in-thread' } }]);
    }
    // Both writers in one burst: their group commits interleave.
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).appendToStream(`burst-${i}`, [{ type: 'Burst', data: { i } }])));
  } finally {
    await a.close();
    await b.close();
  }
  const events = 6 * 5 + 8;
  assert.equal(positions(file), Array.from({ length: events }, (_, i) => i + 1), 'no position reused, none skipped');
  const report = verifyEventLog(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, events);
  // Every checkpoint names the hash its event really has (verify checks each one and its
  // signature). (A writer thread's checkpoint waits up to a moment for its next batch, so another
  // connection may sign a head or two later meanwhile: more checkpoints, never a wrong one.)
  const cps = checkpointPositions(file);
  assert.ok(cps.length >= 8, String(cps));
  assert.is(report.checkpoints, cps.length);
});

t('a unit rolled back inside a group commit after some of its events were inserted: the next unit chains from the unit before it', async () => {
  const d = dataDir();
  const file = join(d, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(d), checkpointEvery: 4, node: { partyId: '9999' } });
  let refused: unknown;
  try {
    await store.appendToStream('taken', [{ type: 'Step', data: {} }]);
    // One tick, one batch: the middle unit inserts into `fresh-1`, then fails its expectation on
    // `taken`, and its savepoint takes both back.
    const results = await Promise.allSettled([
      store.appendToStream('before', [{ type: 'Step', data: { n: 1 } }, { type: 'Step', data: { n: 2 } }]),
      store.appendToStreams([
        { streamId: 'fresh-1', events: [{ type: 'Step', data: { n: 3 } }, { type: 'Step', data: { n: 4 } }] },
        { streamId: 'taken', events: [{ type: 'Step', data: { n: 5 } }], expectedRevision: 'no_stream' },
      ]),
      store.appendToStream('after', [{ type: 'Step', data: { n: 6 } }]),
    ]);
    assert.equal(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    refused = (results[1] as PromiseRejectedResult).reason;
    await store.appendToStream('after', [{ type: 'Step', data: { n: 7 } }]);
  } finally {
    await store.close();
  }
  assert.match(String(refused), /taken/);
  assert.equal(positions(file), [1, 2, 3, 4, 5], 'the rolled-back events took no position');
  const report = verifyEventLog(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.equal(checkpointPositions(file), [4, 5]);
});

t('the tail cut by another connection while the store is open: the next append names the hole, and the checkpoint it signs is the real head', async () => {
  const d = dataDir();
  const file = join(d, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(d), checkpointEvery: 100, node: { partyId: '9999' } });
  try {
    for (let i = 0; i < 5; i++) await store.appendToStream('s', [{ type: 'Step', data: { i } }]);
    const db = new Database(file);
    try {
      db.prepare('DELETE FROM events WHERE position > 3').run();
    } finally {
      db.close();
    }
    await store.appendToStream('s', [{ type: 'Late', data: {} }]);
  } finally {
    await store.close();
  }
  assert.equal(positions(file), [1, 2, 3, 6], 'positions are not reused after the cut');
  const report = verifyEventLog(file);
  assert.not.ok(report.ok);
  assert.is(report.firstBroken?.position, '6');
  assert.match(report.firstBroken!.reason, /2 event\(s\) missing before it \(positions 4\.\.5\)/);
  assert.equal(checkpointPositions(file), [6], 'signed at close: the head the file really has');
});

t.run();
