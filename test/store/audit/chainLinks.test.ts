// Links (store/sqlite/chainLinks.ts): the writer thread commits a batch's events without their
// hashes and links them right after its answer. Given/when/then: what a crash between the two
// leaves (a hashless tail that verify accepts, export exports with the hashes it will get, and the
// next start links to the very same hashes), what it must not accept (a hashless event followed by
// linked ones; a checkpoint over a hashless event), and another connection appending meanwhile.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { withSqliteFile } from '../../support/sqliteFile.js';
import { SqliteEventStore } from '../../../src/store/sqlite/sqliteEventStore.js';
import { appender, LINK_AFTER_REPLY_FROM } from '../../../src/store/sqlite/appendBatch.js';
import { openEventsDatabase } from '../../../src/store/sqlite/eventsDatabase.js';
import { nodeKeySigner } from '../../../src/store/audit/nodeKey.js';
import { verifyEventLog, verifyEventLogParallel, type VerifyReport } from '../../../src/store/audit/verifyLog.js';
import { exportEventLog } from '../../../src/store/audit/exportLog.js';
import { LINKED_HASH_HEX } from '../../../src/store/audit/storedHash.js';
import { main } from '../../../src/cli/main.js';
import { tempDirPerTest } from '../../support/tempDir.js';

const t = suite('audit: events linked after their commit');
const testDir = tempDirPerTest(t, 'chain-links-');
let made = 0;

const sql = withSqliteFile;

const hexes = (file: string): (string | null)[] => sql(file, (db) => (db.prepare(`SELECT ${LINKED_HASH_HEX} AS hash FROM events ORDER BY position`).all() as { hash: string | null }[]).map((r) => r.hash));

/** One thread and ranges in workers: the same verdict. */
async function verified(file: string): Promise<VerifyReport> {
  const one = verifyEventLog(file);
  const parallel = await verifyEventLogParallel(file, { threads: 3, minEventsPerThread: 1 });
  assert.equal({ ...parallel, ms: 0 }, { ...one, ms: 0 }, 'the parallel verify agrees');
  return one;
}

/**
 * Appends of these many events through the writer thread, one after the other (each a batch of
 * its own: big enough to be linked after the answer, LINK_AFTER_REPLY_FROM); checkpoints every 4.
 */
async function logOf(...appends: number[]): Promise<{ dataDir: string; file: string }> {
  assert.ok(appends.every((n) => n >= LINK_AFTER_REPLY_FROM), 'batches that are linked after the answer');
  const dataDir = join(testDir(), `d-${++made}`);
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), checkpointEvery: 4, node: { partyId: '9999' } });
  let i = 0;
  for (const n of appends) await store.appendToStream(`job-${i % 3}`, Array.from({ length: n }, () => ({ type: 'Step', data: { i: i++ } })));
  await store.close();
  return { dataDir, file };
}

/**
 * What a crash right after a commit leaves: the events after `after` without links, and no
 * checkpoint over them (the writer signs only linked heads).
 */
function unlinkTail(file: string, after: number): void {
  sql(file, (db) => {
    const runs = db.prepare('SELECT first, hashes FROM chain_links ORDER BY first').all() as { first: number; hashes: Buffer }[];
    db.exec('DELETE FROM chain_links');
    const insert = db.prepare('INSERT INTO chain_links (first, hashes) VALUES (?, ?)');
    for (const r of runs) {
      const keep = Math.min(r.hashes.length / 32, Math.max(0, after - r.first + 1));
      if (keep > 0) insert.run(r.first, r.hashes.subarray(0, keep * 32));
    }
    db.prepare('DELETE FROM chain_checkpoints WHERE position > ?').run(after);
  });
}

t('given appends through the writer, then every event is linked (no hash in its row) and the log verifies', async () => {
  const { file } = await logOf(40);
  const rows = sql(file, (db) => db.prepare('SELECT COUNT(*) AS n FROM events WHERE hash IS NOT NULL').get() as { n: number });
  assert.is(rows.n, 0, 'the rows themselves hold no hash');
  assert.ok(hexes(file).every((h) => h !== null && /^[0-9a-f]{64}$/.test(h)));
  const report = await verified(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.unlinked, 0);
  assert.is(report.headHash, hexes(file)[39]);
});

t('given small and big batches in turn, then the small are hashed into their rows, the big linked, and the chain runs through both', async () => {
  const dataDir = join(testDir(), 'mixed');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), node: { partyId: '9999' } });
  for (const n of [3, 40, 2, 40, 1]) await store.appendToStream('job-m', Array.from({ length: n }, (_, i) => ({ type: 'Step', data: { n, i } })));
  await store.close();
  const where = sql(file, (db) => (db.prepare('SELECT typeof(hash) AS t FROM events ORDER BY position').all() as { t: string }[]).map((r) => (r.t === 'blob' ? 'row' : 'link')));
  assert.equal(where, [...Array(3).fill('row'), ...Array(40).fill('link'), ...Array(2).fill('row'), ...Array(40).fill('link'), 'row']);
  const report = await verified(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, 86);
  assert.is(report.unlinked, 0);
});

t('given a crash between a commit and its links, then verify accepts the hashless tail, says so, and the next start links it to the same hashes', async () => {
  const { dataDir, file } = await logOf(40, 40);
  const linked = hexes(file);
  unlinkTail(file, 60);
  assert.equal(hexes(file).slice(60), Array(20).fill(null));
  const report = await verified(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.unlinked, 20);
  assert.is(report.headPosition, '80');
  assert.is(report.headHash, linked[79], 'the head it reports is the hash the tail will get');
  let out = '';
  assert.is(await main(['audit', 'verify', '--data-dir', dataDir], { stdout: (s) => void (out += s), stderr: (s) => void (out += s) }), 0, out);
  assert.match(out, /the newest 20 event\(s\) have no stored hash yet/);

  // Exported meanwhile: the tail with the hashes it will get.
  let text = '';
  await exportEventLog(file, {}, (line) => void (text += line), { partyId: '9999' });
  const exported = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; hash?: string }).filter((l) => l.kind === 'event').map((l) => l.hash);
  assert.equal(exported, linked);

  // The next start links the tail before anything else.
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), checkpointEvery: 4, node: { partyId: '9999' } });
  await store.appendToStream('job-9', [{ type: 'After', data: {} }]);
  await store.close();
  assert.equal(hexes(file).slice(0, 80), linked, 'linked to the very hashes it had');
  const after = await verified(file);
  assert.ok(after.ok, JSON.stringify(after.firstBroken));
  assert.is(after.unlinked, 0);
  assert.is(after.events, 81);
});

t('given hashless events followed by linked ones, then verify names the first hashless one', async () => {
  const { file } = await logOf(40);
  sql(file, (db) => {
    // Positions 4 and 5 lose their hashes; the checkpoint at 4 goes too, so only the missing hashes speak.
    const runs = db.prepare('SELECT first, hashes FROM chain_links ORDER BY first').all() as { first: number; hashes: Buffer }[];
    db.exec('DELETE FROM chain_links');
    const insert = db.prepare('INSERT INTO chain_links (first, hashes) VALUES (?, ?)');
    for (const r of runs) {
      for (let i = 0; i < r.hashes.length / 32; i++) {
        const position = r.first + i;
        if (position !== 4 && position !== 5) insert.run(position, r.hashes.subarray(32 * i, 32 * i + 32));
      }
    }
    db.prepare('DELETE FROM chain_checkpoints WHERE position = 4').run();
  });
  const report = await verified(file);
  assert.not.ok(report.ok);
  assert.is(report.firstBroken!.position, '4');
  assert.match(report.firstBroken!.reason, /has no hash, and events after it have one/);
  assert.is(report.breaks.length, 1, 'the events after them still chain: they were not changed');
});

t('given a checkpoint over an event whose hash was removed, then verify refuses it', async () => {
  const { file } = await logOf(40);
  const checkpointed = sql(file, (db) => (db.prepare('SELECT MAX(position) AS p FROM chain_checkpoints').get() as { p: number }).p);
  assert.is(checkpointed, 40, 'the head signed once the batch was linked');
  sql(file, (db) => {
    const runs = db.prepare('SELECT first, hashes FROM chain_links ORDER BY first').all() as { first: number; hashes: Buffer }[];
    db.exec('DELETE FROM chain_links');
    const insert = db.prepare('INSERT INTO chain_links (first, hashes) VALUES (?, ?)');
    for (const r of runs) {
      const keep = Math.min(r.hashes.length / 32, Math.max(0, checkpointed - 1 - r.first + 1));
      if (keep > 0) insert.run(r.first, r.hashes.subarray(0, keep * 32));
    }
  });
  const report = await verified(file);
  assert.not.ok(report.ok);
  assert.is(report.firstBroken!.position, String(checkpointed));
  assert.match(report.firstBroken!.reason, /has no hash, yet a checkpoint signed it/);
});

t('given a hashless tail, when another connection appends in its own thread, then it links the tail first and the chain goes on', async () => {
  const { dataDir, file } = await logOf(40);
  const linked = hexes(file);
  unlinkTail(file, 30);
  // The in-thread path on a connection of its own, no writer thread to link first: what another
  // connection (a tool, the node's own thread) appending to the file does.
  const db = openEventsDatabase(file);
  appender(db, { signer: nodeKeySigner(dataDir) }).single([{ streamId: 'tool', expected: 'any', events: [{ type: 'Note', data: '{"by":"in-thread"}', metadata: '{}' }] }]);
  db.close();
  assert.equal(sql(file, (d) => d.prepare('SELECT typeof(hash) AS t FROM events WHERE position = 41').get()), { t: 'blob' }, 'the in-thread path hashes into the row');
  assert.equal(hexes(file).slice(0, 40), linked);
  const report = await verified(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, 41);
  assert.is(report.unlinked, 0);
});

t.run();
