import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WrongExpectedRevisionError } from '../../src/store/eventStore.js';
import { openEventStore } from '../../src/store/openEventStore.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqliteEventStore.js';
import { eventStoreContract, newEvent, newStreamId, sleep, waitUntil } from './eventStoreContract.js';

const dir = mkdtempSync(join(tmpdir(), 'fedflow-sqlite-store-'));
let files = 0;
const newFile = (): string => join(dir, `log-${++files}`, 'events.sqlite');

eventStoreContract('sqlite event store: contract', async () => SqliteEventStore.open(newFile(), { node: { partyId: '9999' } }), { partyId: '9999' });

const test = suite('sqlite event store: specifics');

// The contract suite above runs first (uvu queues suites in order), so this is the last hook.
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('open creates the parent directory, a WAL journal and the documented schema', async () => {
  const file = join(dir, 'deep', 'er', 'events.sqlite');
  const store = SqliteEventStore.open(file);
  await store.close();
  assert.ok(existsSync(file));
  const db = new Database(file, { readonly: true });
  try {
    assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
    const columns = (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name);
    assert.equal(columns, ['position', 'stream_id', 'revision', 'event_id', 'type', 'data', 'metadata', 'created', 'hash']);
  } finally {
    db.close();
  }
});

test('an event whose data cannot be serialised rolls the whole append back', async () => {
  const store = SqliteEventStore.open(newFile());
  try {
    const stream = newStreamId('unserialisable');
    assert.throws(() => store.appendToStreamSync(stream, [newEvent('fine'), newEvent('bad', { n: 1n })]), TypeError);
    assert.equal(await store.readStream(stream), []);
    assert.is(await store.headPosition(), 0n);
  } finally {
    await store.close();
  }
});

test('the synchronous fast path matches the async API', async () => {
  const store = SqliteEventStore.open(newFile());
  try {
    const stream = newStreamId('sync');
    const result = store.appendToStreamSync(stream, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
    assert.is(result.nextExpectedRevision, 1n);
    assert.is(store.headPositionSync(), result.position);
    assert.equal(store.readStreamSync(stream), await store.readStream(stream));
    assert.equal(store.readAllSync({ maxCount: 1 }).map((e) => e.type), ['A']);
  } finally {
    await store.close();
  }
});

test('data persists after close and reopen', async () => {
  const file = newFile();
  const stream = newStreamId('persist');
  const first = SqliteEventStore.open(file);
  const written = await first.appendToStream(stream, [newEvent('A'), newEvent('B')]);
  await first.close();
  const again = SqliteEventStore.open(file);
  try {
    assert.equal((await again.readStream(stream)).map((e) => e.type), ['A', 'B']);
    assert.is(await again.headPosition(), written.position);
    const next = await again.appendToStream(stream, [newEvent('C')], { expectedRevision: 1n });
    assert.ok(next.position > written.position, 'positions keep growing after a reopen');
  } finally {
    await again.close();
  }
});

test('a second connection sees the first one’s events and expectations', async () => {
  const file = newFile();
  const a = SqliteEventStore.open(file);
  const b = SqliteEventStore.open(file);
  try {
    const stream = newStreamId('two-connections');
    await a.appendToStream(stream, [newEvent('from-a')], { expectedRevision: 'no_stream' });
    assert.equal((await b.readStream(stream)).map((e) => e.type), ['from-a']);
    assert.is(await b.headPosition(), await a.headPosition());
    try {
      await b.appendToStream(stream, [newEvent('from-b')], { expectedRevision: 'no_stream' });
      assert.unreachable('b must see that a created the stream');
    } catch (error) {
      assert.instance(error, WrongExpectedRevisionError);
    }
    await b.appendToStream(stream, [newEvent('from-b')], { expectedRevision: 0n });
    assert.equal((await a.readStream(stream)).map((e) => e.type), ['from-a', 'from-b']);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a subscription on connection B receives events appended through connection A within 1 s', async () => {
  const file = newFile();
  const a = SqliteEventStore.open(file);
  const b = SqliteEventStore.open(file);
  const seen: string[] = [];
  const subscription = b.subscribeToAll((event) => void seen.push(event.type));
  try {
    await a.appendToStream(newStreamId('cross'), [newEvent('one')]);
    await waitUntil(() => seen.length === 1, 1000, 'first event from A');
    await sleep(50);
    await a.appendToStream(newStreamId('cross'), [newEvent('two'), newEvent('three')]);
    await waitUntil(() => seen.length === 3, 1000, 'more events from A');
    assert.equal(seen, ['one', 'two', 'three']);
  } finally {
    await subscription.unsubscribe();
    await a.close();
    await b.close();
  }
});

test('a subscription sees appends made by another process', async () => {
  const file = newFile();
  const store = SqliteEventStore.open(file);
  const seen: string[] = [];
  const subscription = store.subscribeToAll((event) => void seen.push(event.type));
  try {
    const moduleUrl = new URL('../../src/store/sqlite/sqliteEventStore.js', import.meta.url).href;
    const script = `
      import { SqliteEventStore } from ${JSON.stringify(moduleUrl)};
      const store = SqliteEventStore.open(${JSON.stringify(file)});
      await store.appendToStream('other-process', [{ type: 'from-child', data: {} }]);
      await store.close();`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    await waitUntil(() => seen.length === 1, 1000, 'the child’s event');
    assert.equal(seen, ['from-child']);
  } finally {
    await subscription.unsubscribe();
    await store.close();
  }
});

test('openEventStore("sqlite") opens <dataDir>/events.sqlite', async () => {
  const dataDir = join(dir, 'data-dir');
  const store = await openEventStore('sqlite', dataDir);
  try {
    assert.instance(store, SqliteEventStore);
    assert.ok(existsSync(join(dataDir, 'events.sqlite')));
  } finally {
    await store.close();
  }
});

test.run();
