// Tamper evidence: a log written through the sqlite adapter (hash chain in the writer thread,
// signed checkpoints), then edited behind its back the ways an insider could; `audit verify`
// detects each and names the first broken event.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { withSqliteFile } from '../../support/sqliteFile.js';
import { SqliteEventStore } from '../../../src/store/sqlite/sqliteEventStore.js';
import { MemoryEventStore } from '../../../src/store/memory/memoryEventStore.js';
import { ChainVerifier, eventHash, GENESIS_HASH } from '../../../src/store/audit/chain.js';
import { nodeKeySigner } from '../../../src/store/audit/nodeKey.js';
import { verifyEventLog as verifyOnOneThread, verifyEventLogParallel, type VerifyReport } from '../../../src/store/audit/verifyLog.js';
import { main } from '../../../src/cli/main.js';
import { tempDir } from '../../support/http.js';
import { cpSync, statSync } from 'node:fs';

const dir = tempDir('tamper');
let logs = 0;
const EVENTS = 20;

let master: Promise<string> | undefined;

/** A fresh copy of one data dir holding a 20-event log (written once: durable appends are slow). */
async function writtenLog(): Promise<{ dataDir: string; file: string }> {
  master ??= writeLog().then((l) => l.dataDir);
  const dataDir = join(dir, `copy-${++logs}`);
  cpSync(await master, dataDir, { recursive: true });
  return { dataDir, file: join(dataDir, 'events.sqlite') };
}

/** A data dir holding a 20-event log (4 streams, several appends, one multi-stream), checkpoints every 5. */
async function writeLog(): Promise<{ dataDir: string; file: string }> {
  const dataDir = join(dir, 'master');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), checkpointEvery: 5, node: { partyId: '9999' } });
  for (let i = 0; i < 8; i++) await store.appendToStream(`job-${i % 4}`, [{ type: 'Step', data: { i, text: `event number ${i}` } }]);
  await Promise.all([0, 1, 2, 3].map((s) => store.appendToStream(`job-${s}`, [{ type: 'Step', data: { s, text: 'concurrent' } }])));
  await store.appendToStreams([{ streamId: 'job-0', events: [{ type: 'A', data: { x: 1 } }, { type: 'B', data: { x: 2 } }] }, { streamId: 'table-t', events: [{ type: 'T', data: { y: 1 } }] }]);
  for (let i = 0; i < 5; i++) await store.appendToStream('job-1', [{ type: 'Late', data: { i } }]);
  await store.close();
  return { dataDir, file };
}

const edit = (file: string, sql: (db: Database.Database) => void): void => withSqliteFile(file, sql);

async function cli(dataDir: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['audit', 'verify', '--data-dir', dataDir], { stdout: (t) => void (out += t), stderr: (t) => void (out += t) });
  return { code, out };
}

/**
 * Every verdict twice: on one thread, and cut into three ranges re-hashed by worker threads (as
 * `fedflow audit verify` does on big logs); both must say the same, break for break.
 */
async function verifyEventLog(file: string, options: { expectedKeyId?: string } = {}): Promise<VerifyReport> {
  const one = verifyOnOneThread(file, options);
  const parallel = await verifyEventLogParallel(file, { ...options, threads: 3, minEventsPerThread: 1 });
  assert.equal({ ...parallel, ms: 0 }, { ...one, ms: 0 }, 'the parallel verify agrees');
  return one;
}

const t = suite('audit: hash chain and tamper detection');
t.after(() => rmSync(dir, { recursive: true, force: true }));

t('an untouched log verifies: every event chained, checkpoints every 5 events and at shutdown, node key 0600', async () => {
  const { dataDir, file } = await writtenLog();
  const report = (await verifyEventLog(file));
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, EVENTS);
  assert.is(report.headPosition, String(EVENTS));
  assert.ok(report.checkpoints >= 4, `${report.checkpoints} checkpoints`);
  assert.is(report.lastCheckpoint!.position, String(EVENTS), 'the shutdown checkpoint signs the head');
  assert.is(statSync(join(dataDir, 'node-key.pem')).mode & 0o777, 0o600);
  const { code, out } = await cli(dataDir);
  assert.is(code, 0, out);
  assert.match(out, /^ok: 20 events, chain head [0-9a-f]{64} at position 20/);
});

t('one byte of one event changed: that event is named', async () => {
  const { dataDir, file } = await writtenLog();
  edit(file, (db) => db.prepare("UPDATE events SET data = replace(data, 'number 3', 'number 4') WHERE position = 4").run());
  const report = (await verifyEventLog(file));
  assert.not.ok(report.ok);
  assert.is(report.firstBroken!.position, '4');
  assert.match(report.firstBroken!.reason, /hash mismatch/);
  assert.is(report.breaks.length, 1, 'an edit breaks its own event only');
  const { code, out } = await cli(dataDir);
  assert.is(code, 1);
  assert.match(out, /BROKEN: the first event that does not fit is at position 4 \(stream job-3, revision 0, Step\)/);
});

t('a metadata edit (who did it) is caught like a data edit', async () => {
  const { file } = await writtenLog();
  edit(file, (db) => db.prepare("UPDATE events SET metadata = replace(metadata, '\"partyId\":\"9999\"', '\"partyId\":\"6666\"') WHERE position = 11").run());
  assert.is((await verifyEventLog(file)).firstBroken!.position, '11');
});

t('an event deleted: the next one is named, with the missing position', async () => {
  const { file } = await writtenLog();
  edit(file, (db) => db.prepare('DELETE FROM events WHERE position = 9').run());
  const report = (await verifyEventLog(file));
  assert.is(report.firstBroken!.position, '10');
  assert.match(report.firstBroken!.reason, /1 event\(s\) missing before it \(positions 9\.\.9\)/);
});

t('two events swapped (rows exchanged, hashes and all): the first of them is named', async () => {
  const { file } = await writtenLog();
  edit(file, (db) => {
    const cols = 'stream_id, revision, event_id, type, data, metadata, created, hash';
    const get = db.prepare(`SELECT ${cols} FROM events WHERE position = ?`).raw();
    const a = get.get(6) as unknown[];
    const b = get.get(7) as unknown[];
    const set = db.prepare('UPDATE events SET stream_id = ?, revision = ?, event_id = ?, type = ?, data = ?, metadata = ?, created = ?, hash = ? WHERE position = ?');
    db.transaction(() => {
      db.prepare("UPDATE events SET stream_id = 'tmp', event_id = 'tmp' WHERE position = 6").run();
      set.run(...a, 7);
      set.run(...b, 6);
    })();
  });
  const report = (await verifyEventLog(file));
  assert.is(report.firstBroken!.position, '6');
  assert.ok(report.breaks.length >= 2, 'a swap breaks more than one event');
});

t('the tail cut after a checkpoint: the first missing position is named', async () => {
  const { dataDir, file } = await writtenLog();
  edit(file, (db) => db.prepare('DELETE FROM events WHERE position > 16').run());
  const report = (await verifyEventLog(file));
  assert.not.ok(report.ok);
  assert.is(report.firstBroken!.position, '17');
  assert.match(report.firstBroken!.reason, /the log ends at position 16 but a checkpoint .* covers up to position 20: events 17\.\.20 were removed/);
  assert.is((await cli(dataDir)).code, 1);
});

// The hashes alone cannot see this one: the new events chain correctly onto the shortened log,
// and the checkpoints that named the cut events went with them. Positions are never reused, so the
// hole left in them is the evidence (the test fails if verify stops checking for gaps).
t('the tail cut with its checkpoints, then new events appended (hashes that fit): the hole in the positions is named', async () => {
  const { dataDir, file } = await writtenLog();
  edit(file, (db) => {
    db.prepare('DELETE FROM events WHERE position > 16').run();
    db.prepare('DELETE FROM chain_checkpoints WHERE position > 16').run();
  });
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), checkpointEvery: 5, node: { partyId: '9999' } });
  await store.appendToStream('job-2', [{ type: 'After', data: { i: 1 } }, { type: 'After', data: { i: 2 } }]);
  await store.close();
  const report = (await verifyEventLog(file));
  assert.not.ok(report.ok);
  assert.is(report.firstBroken!.position, '21');
  assert.match(report.firstBroken!.reason, /4 event\(s\) missing before it \(positions 17\.\.20\)/);
  assert.is(report.breaks.length, 1, 'the new events themselves chain');
});

t('an edit followed by re-hashing the whole chain: the signed checkpoint after it no longer matches', async () => {
  const { file } = await writtenLog();
  edit(file, (db) => {
    db.prepare("UPDATE events SET data = replace(data, 'number 2', 'number 7') WHERE position = 3").run();
    let previous = GENESIS_HASH;
    const rows = db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata, created FROM events ORDER BY position').all() as any[];
    const update = db.prepare('UPDATE events SET hash = ? WHERE position = ?');
    for (const r of rows) {
      previous = eventHash(previous, { position: r.position, streamId: r.stream_id, revision: r.revision, eventId: r.event_id, type: r.type, created: r.created, data: r.data, metadata: r.metadata });
      update.run(previous, r.position);
    }
  });
  const report = (await verifyEventLog(file));
  assert.is(report.breaks.length, 0, 'the chain itself is consistent again');
  assert.not.ok(report.ok);
  assert.match(report.firstBroken!.reason, /is not the one the checkpoint signed/);
  assert.ok(Number(report.firstBroken!.position) >= 3 && Number(report.firstBroken!.position) <= 5, `named ${report.firstBroken!.position}`);
});

// The edit always changes the first hex digit (a hash starting with 'f' once made it a no-op: 1 run in 16).
t('a forged checkpoint (signed by another key, or edited) is refused', async () => {
  const { file } = await writtenLog();
  edit(file, (db) => db.prepare("UPDATE chain_checkpoints SET hash = (CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' ELSE 'f' END) || substr(hash, 2) WHERE position = (SELECT MIN(position) FROM chain_checkpoints)").run());
  const report = (await verifyEventLog(file));
  assert.not.ok(report.ok);
  assert.match(report.firstBroken!.reason, /invalid signature/);
  const other = await writtenLog();
  assert.ok((await verifyEventLog(other.file)).ok);
  assert.match((await verifyEventLog(other.file, { expectedKeyId: '0123456789abcdef' })).firstBroken!.reason, /not by this node's key/);
});

t('a log written before the chain existed gets one when opened, and verifies from then on', async () => {
  const dataDir = join(dir, 'legacy');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  edit(file, (db) => {
    db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created INTEGER NOT NULL, UNIQUE (stream_id, revision))');
    db.prepare("INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created) VALUES ('s', 0, 'e0', 'Old', '{}', '{}', 1)").run();
  });
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir) });
  await store.appendToStream('s', [{ type: 'New', data: {} }]);
  await store.close();
  const report = (await verifyEventLog(file));
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, 2);
});

t('the memory adapter chains the same way', async () => {
  const store = new MemoryEventStore();
  await store.appendToStream('a', [{ type: 'X', data: { n: 1 } }, { type: 'Y', data: { n: 2 } }]);
  await store.appendToStreams([{ streamId: 'b', events: [{ type: 'Z', data: null }] }]);
  const verifier = new ChainVerifier();
  for (const e of await store.readAll()) {
    verifier.push({ position: e.position, streamId: e.streamId, revision: e.revision, eventId: e.id, type: e.type, created: e.created, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) }, e.hash);
  }
  assert.is(verifier.events, 3);
  assert.equal(verifier.breaks, []);
});

t.run();
