// Uploads in format 3 (store/tables/lineFile.ts): the lines in a flat file, the key order in a file
// of line numbers (format 2, keys in SQLite, still reads). What a user sees is what format 1 gave: the same rows in key order, the last duplicate winning,
// '\r', tabs and empty lines handled as before; a crash or cancel leaves nothing behind; older
// files and drop 0 across both formats still read.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runUploadTask, type UploadTaskInput } from '../../src/components/upload/runUploadTask.js';
import type { LineChunk } from '../../src/tableData/rawLines.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { joinedIds, PACK_MIN, type PackedStrings } from '../../src/tableData/packedIds.js';
import type { Federation } from '../../src/components/contract.js';
import { sendJoinedIds } from '../../src/components/federatedIds.js';
import { writeTable } from '../../src/store/tables/writeTable.js';

const t = suite('upload format 3: lines file + key order file');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-linefile-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function upload(content: string | Buffer, head: 0 | 1 = 1, extra: Partial<UploadTaskInput> = {}): Promise<string> {
  const location = store.newLocation();
  await runUploadTask({ tablesDir: store.dir, location, file: file(`${location}.csv`, content), head, ...extra });
  return location;
}

/** Everything a reader can get from the location, as plain values. */
function views(location: string) {
  const raw = store.readKeysAndLines(location);
  const streamed: [number, string][] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  raw.chunks?.forEach((c: LineChunk) => {
    for (let i = 0; i < c.count; i++) streamed.push([c.row[i]!, utf8.decode(c.bytes.subarray(c.start[i]!, c.end[i]!))]);
  });
  streamed.sort((a, b) => a[0] - b[0]);
  const whole = raw.bytes!;
  return {
    read: [...store.read(location)],
    keysLines: raw.keys.map((k, r) => [k, raw.lines[r]!]),
    streamed: streamed.map(([r, line]) => [raw.keys[r]!, line]),
    whole: raw.keys.map((k, r) => [k, utf8.decode(whole.bytes.subarray(whole.start[r]!, whole.end[r]!))]),
    chunks: raw.chunks !== undefined,
  };
}

function assertRows(location: string, rows: [string, string][]): void {
  const v = views(location);
  assert.ok(v.chunks, 'formats 2 and 3 stream their lines');
  assert.equal(v.read, rows, 'read()');
  assert.equal(v.keysLines, rows, 'readKeysAndLines: keys and lines');
  assert.equal(v.streamed, rows, 'readKeysAndLines: streamed chunks');
  assert.equal(v.whole, rows, 'readKeysAndLines: whole bytes');
  assert.is(store.count(location), rows.length);
  const limit = Math.min(2, rows.length);
  assert.equal([...store.read(location, { limit })], rows.slice(0, limit), 'read(limit)');
}

function userVersion(location: string): number {
  const db = new Database(store.pathOf(location), { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** The order file's line numbers. */
function orderOf(location: string): number[] {
  const bytes = readFileSync(store.orderPathOf(location));
  return Array.from(new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
}

t('a new upload is format 3: user_version 3, the lines as split in the lines file, the key order as line numbers, no keys in SQLite', async () => {
  const location = await upload('id,y,x\n3,0,0.5\n1,1,0.25\n2,0,x\n');
  assert.is(userVersion(location), 3);
  assert.ok(store.isLineFile(location));
  assert.is(readFileSync(store.linesPathOf(location), 'utf8'), '3,0,0.5\n1,1,0.25\n2,0,x\n');
  assert.equal(orderOf(location), [2, 3, 1]);
  const db = new Database(store.pathOf(location), { readonly: true });
  try {
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), ['lines_meta']);
    assert.equal(db.prepare('SELECT bytes, lines, keys FROM lines_meta').raw().get(), [Buffer.byteLength('3,0,0.5\n1,1,0.25\n2,0,x\n'), 3, 3]);
  } finally {
    db.close();
  }
  assertRows(location, [['1', '1,0.25'], ['2', '0,x'], ['3', '0,0.5']]);
  assert.equal(store.filesOf(location), [store.pathOf(location), store.linesPathOf(location), store.orderPathOf(location)]);
});

t('CRLF, tabs, empty lines, a line of a key alone, a key with an empty value, no final newline', async () => {
  for (const highWaterMark of [3, 7, 64 * 1024]) {
    const location = await upload('id\tv\r\n\r\nb\t1\t2\r\n\n\r\nonly\r\na,\r\nc\tx\r\r\nd\t9', 1, { highWaterMark });
    assert.is(readFileSync(store.linesPathOf(location), 'utf8'), 'b,1,2\nonly\na,\nc,x\r\nd,9\n', `highWaterMark ${highWaterMark}`);
    assertRows(location, [['a', ''], ['b', '1,2'], ['c', 'x\r'], ['d', '9'], ['only', '']]);
  }
});

t('duplicate keys: the last line wins, across chunks; the losing lines stay in the file and are skipped', async () => {
  let text = 'id,v\n';
  for (let i = 0; i < 3000; i++) text += `${i % 1000},v${i}\n`;
  const location = await upload(text, 1, { highWaterMark: 4096 });
  const expected: [string, string][] = Array.from({ length: 1000 }, (_, k) => [String(k), `v${k + 2000}`]);
  expected.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assertRows(location, expected);
  assert.is(readFileSync(store.linesPathOf(location), 'utf8').split('\n').length, 3001);
  // The same with the key order sorted in runs of 7 keys, spilled and merged (duplicates across runs).
  const spilled = await upload(text, 1, { highWaterMark: 4096, keyRunKeys: 7 });
  assertRows(spilled, expected);
  assert.equal(orderOf(spilled), orderOf(location));
});

t('non-ASCII keys, and keys whose JS order is not SQLite\'s (a surrogate pair against U+E000): SQLite\'s order', async () => {
  const location = await upload('id,v\n\uE000a,1\n😀,2\né,3\nz,4\n日本,5\n,6\n');
  const db = new Database(':memory:');
  let sqliteOrder: string[];
  try {
    db.exec('CREATE TABLE keys(k TEXT)');
    for (const k of ['\uE000a', '😀', 'é', 'z', '日本', '']) db.prepare('INSERT INTO keys VALUES (?)').run(k);
    sqliteOrder = db.prepare('SELECT k FROM keys ORDER BY k').pluck().all() as string[];
  } finally {
    db.close();
  }
  assert.equal(sqliteOrder, ['', 'z', 'é', '日本', '\uE000a', '😀']);
  const byKey = new Map([['\uE000a', '1'], ['😀', '2'], ['é', '3'], ['z', '4'], ['日本', '5'], ['', '6']]);
  assertRows(location, sqliteOrder.map((k) => [k, byKey.get(k)!]));
});

t('the keys are made in key order from one string, which is their packed form: a send of all or part of them packs exactly those ids', async () => {
  for (const mark of ['', 'é']) {
    // Shuffled keys (made in key order from file order), more than PACK_MIN so that they go packed.
    const n = PACK_MIN + 1234;
    const ids = Array.from({ length: n }, (_, i) => `${mark}k${(i * 7919) % n}`);
    const location = await upload(`id,a\n${ids.map((k, i) => `${k},${i}`).join('\n')}\n`);
    const keys = store.readKeysAndLines(location).keys;
    const sorted = [...ids].sort();
    assert.equal([...keys], sorted);
    let sent: PackedStrings | undefined;
    const federation = {
      remote: async () => assert.unreachable('a list this long goes packed'),
      remotePacked: async (_name: string, _tag: string, packed: PackedStrings) => {
        sent = packed;
      },
    } as unknown as Federation;
    await sendJoinedIds(federation, 'ids', 't', joinedIds(keys), 0, keys.length, []);
    assert.equal(sent, { fedflowPackedStrings: sorted.join('\n'), count: n }, `all keys${mark ? ', non-ASCII' : ''}`);
    await sendJoinedIds(federation, 'ids', 't', joinedIds(keys), 17, 17 + PACK_MIN, []);
    assert.equal(sent, { fedflowPackedStrings: sorted.slice(17, 17 + PACK_MIN).join('\n'), count: PACK_MIN }, 'a part of them');
  }
});

t('a line longer than the stream buffer (4 MiB) is read whole', async () => {
  const long = 'x'.repeat(5 << 20);
  const location = await upload(`id,v\nb,${long}\na,1\n`);
  assertRows(location, [['a', '1'], ['b', long]]);
});

t('a canceled upload leaves neither file; leftovers of a crash are orphans that go at start-up', async () => {
  let text = 'id,v\n';
  for (let i = 0; i < 200_000; i++) text += `${i},0.5\n`;
  const controller = new AbortController();
  const location = store.newLocation();
  let reports = 0;
  const done = runUploadTask(
    { tablesDir: store.dir, location, file: file('big.csv', text), head: 1, highWaterMark: 16 * 1024 },
    { signal: controller.signal, onProgress: () => ++reports === 3 && controller.abort() },
  );
  await done.then(() => assert.unreachable('canceled'), (e: Error) => assert.is(e.message, 'upload canceled'));
  assert.not.ok(existsSync(store.pathOf(location)));
  assert.not.ok(existsSync(store.linesPathOf(location)));
  assert.not.ok(existsSync(store.orderPathOf(location)));
  // A crash mid-upload: the files left, unrecorded (here a whole upload, and a key order file
  // without its metadata, as a crash while sorting leaves it).
  const crashed = await upload('id,v\n1,a\n');
  const kept = await upload('id,v\n2,b\n');
  assert.equal(store.listLocations(), [crashed, kept].sort());
  const halfway = await upload('id,v\n3,c\n');
  const half = new Database(store.pathOf(halfway));
  half.exec('DELETE FROM lines_meta');
  half.close();
  assert.throws(() => store.readKeysAndLines(halfway), /unfinished upload/);
  assert.equal(store.listLocations(), [crashed, halfway, kept].sort());
  assert.equal(store.removeOrphans(new Set([kept])), [crashed, halfway].sort());
  for (const gone of [crashed, halfway]) {
    assert.not.ok(existsSync(store.pathOf(gone)));
    assert.not.ok(existsSync(store.linesPathOf(gone)));
    assert.not.ok(existsSync(store.orderPathOf(gone)));
  }
  assert.equal(store.listLocations(), [kept]);
  assert.equal(readdirSync(store.dir).sort(), [store.pathOf(kept), store.linesPathOf(kept), store.orderPathOf(kept)].map((f) => f.slice(store.dir.length + 1)).sort(), 'no scratch file left');
  store.drop(kept);
  assert.not.ok(existsSync(store.linesPathOf(kept)));
  assert.not.ok(existsSync(store.orderPathOf(kept)));
});

t('a lines file shorter than recorded: a clear error, not wrong rows', async () => {
  const location = await upload('id,v\n1,a\n2,b\n');
  truncateSync(store.linesPathOf(location), 5);
  assert.throws(() => store.readKeysAndLines(location), /lines file .* holds 5 bytes, 8 expected/);
  assert.throws(() => [...store.read(location)], /holds 5 bytes, 8 expected/);
});

t('a key order file that does not match its lines: a clear error, not wrong rows', async () => {
  const location = await upload('id,v\n1,a\n2,b\n');
  const order = store.orderPathOf(location);
  writeFileSync(order, Buffer.from(new Int32Array([1, 3]).buffer));
  assert.throws(() => store.readKeysAndLines(location), /does not match its 2 lines/);
  writeFileSync(order, Buffer.from(new Int32Array([1, 1]).buffer));
  assert.throws(() => store.readKeysAndLines(location), /does not match/);
  writeFileSync(order, Buffer.from(new Int32Array([1]).buffer));
  assert.throws(() => store.readKeysAndLines(location), /holds 1 keys, 2 expected/);
  assert.throws(() => [...store.read(location)], /fewer than 2 keys/);
  rmSync(order);
  assert.throws(() => store.readKeysAndLines(location), /ENOENT/);
});

t('drop 0 onto a format-3 upload: lines appended, later duplicates win, the old location unchanged', async () => {
  const first = await upload('id,v\n1,a\n2,b\n3,c\n');
  const oldSqlite = readFileSync(store.pathOf(first));
  const oldLines = readFileSync(store.linesPathOf(first));
  const oldOrder = readFileSync(store.orderPathOf(first));
  const second = await upload('id,v\n3,C\n4,D\n4,DD\n', 1, { copyFrom: first });
  assert.is(userVersion(second), 3);
  assertRows(second, [['1', 'a'], ['2', 'b'], ['3', 'C'], ['4', 'DD']]);
  assertRows(first, [['1', 'a'], ['2', 'b'], ['3', 'c']]);
  assert.ok(readFileSync(store.pathOf(first)).equals(oldSqlite));
  assert.ok(readFileSync(store.linesPathOf(first)).equals(oldLines));
  assert.ok(readFileSync(store.orderPathOf(first)).equals(oldOrder));
  // And once more on top (line numbers go on from the copy's).
  const third = await upload('id,v\n1,A\n', 1, { copyFrom: second });
  assertRows(third, [['1', 'A'], ['2', 'b'], ['3', 'C'], ['4', 'DD']]);
});

/** A format-2 upload as stops 15 to 18 wrote it: keys in SQLite by line number, a UNIQUE index, lines_meta(bytes, lines). */
function writeFormat2(location: string, lines: string, keys: [number, string][]): void {
  writeFileSync(store.linesPathOf(location), lines);
  const db = new Database(store.pathOf(location));
  try {
    db.pragma('user_version = 2');
    db.exec('CREATE TABLE keys(k TEXT); CREATE TABLE lines_meta(bytes INTEGER, lines INTEGER)');
    for (const [rowid, k] of keys) db.prepare('INSERT INTO keys(rowid, k) VALUES (?, ?)').run(rowid, k);
    db.exec('CREATE UNIQUE INDEX keys_k ON keys(k)');
    db.prepare('INSERT INTO lines_meta VALUES (?, ?)').run(Buffer.byteLength(lines), lines.split('\n').length - 1);
  } finally {
    db.close();
  }
}

t('a format-2 upload (keys in SQLite) still reads, and drop 0 onto it makes a format-3 upload', async () => {
  // Line 1 lost to line 3 (same key): format 2 had deleted its key row.
  writeFormat2('v2_upload', 'b,old\nc,3\nb,new\na,1\n', [[2, 'c'], [3, 'b'], [4, 'a']]);
  assert.is(userVersion('v2_upload'), 2);
  assert.ok(store.isLineFile('v2_upload'));
  assertRows('v2_upload', [['a', '1'], ['b', 'new'], ['c', '3']]);
  const appended = await upload('id,v\nc,C\nd,4\n', 1, { copyFrom: 'v2_upload' });
  assert.is(userVersion(appended), 3);
  assertRows(appended, [['a', '1'], ['b', 'new'], ['c', 'C'], ['d', '4']]);
  assertRows('v2_upload', [['a', '1'], ['b', 'new'], ['c', '3']]);
});

t('an older upload (format 1, rows in SQLite) still reads, and drop 0 onto it stays format 1', async () => {
  writeTable(store, 'old_upload', [['2', 'b'], ['1', 'a']]);
  assert.is(userVersion('old_upload'), 0);
  assert.not.ok(store.isLineFile('old_upload'));
  const raw = store.readKeysAndLines('old_upload');
  assert.is(raw.chunks, undefined);
  assert.equal(raw.keys, ['1', '2']);
  assert.equal([...raw.lines], ['a', 'b']);
  const appended = await upload('id,v\n2,B\n3,c\n', 1, { copyFrom: 'old_upload' });
  assert.is(userVersion(appended), 0);
  assert.not.ok(existsSync(store.linesPathOf(appended)));
  assert.equal([...store.read(appended)], [['1', 'a'], ['2', 'B'], ['3', 'c']]);
  assert.equal([...store.readKeysAndLines(appended).lines], ['a', 'B', 'c']);
});

t('an upload of a header alone: an empty table that reads as one', async () => {
  const location = await upload('id,v\n');
  assertRows(location, []);
  const more = await upload('id,v\n1,a\n', 1, { copyFrom: location });
  assertRows(more, [['1', 'a']]);
});

t.run();
