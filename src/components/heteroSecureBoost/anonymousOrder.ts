// The host's anonymous order of its split candidates, and the tags it recognises equal partitions by,
// drawn from a keyed stream instead of fresh randomness, so that training is a deterministic function
// of its inputs. Why it matters: the guest keeps the first of the candidates with the highest gain, by
// anonymous index, and different partitions can have exactly the same (ΣG, ΣH) — in a first tree
// every g is one of two values per class (softmax from equal scores, or the binary init score) and
// every h is the same, so any two left sets with as many instances of each class tie. With a fresh
// shuffle per run the winner among them was a coin toss: multi-class cross-validation gave another
// fold 1 loss curve from run to run (FATE 1.4.5 sends the candidates in feature/bin order and keeps
// the first best, which is deterministic but tells the guest which cumulative sum is which bin).
//
// The key is a digest of what only the host has: its split points (raw quantiles of its features)
// and every instance's bin index. The guest, which never receives either, cannot compute the order;
// a party that could has the host's features already, which is what the order hides. Each node
// draws its own permutation from HMAC(key, tree.depth.node) as an AES-256-CTR stream. The price of
// determinism: two jobs on the same host data give a node with the same tag (and the same
// candidates, e.g. every tree's root) the same order, so a guest that runs several jobs against one
// host can match those candidates across the jobs; fresh randomness hid that pairing (the counts in
// ΣH often revealed it anyway).
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import type { FeatureBins } from './binning.js';

/** The host's ordering key: SHA-256 of its split points and bin indexes (none of it leaves the host). */
export function hostOrderKey(bins: FeatureBins): Buffer {
  const hash = createHash('sha256').update('fedflow.secureboost.anonymous-order.v1');
  const count = Buffer.alloc(4);
  bins.splitPoints.forEach((points, f) => {
    count.writeUInt32LE(points.length);
    hash.update(count).update(new Uint8Array(Float64Array.from(points).buffer));
    const b = bins.binOf[f]!;
    // The bin type follows bin_num only (binning.ts), so rows and columns hash the same bytes.
    hash.update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  });
  return hash.digest();
}

/** A stream of uniform 32-bit words for one purpose (`label`) under the key. */
class KeyedWords {
  private readonly cipher;
  private words = new Uint32Array(0);
  private at = 0;
  constructor(key: Buffer, label: string) {
    this.cipher = createCipheriv('aes-256-ctr', createHmac('sha256', key).update(label).digest(), Buffer.alloc(16));
  }
  next(): number {
    if (this.at === this.words.length) {
      const bytes = this.cipher.update(Buffer.alloc(4096));
      this.words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      this.at = 0;
    }
    return this.words[this.at++]!;
  }
  /** Uniform in [0, bound) (bound ≤ 2³²), by rejection: no modulo bias. */
  below(bound: number): number {
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const w = this.next();
      if (w < limit) return w % bound;
    }
  }
}

/** A Fisher–Yates permutation of 0..n−1 keyed by (key, tag): the same for the same inputs, unpredictable without the key. */
export function anonymousOrder(key: Buffer, tag: string, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const words = new KeyedWords(key, `order.${tag}`);
  for (let i = n - 1; i > 0; i--) {
    const j = words.below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Keyed 32-bit words for `n` instances (two per instance: host.ts InstanceTags). */
export function keyedWords(key: Buffer, label: string, n: number): Uint32Array {
  const words = new KeyedWords(key, label);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = words.next();
  return out;
}
