// The model blob store: all buffers of a model or none, the same bytes again is a no-op, other
// bytes under a stored key are refused and leave the stored model untouched.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
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

t('put then get: every buffer of the model, by key', () => {
  store.put('guest#9999#m', 'v1', [blob('a.a:A', 'one'), blob('b.b:B', 'two')]);
  const got = store.get('guest#9999#m', 'v1');
  assert.equal([...got.keys()], ['a.a:A', 'b.b:B']);
  assert.is(new TextDecoder().decode(got.get('b.b:B')!.bytes), 'two');
  assert.is(got.get('a.a:A')!.sha256, sha256Hex(new TextEncoder().encode('one')));
  assert.is(store.get('guest#9999#m', 'v2').size, 0);
  assert.is(store.get('host#10000#m', 'v1').size, 0);
});

t('the same bytes again (a retried save) is a no-op', () => {
  store.put('p', 'v', [blob('a.a:A', 'one')]);
  store.put('p', 'v', [blob('a.a:A', 'one')]);
  assert.is(store.get('p', 'v').size, 1);
});

t('other bytes under a stored key are refused, and nothing of that put is stored', () => {
  store.put('p', 'v', [blob('a.a:A', 'one')]);
  assert.throws(() => store.put('p', 'v', [blob('b.b:B', 'new'), blob('a.a:A', 'changed')]), (e: unknown) => e instanceof ModelConflictError && /already stores other bytes under a\.a:A/.test(e.message));
  const got = store.get('p', 'v');
  assert.equal([...got.keys()], ['a.a:A']);
  assert.is(new TextDecoder().decode(got.get('a.a:A')!.bytes), 'one');
});

t.run();
