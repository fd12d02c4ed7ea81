// The chain hash as the sqlite log stores it: events the writer thread appends are linked after
// their commit, their 32 bytes end to end in `chain_links` (store/sqlite/chainLinks.ts); logs
// written before keep each hash in its row, as 32 bytes or as 64 hex characters (older still), and
// one file may hold all three (an old log that goes on taking appends). Verify, export, replay and
// reads accept every form and show hex; a changed byte of a stored hash is found and named like
// any other edit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { withSqliteFile } from '../../support/sqliteFile.js';
import { SqliteEventStore } from '../../../src/store/sqlite/sqliteEventStore.js';
import { LINK_AFTER_REPLY_FROM } from '../../../src/store/sqlite/appendBatch.js';
import { nodeKeySigner } from '../../../src/store/audit/nodeKey.js';
import { verifyEventLog, verifyEventLogParallel, type VerifyReport } from '../../../src/store/audit/verifyLog.js';
import { exportEventLog } from '../../../src/store/audit/exportLog.js';
import { replayExport } from '../../../src/store/audit/replayLog.js';
import { LINKED_HASH_HEX } from '../../../src/store/audit/storedHash.js';
import { main } from '../../../src/cli/main.js';
import { tempDir } from '../../support/http.js';

const dir = tempDir('stored-hash');
let dirs = 0;
const HEX64 = /^[0-9a-f]{64}$/;

const sql = withSqliteFile;

/** Where each event's hash is, in log order: in its row (storage class, length), or linked (`link`). */
const forms = (file: string): string[] =>
  sql(file, (db) => (db.prepare(`SELECT typeof(hash) AS t, length(hash) AS n, ${LINKED_HASH_HEX} AS linked FROM events ORDER BY position`).all() as { t: string; n: number; linked: string | null }[])
    .map((r) => (r.t !== 'null' ? `${r.t}:${r.n}` : r.linked !== null && /^[0-9a-f]{64}$/.test(r.linked) ? 'link' : 'none')));

/** Every event's hash as hex, wherever it is stored. */
const hexes = (file: string): (string | null)[] => sql(file, (db) => (db.prepare(`SELECT ${LINKED_HASH_HEX} AS hash FROM events ORDER BY position`).all() as { hash: string | null }[]).map((r) => r.hash));

/** Moves every hash into its row as 64 hex characters and drops the links: the oldest form. */
const toHexRows = (db: Database.Database): void => {
  db.exec(`UPDATE events SET hash = ${LINKED_HASH_HEX}`);
  db.exec('DELETE FROM chain_links');
};

/** A data dir whose log got `n` events through the writer thread (checkpoints every 4). */
async function appended(dataDir: string, n: number, from = 0): Promise<void> {
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'), { signer: nodeKeySigner(dataDir), checkpointEvery: 4, node: { partyId: '9999' } });
  for (let i = from; i < from + n; i++) await store.appendToStream(`job-${i % 3}`, [{ type: 'Step', data: { i, text: `step ${i} ü` } }]);
  await store.close();
}

function freshDir(): { dataDir: string; file: string } {
  const dataDir = join(dir, `d-${++dirs}`);
  mkdirSync(dataDir, { recursive: true });
  return { dataDir, file: join(dataDir, 'events.sqlite') };
}

/** One thread and three ranges in workers: the same verdict. */
async function verified(file: string): Promise<VerifyReport> {
  const one = verifyEventLog(file);
  const parallel = await verifyEventLogParallel(file, { threads: 3, minEventsPerThread: 1 });
  assert.equal({ ...parallel, ms: 0 }, { ...one, ms: 0 }, 'the parallel verify agrees');
  return one;
}

/**
 * A log in the old form (every hash as hex text, as fedflow wrote before the compact form), which
 * then takes 6 more appends with today's code: 8 text hashes, then 6 BLOBs, in one file.
 */
async function mixedLog(): Promise<{ dataDir: string; file: string }> {
  const d = freshDir();
  await appended(d.dataDir, 8);
  sql(d.file, toHexRows);
  assert.equal(forms(d.file), Array(8).fill('text:64'), 'the old form, as written before');
  assert.ok((await verified(d.file)).ok, 'an old-form log verifies');
  await appended(d.dataDir, 6, 8);
  return d;
}

const t = suite('audit: the stored form of the chain hash');
t.after(() => rmSync(dir, { recursive: true, force: true }));

t('a big batch is linked (32 bytes per event in chain_links), a small one hashed into its rows (32 bytes each); reads, verify and checkpoints show hex', async () => {
  const { dataDir, file } = freshDir();
  const writer = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), checkpointEvery: 4, node: { partyId: '9999' } });
  await writer.appendToStream('job-big', Array.from({ length: LINK_AFTER_REPLY_FROM }, (_, i) => ({ type: 'Step', data: { i } })));
  await writer.close();
  await appended(dataDir, 10);
  assert.equal(forms(file), [...Array(LINK_AFTER_REPLY_FROM).fill('link'), ...Array(10).fill('blob:32')]);
  const links = sql(file, (db) => db.prepare('SELECT first, length(hashes) AS bytes FROM chain_links ORDER BY first').all() as { first: number; bytes: number }[]);
  assert.is(links.reduce((n, l) => n + l.bytes, 0), 32 * LINK_AFTER_REPLY_FROM, '32 bytes per event');
  const stored = hexes(file) as string[];
  const store = SqliteEventStore.open(file, { readOnly: true });
  const events = await store.readAll();
  await store.close();
  assert.equal(events.map((e) => e.hash), stored, 'a read event carries the hex of its stored bytes');
  const report = await verified(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.headHash, stored.at(-1));
  const checkpoints = sql(file, (db) => db.prepare('SELECT position, hash FROM chain_checkpoints ORDER BY position').all() as { position: number; hash: string }[]);
  assert.ok(checkpoints.length >= 2);
  for (const cp of checkpoints) assert.is(cp.hash, stored[cp.position - 1], 'a checkpoint signs the hex of the stored head');
});

t('an old-form log (hex text) that took new appends verifies across both forms, on one thread and in ranges', async () => {
  const { dataDir, file } = await mixedLog();
  assert.equal(forms(file), [...Array(8).fill('text:64'), ...Array(6).fill('blob:32')]);
  const report = await verified(file);
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, 14);
  assert.match(report.headHash!, HEX64);
  let out = '';
  assert.is(await main(['audit', 'verify', '--data-dir', dataDir], { stdout: (s) => void (out += s), stderr: (s) => void (out += s) }), 0, out);
  assert.match(out, new RegExp(`^ok: 14 events, chain head ${report.headHash} at position 14`));
});

t('a mixed log exports hex hashes and replays to a log that verifies, with the same hashes', async () => {
  const { file } = await mixedLog();
  let text = '';
  await exportEventLog(file, {}, (line) => void (text += line), { partyId: '9999' });
  const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; hash?: string; previous_hash?: string; head_hash?: string });
  const events = lines.filter((l) => l.kind === 'event');
  assert.is(events.length, 14);
  assert.ok(events.every((e) => HEX64.test(e.hash!) && HEX64.test(e.previous_hash!)), 'every hash in the export is hex');
  assert.is(events[8]!.previous_hash, events[7]!.hash, 'the first new event chains to the last old one');
  assert.match(lines.at(-1)!.head_hash!, HEX64);
  const exportFile = join(dir, 'mixed.jsonl');
  writeFileSync(exportFile, text);
  const target = freshDir();
  await replayExport(exportFile, target.dataDir);
  assert.ok((await verified(target.file)).ok);
  assert.equal(hexes(target.file), hexes(file));
  assert.equal(forms(target.file), Array(14).fill('blob:32'), 'a replayed log is written in the compact form');
});

t('one byte of a stored 32-byte hash flipped: that event is named, in a row or in a link, in a new log and in a mixed one', async () => {
  // Small batches: each hash's 32 bytes in its row.
  const inRows = freshDir();
  await appended(inRows.dataDir, 10);
  assert.equal(forms(inRows.file), Array(10).fill('blob:32'));
  assert.ok((await verified(inRows.file)).ok);
  const flipInRow = (db: Database.Database, position: number): void => {
    const hash = (db.prepare('SELECT hash FROM events WHERE position = ?').get(position) as { hash: Buffer }).hash;
    hash[17] ^= 0x01;
    db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(hash, position);
  };
  const flipInLink = (db: Database.Database, position: number): void => {
    const run = db.prepare('SELECT first, hashes FROM chain_links WHERE first <= ? ORDER BY first DESC LIMIT 1').get(position) as { first: number; hashes: Buffer };
    run.hashes[(position - run.first) * 32 + 17] ^= 0x01;
    db.prepare('UPDATE chain_links SET hashes = ? WHERE first = ?').run(run.hashes, run.first);
  };
  // A big batch: linked.
  const newLog = freshDir();
  const store = SqliteEventStore.open(newLog.file, { signer: nodeKeySigner(newLog.dataDir), node: { partyId: '9999' } });
  await store.appendToStream('job-big', Array.from({ length: LINK_AFTER_REPLY_FROM }, (_, i) => ({ type: 'Step', data: { i } })));
  await store.close();
  assert.equal(forms(newLog.file), Array(LINK_AFTER_REPLY_FROM).fill('link'));
  for (const [{ file }, flip] of [[inRows, flipInRow], [newLog, flipInLink], [await mixedLog(), flipInRow]] as const) {
    const position = 10;
    sql(file, (db) => flip(db, position));
    const report = await verified(file);
    assert.not.ok(report.ok);
    assert.is(report.firstBroken!.position, String(position));
    assert.match(report.firstBroken!.reason, /hash mismatch/);
  }
});

t('a stored hash in neither form (a shortened BLOB, a number) is a break at that event, even over its link', async () => {
  const d = freshDir();
  await appended(d.dataDir, 6);
  sql(d.file, (db) => {
    db.prepare(`UPDATE events SET hash = substr(unhex(${LINKED_HASH_HEX}), 1, 31) WHERE position = 3`).run();
    db.prepare('UPDATE events SET hash = 42 WHERE position = 5').run();
  });
  const report = await verified(d.file);
  assert.is(report.firstBroken!.position, '3');
  assert.ok(report.breaks.some((b) => b.position === '5'));
});

t.run();
