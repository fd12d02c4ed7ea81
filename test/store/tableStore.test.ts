// The party-local table store: one SQLite file per location, rows read in key order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KEY_INDEX_SQL, ROWS_TABLE_SQL, TableStore } from '../../src/store/tables/tableStore.js';

const t = suite('tableStore');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-tablestore-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A location written the way the upload worker leaves it. */
function writeTable(location: string, rows: [string, string][]): void {
  const db = new Database(store.pathOf(location));
  try {
    db.exec(ROWS_TABLE_SQL);
    const insert = db.prepare('INSERT INTO rows(k, v) VALUES (?, ?)');
    for (const [k, v] of rows) insert.run(k, v);
    db.exec(KEY_INDEX_SQL);
  } finally {
    db.close();
  }
}

t('given a new store, when constructed, then its directory exists (mkdir -p)', () => {
  assert.ok(existsSync(join(dir, 'tables')));
  assert.equal(store.listLocations(), []);
});

t('given newLocation, when called twice, then the names differ and are filename-safe', () => {
  const a = store.newLocation();
  const b = store.newLocation();
  assert.not.equal(a, b);
  assert.match(a, /^t_[a-z0-9]+_[0-9a-f]{12}$/);
  assert.is(store.pathOf(a), join(dir, 'tables', `${a}.sqlite`));
});

t('given location names that could escape the directory, when used, then they are refused', () => {
  for (const bad of ['../x', '..', 'a/b', 'a\\b', '', 'a..b', '/etc/passwd', 'x y']) {
    assert.throws(() => store.pathOf(bad), /invalid table location/, bad);
    assert.throws(() => store.drop(bad), /invalid table location/, bad);
    assert.throws(() => store.exists(bad), /invalid table location/, bad);
  }
});

t('given a table, when read, then rows come in key order with their values', () => {
  writeTable('t1', [['b', '2,x'], ['a', '1'], ['c', '']]);
  assert.ok(store.exists('t1'));
  assert.is(store.count('t1'), 3);
  assert.equal([...store.read('t1')], [['a', '1'], ['b', '2,x'], ['c', '']]);
  assert.equal([...store.read('t1', { limit: 2 })], [['a', '1'], ['b', '2,x']]);
  assert.equal([...store.read('t1', { limit: 0 })], []);
});

t('given a reader that stops early, when the table is dropped, then nothing holds it open', () => {
  writeTable('t2', [['a', '1'], ['b', '2'], ['c', '3']]);
  for (const [k] of store.read('t2')) {
    if (k === 'a') break;
  }
  const it = store.read('t2');
  assert.equal(it.next().value, ['a', '1']);
  it.return?.(undefined);
  store.drop('t2');
  assert.not.ok(store.exists('t2'));
  assert.is(store.count('t2'), 0);
});

t('given an absent location, when counted, dropped or read, then 0, no error, and a clear error', () => {
  assert.is(store.count('nope'), 0);
  store.drop('nope');
  store.drop('nope');
  assert.throws(() => [...store.read('nope')], /table location nope does not exist/);
});

t('given files of kept and orphan locations, when removing orphans, then only orphans and their leftovers go', () => {
  writeTable('keep1', [['a', '1']]);
  writeTable('orphan1', [['a', '1']]);
  const tables = join(dir, 'tables');
  writeFileSync(join(tables, 'orphan1.sqlite-journal'), '');
  writeFileSync(join(tables, 'orphan2.sqlite'), '');
  writeFileSync(join(tables, 'orphan2.sqlite-wal'), '');
  writeFileSync(join(tables, 'orphan3.sqlite.tmp-123'), '');
  writeFileSync(join(tables, 'keep1.sqlite-shm'), '');
  writeFileSync(join(tables, 'README.txt'), 'not a table');
  assert.equal(store.listLocations(), ['keep1', 'orphan1', 'orphan2']);

  const removed = store.removeOrphans(new Set(['keep1']));

  assert.equal(removed, ['orphan1', 'orphan2', 'orphan3']);
  assert.equal(readdirSync(tables).sort(), ['README.txt', 'keep1.sqlite', 'keep1.sqlite-shm']);
  assert.equal([...store.read('keep1')], [['a', '1']]);
});

t.run();
