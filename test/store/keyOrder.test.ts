// The key order of a format-3 upload (store/tables/sortKeyBytes.ts, keyOrder.ts): SQLite's BINARY
// order (bytes, then the shorter first), stable, the last line of equal keys kept, the same whether
// the keys fit one run or are spilled in runs and merged.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sortKeyBytes } from '../../src/store/tables/sortKeyBytes.js';
import { KeyOrderBuilder, readKeyOrder } from '../../src/store/tables/keyOrder.js';
import { tempDirPerTest } from '../support/tempDir.js';

const t = suite('key order: radix sort of key bytes, sorted runs merged');
const dir = tempDirPerTest(t, 'fedflow-keyorder-');

/** A seeded generator (xorshift), so that a failure repeats. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Keys that exercise the sort: shared long prefixes, zero bytes, empty keys, lengths around 8 and 16, duplicates. */
function keysOf(n: number, seed: number): Buffer[] {
  const r = random(seed);
  const prefixes = ['', 'user_0000', 'a', 'aaaaaaaaaaaaaaaa', '\u0000\u0000', 'é'];
  const keys: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && r() < 0.15) {
      keys.push(keys[Math.floor(r() * keys.length)]!);
      continue;
    }
    const tail = Buffer.alloc(Math.floor(r() * 20));
    for (let b = 0; b < tail.length; b++) tail[b] = r() < 0.3 ? 0 : r() < 0.5 ? 48 + Math.floor(r() * 3) : Math.floor(r() * 256);
    keys.push(Buffer.concat([Buffer.from(prefixes[Math.floor(r() * prefixes.length)]!), tail]));
  }
  return keys;
}

/** The reference: Buffer.compare (memcmp, then length), stable (line order). */
function referenceOrder(keys: Buffer[]): number[] {
  return keys.map((_, i) => i).sort((a, b) => Buffer.compare(keys[a]!, keys[b]!) || a - b);
}

function laidOut(keys: Buffer[]): { bytes: Uint8Array; starts: Int32Array } {
  const starts = new Int32Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) starts[i + 1] = starts[i]! + keys[i]!.length;
  return { bytes: Buffer.concat(keys), starts };
}

t('sortKeyBytes is Buffer.compare order and stable, on small and radix-sized inputs', () => {
  for (const [n, seed] of [[0, 1], [1, 2], [5, 3], [30, 4], [3000, 5], [70_000, 6]] as const) {
    const keys = keysOf(n, seed);
    const { bytes, starts } = laidOut(keys);
    assert.equal(Array.from(sortKeyBytes(bytes, starts, n)), referenceOrder(keys), `${n} keys`);
  }
  // Keys equal but for trailing zero bytes, and a common prefix longer than 8 bytes.
  const tricky = ['ab', 'ab\0', 'ab', 'a', 'ab\0\0\0\0\0\0\0\0x', '', 'ab\0\0\0\0\0\0'].map((k) => Buffer.from(k, 'latin1'));
  const many = Array.from({ length: 40 }, (_, i) => tricky[(i * 7) % tricky.length]!);
  for (const keys of [tricky, many, Array.from({ length: 100 }, (_, i) => Buffer.from(`customer-0000000${(i * 37) % 100}`))]) {
    const { bytes, starts } = laidOut(keys);
    assert.equal(Array.from(sortKeyBytes(bytes, starts, keys.length)), referenceOrder(keys));
  }
});

/** Shuffled decimal and hex ids (few values a byte: several bytes share a counting pass), with duplicates. */
function idsOf(n: number, seed: number, radix: number): Buffer[] {
  const r = random(seed);
  const keys = Array.from({ length: n }, (_, i) => Buffer.from((i * 7919 + Math.floor(r() * 3)).toString(radix)));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}

t('sortKeyBytes: decimal and hex ids, whose bytes share passes, in Buffer.compare order', () => {
  for (const [n, seed, radix] of [[50, 7, 10], [70_000, 8, 10], [70_000, 9, 16], [3000, 10, 2]] as const) {
    const keys = idsOf(n, seed, radix);
    const { bytes, starts } = laidOut(keys);
    assert.equal(Array.from(sortKeyBytes(bytes, starts, n)), referenceOrder(keys), `${n} ids in base ${radix}`);
  }
});

let orders = 0;

/** The order file a builder writes for these keys (lines 1..n), read back as line numbers. */
function built(keys: Buffer[], runKeys?: number, runBytes?: number): number[] {
  const builder = new KeyOrderBuilder(dir(), { ...(runKeys ? { runKeys } : {}), ...(runBytes ? { runBytes } : {}) });
  const src = Buffer.concat(keys);
  let at = 0;
  keys.forEach((k) => {
    builder.add(src, at, at + k.length);
    at += k.length;
  });
  const path = join(dir(), `order-${++orders}`);
  const count = builder.finish(path);
  const bytes = readFileSync(path);
  const lines = Array.from(new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  assert.is(lines.length, count);
  return lines;
}

/** Each distinct key's last line, in key order. */
function expectedLines(keys: Buffer[]): number[] {
  const order = referenceOrder(keys);
  const out: number[] = [];
  for (let i = 0; i < order.length; i++) {
    if (i + 1 < order.length && keys[order[i]!]!.equals(keys[order[i + 1]!]!)) continue;
    out.push(order[i]! + 1);
  }
  return out;
}

t('the order file: the last line of each distinct key, the same in one run or spilled in runs of any size', () => {
  const keys = keysOf(5000, 11);
  const expected = expectedLines(keys);
  assert.ok(expected.length < keys.length, 'the keys hold duplicates');
  assert.equal(built(keys), expected, 'one run');
  for (const runKeys of [1, 2, 7, 1000]) assert.equal(built(keys, runKeys), expected, `runs of ${runKeys} keys`);
  assert.equal(built(keys, undefined, 100), expected, 'runs of 100 bytes');
  // A key longer than the merge's 1 MiB read buffer.
  const long = [Buffer.alloc(3 << 20, 120), Buffer.from('b'), Buffer.alloc(3 << 20, 120), Buffer.from('a')];
  assert.equal(built(long, 1), [4, 2, 3]);
  // Spilled runs live in an unlinked file: nothing is left but the order files.
  assert.ok(readdirSync(dir()).every((name) => name.startsWith('order-')));
});

t('spilled runs whose keys share 0 to 12 leading bytes: each record\'s first 8 bytes rebuilt from the run\'s shared front', () => {
  const r = random(21);
  const keys: Buffer[] = [];
  for (let run = 0; run < 39; run++) {
    const front = 'k0123456789ab'.slice(0, run % 13);
    for (let i = 0; i < 40; i++) {
      if (keys.length > 0 && r() < 0.1) {
        keys.push(keys[Math.floor(r() * keys.length)]!);
        continue;
      }
      const tail = Array.from({ length: Math.floor(r() * 11) }, () => (r() < 0.1 ? '\u0000' : String(Math.floor(r() * 10)))).join('');
      keys.push(Buffer.from(front + tail, 'latin1'));
    }
  }
  const expected = expectedLines(keys);
  assert.equal(built(keys, 40), expected, 'runs of 40 keys, one front each');
  assert.equal(built(keys, 97), expected, 'runs across fronts');
  assert.equal(built(idsOf(20_000, 22, 10), 3000), expectedLines(idsOf(20_000, 22, 10)), 'decimal ids in runs of 3,000');
});

t('readKeyOrder: each line\'s position, -1 for a line that lost; a file that does not match is refused', () => {
  const keys = ['b', 'a', 'b', 'c'].map((k) => Buffer.from(k));
  assert.equal(built(keys), [2, 3, 4]);
  const path = join(dir(), `order-${orders}`);
  // Index 0 is no line (line numbers start at 1); line 1 lost to line 3.
  assert.equal(Array.from(readKeyOrder(path, 3, 4)), [-1, -1, 0, 1, 2]);
  assert.throws(() => readKeyOrder(path, 3, 3), /does not match its 3 lines/);
  assert.throws(() => readKeyOrder(path, 4, 4), /holds 3 keys, 4 expected/);
});

t.run();
