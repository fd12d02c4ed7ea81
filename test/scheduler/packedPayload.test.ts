// A long list of strings crosses between threads packed, and comes back the same list; anything
// else crosses as it is. The cluster mailbox unpacks before the wire (cluster.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packPayload, unpackPayload } from '../../src/scheduler/packedPayload.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => (i % 997 === 0 ? '' : `id-${i}-é`));

test('a long list of strings packs into one string and unpacks to the same list, empty strings included', () => {
  const list = ids(20_000);
  const packed = packPayload(list);
  assert.not.ok(Array.isArray(packed));
  assert.type((packed as { fedflowPackedStrings: unknown }).fedflowPackedStrings, 'string');
  // What a thread hop does to it: a structured clone.
  assert.equal(unpackPayload(structuredClone(packed)), list);
});

test('short lists, lists with a non-string or a newline, and other payloads cross as they are', () => {
  const short = ['a', 'b'];
  assert.is(packPayload(short), short);
  const mixed: unknown[] = ids(20_000);
  mixed[5] = 5;
  assert.is(packPayload(mixed), mixed);
  const newline = ids(20_000);
  newline[7] = 'a\nb';
  assert.is(packPayload(newline), newline);
  const other = { v: 1n, list: ids(20_000) };
  assert.is(packPayload(other), other);
  assert.is(unpackPayload(other), other);
  assert.is(unpackPayload('x'), 'x');
});

test('a packed list whose count does not match is an error, not a wrong list', () => {
  assert.throws(() => unpackPayload({ fedflowPackedStrings: 'a\nb', count: 3 }), /3 strings holds 2/);
});

test.run();
