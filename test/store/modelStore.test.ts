// The model blob store: all buffers of a model or none, the same bytes again is a no-op, other
// bytes under a stored key are refused and leave the stored model untouched.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/http.js';
import { sha256Hex } from '../../src/models/digest.js';
import { ModelConflictError, ModelStore } from '../../src/store/models/modelStore.js';

const blob = (key: string, text: string) => {
  const bytes = new TextEncoder().encode(text);
  return { key, bytes, sha256: sha256Hex(bytes) };
};

const t = suite('store: model blobs');
let store: ModelStore;
t.before.each(() => {
  store = new ModelStore(':memory:');
});
t.after.each(() => store.close());

t('put then get: every buffer of the model, by key', async () => {
  await store.put('guest#9999#m', 'v1', [blob('a.a:A', 'one'), blob('b.b:B', 'two')]);
  const got = store.get('guest#9999#m', 'v1');
  assert.equal([...got.keys()], ['a.a:A', 'b.b:B']);
  assert.is(new TextDecoder().decode(got.get('b.b:B')!.bytes), 'two');
  assert.is(got.get('a.a:A')!.sha256, sha256Hex(new TextEncoder().encode('one')));
  assert.is(store.get('guest#9999#m', 'v2').size, 0);
  assert.is(store.get('host#10000#m', 'v1').size, 0);
});

t('the same bytes again (a retried save) is a no-op', async () => {
  await store.put('p', 'v', [blob('a.a:A', 'one')]);
  await store.put('p', 'v', [blob('a.a:A', 'one')]);
  assert.is(store.get('p', 'v').size, 1);
});

t('other bytes under a stored key are refused, and nothing of that put is stored', async () => {
  await store.put('p', 'v', [blob('a.a:A', 'one')]);
  await refusedAsConflict(store.put('p', 'v', [blob('b.b:B', 'new'), blob('a.a:A', 'changed')]));
  const got = store.get('p', 'v');
  assert.equal([...got.keys()], ['a.a:A']);
  assert.is(new TextDecoder().decode(got.get('a.a:A')!.bytes), 'one');
});

async function refusedAsConflict(put: Promise<void>): Promise<void> {
  const error = await put.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ModelConflictError && /already stores other bytes under a\.a:A/.test(error.message), String(error));
}

t.run();

const file = suite('store: model blobs in a file (writes on the writer thread)');
const dir = tempDir('model-blobs');
file.after(() => rmSync(dir, { recursive: true, force: true }));

file('puts are durable on the writer thread, read back here, refused on conflict; a reopened store has them', async () => {
  const path = join(dir, 'models.sqlite');
  const first = new ModelStore(path);
  const puts = [first.put('p', 'v1', [blob('a.a:A', 'one')]), first.put('p', 'v2', [blob('a.a:A', 'two')])];
  await refusedAsConflict(first.put('p', 'v1', [blob('a.a:A', 'changed')]));
  await Promise.all(puts);
  assert.is(new TextDecoder().decode(first.get('p', 'v1').get('a.a:A')!.bytes), 'one');
  const last = first.put('p', 'v3', [blob('c.c:C', 'three')]);
  await first.close(); // waits for the put asked before it
  await last;
  const afterClose = await first.put('p', 'v4', [blob('d.d:D', 'late')]).then(() => undefined, (e: Error) => e.message);
  assert.is(afterClose, 'model store is closed');
  const reopened = new ModelStore(path);
  try {
    assert.equal([...reopened.get('p', 'v3').keys()], ['c.c:C']);
    assert.is(new TextDecoder().decode(reopened.get('p', 'v2').get('a.a:A')!.bytes), 'two');
  } finally {
    await reopened.close();
  }
});

file.run();
