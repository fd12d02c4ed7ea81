// An upload's keys and lines read in chunks (uploadLines.ts) are exactly the sorted row-by-row
// read's, through rowid holes, separators inside lines, non-ASCII keys and files without a key index.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { readKeysAndLines } from '../../src/store/tables/uploadLines.js';
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

t('a shuffled upload reads in key order, chunked', () => {
  writeTable(store, 'up', rows().filter(([k]) => !k.startsWith('😀') && !k.startsWith('\uE000')));
  const expected = sortedRead('up');
  assert.ok(expected.keys.length > 9_700);
  assert.ok(chunked('up'), 'the chunked reader answered');
  assert.equal(chunked('up'), expected);
  assert.equal(store.readKeysAndLines('up'), expected);
});

t('surrogate keys against U+E000 keys: still the sorted read (the order check falls back)', () => {
  writeTable(store, 'up', rows());
  assert.equal(store.readKeysAndLines('up'), sortedRead('up'));
});

t('rowid holes (deleted duplicates) and lines holding the separator or nothing', () => {
  const all = rows().filter(([k]) => !k.startsWith('😀'));
  all[5] = [all[5]![0], 'a\nb'];
  all[9000] = [all[9000]![0], ''];
  all[9001] = [all[9001]![0], '\n'];
  writeTable(store, 'up', all);
  const db = new Database(store.pathOf('up'));
  db.exec('DELETE FROM rows WHERE rowid % 7 = 3 OR rowid BETWEEN 4100 AND 8300');
  db.close();
  const expected = sortedRead('up');
  assert.ok(expected.lines.includes('a\nb') && expected.lines.includes('\n') && expected.lines.includes(''));
  assert.ok(chunked('up'));
  assert.equal(chunked('up'), expected);
});

t('a file without the key index, and an empty table, read as before', () => {
  const db = new Database(store.pathOf('noindex'));
  db.exec('CREATE TABLE rows(k TEXT, v TEXT)');
  const insert = db.prepare('INSERT INTO rows VALUES (?, ?)');
  for (const [k, v] of rows().slice(0, 500)) insert.run(k, v);
  db.close();
  assert.is(chunked('noindex'), undefined);
  assert.equal(store.readKeysAndLines('noindex'), sortedRead('noindex'));
  writeTable(store, 'empty', []);
  assert.equal(store.readKeysAndLines('empty'), { keys: [], lines: [] });
});

t.run();
