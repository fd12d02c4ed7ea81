// A log opened read-only (fedflow node --read-only): given a log with events, when it is opened
// read-only, then it reads as before, every append is refused with ReadOnlyLogError, and closing
// it signs no checkpoint: the file is byte for byte what it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ReadOnlyLogError, SqliteEventStore } from '../../src/store/sqlite/sqliteEventStore.js';
import { nodeKeySigner } from '../../src/store/audit/nodeKey.js';
import { tempDir } from '../support/http.js';

test('reads work, appends are refused, close signs nothing', async () => {
  const dir = tempDir('read-only-log');
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'events.sqlite');
    const writer = SqliteEventStore.open(file, { signer: nodeKeySigner(dir), checkpointEvery: 1000 });
    await writer.appendToStream('s', [{ type: 'A', data: { n: 1 } }, { type: 'B', data: { n: 2 } }]);
    await writer.close();
    const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = digest();
    // Even with a signer at hand, a read-only store signs nothing.
    const store = SqliteEventStore.open(file, { readOnly: true, signer: nodeKeySigner(dir) });
    assert.equal((await store.readAll()).map((e) => e.type), ['A', 'B']);
    assert.is(await store.headPosition(), 2n);
    let refused: unknown;
    try {
      await store.appendToStream('s', [{ type: 'C', data: {} }]);
    } catch (error) {
      refused = error;
    }
    assert.ok(refused instanceof ReadOnlyLogError);
    assert.throws(() => store.appendToStreamSync('s', [{ type: 'C', data: {} }]), (e: unknown) => e instanceof ReadOnlyLogError);
    try {
      await store.appendToStreams([{ streamId: 't', events: [{ type: 'D', data: {} }] }]);
      assert.unreachable('appendToStreams must refuse');
    } catch (error) {
      assert.ok(error instanceof ReadOnlyLogError);
    }
    await store.close();
    assert.is(digest(), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
