// A long list of strings crosses between threads packed, and comes back the same list; anything
// else crosses as it is. The cluster mailbox unpacks before the wire (cluster.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isPackedDoubles, packPayload, transferablesOf, unpackPayload } from '../../src/scheduler/packedPayload.js';

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

test('a long list of numbers crosses as doubles, handed over, and unpacks to the same numbers bit for bit', () => {
  const list = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? i : Math.sin(i) / 3));
  list[1] = -0;
  list[2] = 2 ** -1074;
  list[4] = Number.MAX_VALUE;
  const packed = packPayload(list);
  assert.ok(isPackedDoubles(packed));
  const [buffer] = transferablesOf(packed);
  assert.ok(buffer instanceof ArrayBuffer);
  // A thread hop that moves the buffer: the sender's copy is detached.
  const moved = structuredClone(packed, { transfer: [buffer!] });
  assert.is(buffer!.byteLength, 0);
  const back = unpackPayload(moved) as number[];
  assert.ok(Array.isArray(back));
  assert.is(back.length, list.length);
  assert.ok(Object.is(back[1], -0));
  assert.ok(back.every((v, i) => Object.is(v, list[i])));
  // A packed list of ids asked for as it is (`getPacked`) stays packed; doubles are unpacked either way.
  assert.ok(Array.isArray(unpackPayload(structuredClone(packPayload(list)), true)));
  const ids = packPayload(Array.from({ length: 20_000 }, (_, i) => `k${i}`));
  assert.is(unpackPayload(ids, true), ids);
});

test('a list of numbers with another value, a hole, or a bigint crosses as it is', () => {
  const mixed: unknown[] = Array.from({ length: 20_000 }, (_, i) => i / 7);
  mixed[19_999] = 'x';
  assert.is(packPayload(mixed), mixed);
  const holey = Array.from({ length: 20_000 }, (_, i) => i / 7);
  delete holey[10];
  assert.is(packPayload(holey), holey);
  const bigints: unknown[] = Array.from({ length: 20_000 }, (_, i) => BigInt(i));
  assert.is(packPayload(bigints), bigints);
  const short = [1, 2, 3];
  assert.is(packPayload(short), short);
  assert.equal(transferablesOf(short), []);
  // Only exactly the packed shape unpacks: another object with a Float64Array stays as it is.
  const other = { fedflowPackedDoubles: new Float64Array(3), extra: 1 };
  assert.is(unpackPayload(other), other);
});

test.run();
