// An upload's keys and lines read in chunks (uploadLines.ts) are exactly the sorted row-by-row
// read's, through rowid holes, separators inside lines, non-ASCII keys and files without a key index;
// read as bytes (TableStore.readKeysAndLines' first choice), they decode to the same lines.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { readKeysAndLineBytes, readKeysAndLines } from '../../src/store/tables/uploadLines.js';
import { writeTable } from '../../src/store/tables/writeTable.js';

const t = suite('upload keys and lines in chunks');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-uploadlines-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** 10,000 shuffled ids (several chunks), some non-ASCII, each line distinct. */
function rows(): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < 10_000; i++) {
    const id = (i * 7919) % 10_000;
    const key = id % 97 === 0 ? `é${id}` : id % 89 === 0 ? `😀${id}` : id % 83 === 0 ? `\uE000${id}` : String(id);
    out.push([key, `${id % 13},${id / 7},x${id}`]);
  }
  return out;
}

/** An upload whose 7th line is NULL (a file edited by hand: the readers must refuse or fall back). */
function writeWithNullLine(location: string, data: [string, string][]): void {
  writeTable(store, location, data);
  const db = new Database(store.pathOf(location));
  db.exec('UPDATE rows SET v = NULL WHERE rowid = 7');
  db.close();
}

/** An upload table in a UTF-16 SQLite file (no UTF-8 bytes to read in place). */
function writeUtf16Table(location: string, data: [string, string][]): void {
  const wide = new Database(store.pathOf(location));
  wide.pragma('encoding = "UTF-16le"');
  wide.exec('CREATE TABLE rows(k TEXT, v TEXT); CREATE UNIQUE INDEX rows_k ON rows(k)');
  const insert = wide.prepare('INSERT INTO rows VALUES (?, ?)');
  for (const [k, v] of data) insert.run(k, v);
  wide.close();
}

function sortedRead(location: string): { keys: string[]; lines: string[] } {
  const keys: string[] = [];
  const lines: string[] = [];
  for (const [k, v] of store.read(location)) {
    keys.push(k);
    lines.push(v);
  }
  return { keys, lines };
}

function chunked(location: string) {
  const db = new Database(store.pathOf(location), { readonly: true });
  try {
    return readKeysAndLines(db);
  } finally {
    db.close();
  }
}

function chunkedBytes(location: string) {
  const db = new Database(store.pathOf(location), { readonly: true });
  try {
    return readKeysAndLineBytes(db);
  } finally {
    db.close();
  }
}

/** The bytes reader's lines decoded one by one (fatal: a line that is not UTF-8 fails the test). */
function decoded(location: string): { keys: string[]; lines: string[] } | undefined {
  const read = chunkedBytes(location);
  if (!read) return undefined;
  const { bytes, start, end } = read.bytes;
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return { keys: read.keys, lines: read.keys.map((_, r) => utf8.decode(bytes.subarray(start[r]!, end[r]!))) };
}

/** What the store gives (bytes or strings), as plain arrays; `bytes` says whether it gave bytes. */
function stored(location: string): { keys: string[]; lines: string[]; bytes: boolean } {
  const raw = store.readKeysAndLines(location);
  return { keys: [...raw.keys], lines: [...raw.lines], bytes: raw.bytes !== undefined };
}

t('a shuffled upload reads in key order, chunked', () => {
  writeTable(store, 'up', rows().filter(([k]) => !k.startsWith('😀') && !k.startsWith('\uE000')));
  const expected = sortedRead('up');
  assert.ok(expected.keys.length > 9_700);
  assert.ok(chunked('up'), 'the chunked reader answered');
  assert.equal(chunked('up'), expected);
  assert.equal(decoded('up'), expected);
  assert.equal(stored('up'), { ...expected, bytes: true });
});

t('surrogate keys against U+E000 keys: still the sorted read (the order check falls back)', () => {
  writeTable(store, 'up', rows());
  assert.is(chunkedBytes('up'), undefined);
  assert.equal(stored('up'), { ...sortedRead('up'), bytes: false });
});

t('rowid holes (deleted duplicates) and lines holding the separator or nothing', () => {
  const all = rows().filter(([k]) => !k.startsWith('😀'));
  all[5] = [all[5]![0], 'a\nb'];
  all[9000] = [all[9000]![0], ''];
  all[9001] = [all[9001]![0], '\n'];
  all[9002] = [all[9002]![0], '\uFEFFbom,é,😀'];
  all[9003] = [all[9003]![0], '\r\n\t 1'];
  writeTable(store, 'up', all);
  const db = new Database(store.pathOf('up'));
  db.exec('DELETE FROM rows WHERE rowid % 7 = 3 OR rowid BETWEEN 4100 AND 8300');
  db.close();
  const expected = sortedRead('up');
  assert.ok(expected.lines.includes('a\nb') && expected.lines.includes('\n') && expected.lines.includes(''));
  assert.ok(chunked('up'));
  assert.equal(chunked('up'), expected);
  assert.equal(decoded('up'), expected);
  assert.equal(stored('up'), { ...expected, bytes: true });
});

t('bytes: one buffer, each line its own range (no separator kept), lines of a chunk together', () => {
  writeTable(store, 'up', [['b', '1,2'], ['a', ''], ['c', 'é']]);
  const read = chunkedBytes('up')!;
  assert.equal(read.keys, ['a', 'b', 'c']);
  // Rowid (upload) order in the buffer, key order in the ranges.
  assert.is(Buffer.from(read.bytes.bytes).toString('utf8'), '1,2é');
  assert.equal([...read.bytes.start], [3, 0, 3]);
  assert.equal([...read.bytes.end], [3, 3, 5]);
});

t('a NULL line or a UTF-16 file: no bytes, the strings as before', () => {
  writeWithNullLine('nulls', rows().slice(0, 300));
  assert.is(chunkedBytes('nulls'), undefined);
  assert.equal(stored('nulls'), { ...sortedRead('nulls'), bytes: false });
  writeUtf16Table('wide', rows().slice(0, 300));
  assert.is(chunkedBytes('wide'), undefined);
  const expected = sortedRead('wide');
  assert.is(expected.keys.length, 300);
  assert.equal(stored('wide'), { ...expected, bytes: false });
});

/** The store's chunked read, every chunk walked and put back in key order (decoded strictly). */
function walked(location: string): { keys: string[]; lines: string[]; chunks: number } {
  const raw = store.readKeysAndLineChunks(location);
  assert.ok(raw.chunks, 'an upload the bytes reader takes is read in chunks');
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lines = new Array<string>(raw.keys.length);
  let chunks = 0;
  raw.chunks!.forEach((chunk) => {
    chunks++;
    for (let q = 0; q < chunk.count; q++) {
      const r = chunk.row[q]!;
      assert.is(lines[r], undefined, `position ${r} comes once`);
      lines[r] = utf8.decode(chunk.bytes.subarray(chunk.start[q]!, chunk.end[q]!));
    }
  });
  return { keys: [...raw.keys], lines, chunks };
}

/** rows() without the keys whose order the key reader does not vouch for (surrogates against U+E000). */
const plainRows = () => rows().filter(([k]) => !/[\uD800-\uDFFF\uE000]/.test(k));

t('chunks (a big upload for DataIO): every key position once, the sorted read\'s lines, walked again on each call', () => {
  writeTable(store, 'up', plainRows());
  const expected = sortedRead('up');
  const first = walked('up');
  assert.equal({ keys: first.keys, lines: first.lines }, expected);
  assert.ok(first.chunks >= 3, `${first.chunks} chunks`);
  const raw = store.readKeysAndLineChunks('up');
  let twice = 0;
  for (let pass = 0; pass < 2; pass++) raw.chunks!.forEach((c) => (twice += c.count));
  assert.is(twice, 2 * expected.keys.length);
  // A reader that asks for the whole text gets readKeysAndLines' answer.
  assert.equal([...raw.lines], expected.lines);
  assert.ok(raw.bytes);
});

t('chunks: a NULL line fails the walk (the reader falls back on lines); a UTF-16 file is read whole as before', () => {
  writeWithNullLine('nulls', plainRows().slice(0, 300));
  const raw = store.readKeysAndLineChunks('nulls');
  assert.throws(() => raw.chunks!.forEach(() => {}), /upload nulls: a NULL line/);
  assert.equal({ keys: [...raw.keys], lines: [...raw.lines] }, sortedRead('nulls'));
  writeUtf16Table('wide', rows().slice(0, 300));
  const whole = store.readKeysAndLineChunks('wide');
  assert.is(whole.chunks, undefined);
  assert.equal({ keys: [...whole.keys], lines: [...whole.lines] }, sortedRead('wide'));
});

t('a file without the key index, and an empty table, read as before', () => {
  const db = new Database(store.pathOf('noindex'));
  db.exec('CREATE TABLE rows(k TEXT, v TEXT)');
  const insert = db.prepare('INSERT INTO rows VALUES (?, ?)');
  for (const [k, v] of rows().slice(0, 500)) insert.run(k, v);
  db.close();
  assert.is(chunked('noindex'), undefined);
  assert.is(chunkedBytes('noindex'), undefined);
  assert.equal(stored('noindex'), { ...sortedRead('noindex'), bytes: false });
  writeTable(store, 'empty', []);
  assert.equal(stored('empty'), { keys: [], lines: [], bytes: true });
});

t.run();
