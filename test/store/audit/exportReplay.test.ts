// Export and replay: given a log written through the sqlite adapter (hash chain, checkpoints every 5
// events), when it is exported (whole, or a selection) and replayed into a fresh data dir, then the
// replayed log holds the same rows, hashes and checkpoints and `audit verify` passes on it; and
// when the export was tampered with in any of the ways an insider could, then replay refuses it,
// names the event, and writes nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../../../src/store/sqlite/sqliteEventStore.js';
import { eventHash } from '../../../src/store/audit/chain.js';
import { nodeKeySigner } from '../../../src/store/audit/nodeKey.js';
import { BrokenLogError, exportEventLog, type ExportSelection } from '../../../src/store/audit/exportLog.js';
import { replayExport } from '../../../src/store/audit/replayLog.js';
import { ReplayRefusedError } from '../../../src/store/audit/replayCheck.js';
import { verifyEventLog } from '../../../src/store/audit/verifyLog.js';
import { LINKED_HASH_AS_HEX } from '../../../src/store/audit/storedHash.js';
import { main } from '../../../src/cli/main.js';
import { tempDir } from '../../support/http.js';

const dir = tempDir('export-replay');
const origin = join(dir, 'origin');
const originLog = join(origin, 'events.sqlite');
let replays = 0;

const t = suite('audit: events export and replay');

t.before(async () => {
  mkdirSync(origin, { recursive: true });
  const store = SqliteEventStore.open(originLog, { signer: nodeKeySigner(origin), checkpointEvery: 5, node: { partyId: '9999' } });
  for (let i = 0; i < 8; i++) await store.appendToStream(`job-j${i % 2}`, [{ type: 'Step', data: { jobId: `j${i % 2}`, i, text: `step ${i} – ünïcödé "quoted"` } }]);
  await store.appendToStream('table-ns/t', [{ type: 'TableCreated', data: { namespace: 'ns', name: 't', partition: 1, jobId: 'j1', at: 1 } }]);
  await store.appendToStream('other', [{ type: 'Noise', data: { n: 1.5e-7, big: 12345678901234567890, nothing: null } }]);
  await store.appendToStream('job-j0', [{ type: 'Uses', data: { jobId: 'j0', input: { namespace: 'ns', name: 't' } } }]);
  await store.close();
});
t.after(() => rmSync(dir, { recursive: true, force: true }));

async function exported(selection: ExportSelection = {}): Promise<string> {
  let text = '';
  await exportEventLog(originLog, selection, (line) => void (text += line), { partyId: '9999' });
  return text;
}

/** Replays `text` into a fresh dir; the dir and the outcome. */
async function replayed(text: string): Promise<{ dataDir: string; error?: ReplayRefusedError }> {
  const dataDir = join(dir, `replay-${++replays}`);
  const file = join(dir, `export-${replays}.jsonl`);
  writeFileSync(file, text);
  try {
    await replayExport(file, dataDir);
    return { dataDir };
  } catch (error) {
    if (!(error instanceof ReplayRefusedError)) throw error;
    return { dataDir, error };
  }
}

function rows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const lines = (text: string) => text.trimEnd().split('\n');
const join_ = (ls: string[]) => `${ls.join('\n')}\n`;
/** Index of the event line at `position`. */
const at = (ls: string[], position: number) => ls.findIndex((l) => l.includes(`"kind":"event","position":"${position}"`));

t('given a whole log, when exported and replayed, then the replayed log is the same rows, hashes and checkpoints, and verifies', async () => {
  const text = await exported();
  const ls = lines(text);
  assert.equal(JSON.parse(ls[0]!).kind, 'header');
  assert.equal(JSON.parse(ls.at(-1)!), { kind: 'end', events: 11, checkpoints: 3, head_position: '11', head_hash: (rows(originLog, `SELECT ${LINKED_HASH_AS_HEX} FROM events WHERE position = 11`)[0] as { hash: string }).hash });
  const { dataDir, error } = await replayed(text);
  assert.is(error, undefined);
  // The origin's writer thread linked its events (chain_links); replay stores each hash in its row.
  const all = `SELECT position, stream_id, revision, event_id, type, data, metadata, created, ${LINKED_HASH_AS_HEX} FROM events ORDER BY position`;
  assert.equal(rows(join(dataDir, 'events.sqlite'), all), rows(originLog, all), 'byte for byte, the same hashes');
  const cps = 'SELECT * FROM chain_checkpoints ORDER BY position';
  assert.equal(rows(join(dataDir, 'events.sqlite'), cps), rows(originLog, cps));
  const report = verifyEventLog(join(dataDir, 'events.sqlite'));
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.excerptGaps, 0);
  assert.not.ok(existsSync(join(dataDir, 'node-key.pem')), 'replay signs nothing');
});

t('given a job, when exported with -j, then its streams and the table it used come out, and the replayed excerpt verifies with its holes declared', async () => {
  const text = await exported({ jobId: 'j0' });
  const events = lines(text).map((l) => JSON.parse(l)).filter((l) => l.kind === 'event');
  assert.equal(events.map((e) => e.stream), ['job-j0', 'job-j0', 'job-j0', 'job-j0', 'table-ns/t', 'job-j0']);
  const tables = lines(text).map((l) => JSON.parse(l)).filter((l) => l.kind === 'table');
  assert.equal(tables, [{ kind: 'table', namespace: 'ns', name: 't', location: null, sha256: null, bytes: null }]);
  const { dataDir, error } = await replayed(text);
  assert.is(error, undefined);
  const report = verifyEventLog(join(dataDir, 'events.sqlite'));
  assert.ok(report.ok, JSON.stringify(report.firstBroken));
  assert.is(report.events, 6);
  assert.ok(report.excerptGaps >= 4, `${report.excerptGaps} holes`);
  // The excerpt keeps the origin's positions: as_of means what it meant there.
  assert.equal(rows(join(dataDir, 'events.sqlite'), 'SELECT position FROM events ORDER BY position').map((r: any) => r.position), events.map((e) => Number(e.position)));
});

t('when one byte of one event is changed in the export, then replay names that event and writes nothing', async () => {
  const ls = lines(await exported());
  const i = at(ls, 4);
  ls[i] = ls[i]!.replace('step 3', 'step 9');
  const { dataDir, error } = await replayed(join_(ls));
  assert.match(error!.message, /^event at position 4 \(stream job-j1, revision 1, Step\) was changed: its hash does not match its content/);
  assert.is(error!.position, '4');
  assert.not.ok(existsSync(join(dataDir, 'events.sqlite')));
});

t('when who did it (metadata) is changed, then replay names the event', async () => {
  const ls = lines(await exported());
  const i = at(ls, 6);
  ls[i] = ls[i]!.replace('"partyId":"9999"', '"partyId":"6666"');
  assert.match((await replayed(join_(ls))).error!.message, /^event at position 6 .* was changed/);
});

t('when an event line is deleted (and the end count fixed), then the hole in a whole-log export is named', async () => {
  const ls = lines(await exported());
  ls.splice(at(ls, 7), 1);
  ls[ls.length - 1] = ls.at(-1)!.replace('"events":11', '"events":10');
  const { error } = await replayed(join_(ls));
  assert.match(error!.message, /^event at position 8 \(stream job-j1, revision 3, Step\): 1 event\(s\) missing before it \(positions 7\.\.7\)/);
});

t('when two event lines are swapped, then replay names where the order breaks', async () => {
  const ls = lines(await exported());
  const [a, b] = [at(ls, 2), at(ls, 3)];
  [ls[a], ls[b]] = [ls[b]!, ls[a]!];
  assert.match((await replayed(join_(ls))).error!.message, /^event at position 3 .*: 1 event\(s\) missing before it \(positions 2\.\.2\)/);
  // In a selection holes are allowed, so the swap shows as order.
  const part = lines(await exported({ stream: 'job-j0' }));
  const [c, d] = [at(part, 3), at(part, 5)];
  [part[c], part[d]] = [part[d]!, part[c]!];
  assert.match((await replayed(join_(part))).error!.message, /^event at position 3 .* is out of order: it follows position 5/);
});

t('when the export is cut short, or lines are appended after its end, then replay refuses', async () => {
  const ls = lines(await exported());
  assert.match((await replayed(join_(ls.slice(0, at(ls, 9))))).error!.message, /^the export is cut short: no end line after line \d+ \(the last event read is the event at position 8/);
  assert.match((await replayed(join_([...ls, ls[at(ls, 3)]!]))).error!.message, /event line after the end line/);
  assert.match((await replayed('')).error!.message, /the export is empty/);
  assert.match((await replayed('not json\n')).error!.message, /line 1: not a JSON object/);
});

t('when an event is edited and every hash after it recomputed, then the signed checkpoint after it refuses the export', async () => {
  const ls = lines(await exported());
  let previous = '';
  for (let i = 0; i < ls.length; i++) {
    const line = JSON.parse(ls[i]!);
    if (line.kind !== 'event') continue;
    if (line.position === '2') line.data.text = 'rewritten history';
    if (Number(line.position) >= 2) {
      line.previous_hash = previous;
      line.hash = eventHash(previous, { position: BigInt(line.position), streamId: line.stream, revision: BigInt(line.revision), eventId: line.id, type: line.type, created: line.created, data: JSON.stringify(line.data), metadata: JSON.stringify(line.metadata) });
      ls[i] = JSON.stringify(line);
    }
    previous = line.hash;
  }
  const end = JSON.parse(ls.at(-1)!);
  ls[ls.length - 1] = JSON.stringify({ ...end, head_hash: previous });
  assert.match((await replayed(join_(ls))).error!.message, /^the event at position 5 .* is not the one the checkpoint signed at .* \(the log was changed, then re-hashed\)/);
});

t('given events after the last checkpoint, when exported with the node key, then the tail is signed and a re-hashed edit there is refused; without the key it is not pinned', async () => {
  const copy = join(dir, 'tail');
  mkdirSync(copy, { recursive: true });
  writeFileSync(join(copy, 'events.sqlite'), readFileSync(originLog));
  // No signer: the chain goes on, no checkpoint is written.
  const store = SqliteEventStore.open(join(copy, 'events.sqlite'));
  await store.appendToStream('late', [{ type: 'Late', data: { n: 1 } }, { type: 'Late', data: { n: 2 } }]);
  await store.close();
  const exportOf = async (signed: boolean) => {
    let text = '';
    await exportEventLog(join(copy, 'events.sqlite'), {}, (l) => void (text += l), signed ? { signer: nodeKeySigner(origin) } : {});
    return lines(text);
  };
  const rehashTail = (ls: string[]) => {
    let previous = '';
    for (let i = 0; i < ls.length; i++) {
      const line = JSON.parse(ls[i]!);
      if (line.kind === 'end') ls[i] = JSON.stringify({ ...line, head_hash: previous });
      if (line.kind !== 'event') continue;
      if (line.position === '12') line.data.n = 100;
      if (Number(line.position) >= 12) {
        line.previous_hash = previous;
        line.hash = eventHash(previous, { position: BigInt(line.position), streamId: line.stream, revision: BigInt(line.revision), eventId: line.id, type: line.type, created: line.created, data: JSON.stringify(line.data), metadata: JSON.stringify(line.metadata) });
        ls[i] = JSON.stringify(line);
      }
      previous = line.hash;
    }
    return join_(ls);
  };
  const signed = await exportOf(true);
  assert.equal(JSON.parse(signed.at(-1)!).checkpoints, 4, 'the three of the log and one for its head');
  assert.is((await replayed(join_(signed))).error, undefined);
  assert.match((await replayed(rehashTail(signed))).error!.message, /^the event at position 13 .* is not the one the checkpoint signed/);
  const unsigned = await exportOf(false);
  assert.is((await replayed(rehashTail(unsigned))).error, undefined, 'the limit the README states: an unsigned tail is only as good as its chain');
});

t('when a checkpoint is forged, then replay refuses it', async () => {
  const ls = lines(await exported());
  const i = ls.findIndex((l) => l.includes('"kind":"checkpoint"'));
  const cp = JSON.parse(ls[i]!);
  ls[i] = JSON.stringify({ ...cp, created: cp.created + 1 });
  assert.match((await replayed(join_(ls))).error!.message, /^the checkpoint at position 5 has an invalid signature/);
});

t('given an export on a stream (fedflow replay - reads stdin), when replayed, then it is the same log', async () => {
  const text = await exported();
  const dataDir = join(dir, 'from-stream');
  const summary = await replayExport(Readable.from([text.slice(0, 1000), text.slice(1000)]), dataDir);
  assert.is(summary.events, 11);
  assert.ok(verifyEventLog(join(dataDir, 'events.sqlite')).ok);
});

t('when the data dir is not fresh, then replay refuses before reading', async () => {
  const text = await exported();
  const { dataDir } = await replayed(text);
  const file = join(dir, 'again.jsonl');
  writeFileSync(file, text);
  const e = await rejection(replayExport(file, dataDir));
  assert.ok(e instanceof ReplayRefusedError);
  assert.match(e.message, /already holds an event log/);
});

t('given a broken log, when exported, then the export stops at the broken event without an end line', async () => {
  const copy = join(dir, 'broken');
  mkdirSync(copy, { recursive: true });
  writeFileSync(join(copy, 'events.sqlite'), readFileSync(originLog));
  const db = new Database(join(copy, 'events.sqlite'));
  db.prepare("UPDATE events SET data = replace(data, 'step 4', 'step 5') WHERE position = 5").run();
  db.close();
  let text = '';
  const e = await rejection(exportEventLog(join(copy, 'events.sqlite'), {}, (l) => void (text += l)));
  assert.ok(e instanceof BrokenLogError);
  assert.match(e.message, /broken at position 5 \(stream job-j0, revision 2, Step\)/);
  assert.not.ok(text.includes('"kind":"end"'));
  let err = '';
  const code = await main(['events', 'export', '--data-dir', copy], { stdout: () => {}, stderr: (s) => void (err += s) });
  assert.is(code, 1);
  assert.match(err, /the log is broken at position 5 .* \(the export is incomplete: it has no end line\)/);
});

t('fedflow events export and fedflow replay: the command line, exit statuses and messages', async () => {
  let out = '';
  let err = '';
  const ctx = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };
  const file = join(dir, 'cli.jsonl');
  assert.is(await main(['events', 'export', '--data-dir', origin, '-o', file, '--type', 'Step,Uses'], ctx), 0, err);
  assert.match(err, /^exported 9 of 11 events, 2 signed checkpoint\(s\), 0 table digest\(s\) to /);
  const target = join(dir, 'cli-replay');
  assert.is(await main(['replay', file, '--data-dir', target], { ...ctx, loadNodeApi: async () => ({ startNode: null as never, rebuildViews: async () => ({ events: 9, ms: 1 }) }) }), 0, err);
  assert.match(out, /^replayed 9 events, 2 signed checkpoint\(s\), 1 hole\(s\) of a filtered export into .*\nviews rebuilt from 9 events in 1 ms; chain verified\n$/);
  out = '';
  err = '';
  assert.is(await main(['audit', 'verify', '--data-dir', target], ctx), 0, out);
  assert.match(out, /an excerpt of its origin's log .*: 1 hole\(s\) left out on purpose/);
  const tampered = join(dir, 'cli-bad.jsonl');
  writeFileSync(tampered, readFileSync(file, 'utf8').replace('step 1 ', 'step 2 '));
  assert.is(await main(['replay', tampered, '--data-dir', join(dir, 'cli-bad')], ctx), 1);
  assert.match(err, /^fedflow replay: refused: event at position 2 \(stream job-j1, revision 0, Step\) was changed/);
  assert.is(await main(['replay', file], ctx), 2, 'no --data-dir');
  assert.is(await main(['replay', '--check', file, '--data-dir', target], ctx), 2, '--check takes no export');
  assert.is(await main(['events', 'export', '--from-position', 'x'], ctx), 2);
});

t.run();
