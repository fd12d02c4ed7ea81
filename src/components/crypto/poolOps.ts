/**
 * The operations the crypto helper threads run (cryptoPool.ts), by name, each on one mini-batch.
 * The calling thread runs the same functions when there are no helpers or the input is small, so
 * every path gives the same numbers. Arguments and results are structured-cloneable; results'
 * byte buffers are transferred, not copied.
 */
import type { KeyObject } from 'node:crypto';
import { PaillierPublicKey } from './paillier.js';
import { type RsaPrivateKey, type RsaPublicKey, rsaKeyObject } from './rsa.js';
import { type SlotSigner, blindIds, fixedPower, hostDoubleHashes, signSlots, slotSigner, unblindToDoubleHashes } from './rsaBatch.js';

/** Small per-thread caches: key objects are built once per key, not once per batch (the last few keys only). */
function lru<V>(limit: number): (id: string, make: () => V) => V {
  const entries = new Map<string, V>();
  return (id, make) => {
    let value = entries.get(id);
    if (value === undefined) {
      value = make();
      entries.set(id, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    }
    return value;
  };
}

const signers = lru<SlotSigner>(2);
const powers = lru<(r: bigint) => bigint>(4);
const signerFor = (key: RsaPrivateKey): SlotSigner =>
  signers(`${key.n}`, () => slotSigner(key, rsaKeyObject(key) as KeyObject | undefined));
const powerFor = (key: RsaPublicKey) => powers(`${key.n}:${key.e}`, () => fixedPower(key));
const paillierKeys = lru<PaillierPublicKey>(4);

export interface RsaHashing {
  salt: string;
  hashMethod: string;
  finalHashMethod: string;
  randomBit: number;
}

export const poolOps = {
  'rsa.hostDoubleHashes': (a: { key: RsaPrivateKey; ids: string[]; hashing: RsaHashing }) =>
    hostDoubleHashes(signerFor(a.key), a.key.n, a.ids, a.hashing.salt, a.hashing.hashMethod, a.hashing.finalHashMethod),
  'rsa.signSlots': (a: { key: RsaPrivateKey; packed: Uint8Array }) => signSlots(signerFor(a.key), a.key.n, a.packed),
  'rsa.blindIds': (a: { key: RsaPublicKey; ids: string[]; hashing: RsaHashing }) =>
    blindIds(a.key, a.ids, a.hashing.salt, a.hashing.hashMethod, a.hashing.randomBit, powerFor(a.key)),
  'rsa.unblind': (a: { key: RsaPublicKey; signed: Uint8Array; rs: Uint8Array; hashing: RsaHashing }) =>
    unblindToDoubleHashes(a.key, a.signed, a.rs, a.hashing.randomBit, a.hashing.salt, a.hashing.finalHashMethod),
  /** Paillier: [[Σ_i k_ij · a_i]] = Π c_i^k_ij mod n² for each column j (Pippenger; signed k). */
  'paillier.dots': (a: { n: bigint; cts: bigint[]; columns: bigint[][] }) => {
    const key = paillierKeys(`${a.n}`, () => new PaillierPublicKey(a.n));
    return a.columns.map((ks) => key.dotPippenger(a.cts, ks));
  },
};

export type PoolOps = typeof poolOps;
export type PoolOpName = keyof PoolOps;
export type PoolArgs<K extends PoolOpName> = Parameters<PoolOps[K]>[0];
export type PoolResult<K extends PoolOpName> = ReturnType<PoolOps[K]>;

/** The ArrayBuffers of a result, to transfer rather than copy. */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  if (value instanceof Uint8Array || value instanceof Float64Array || value instanceof Int32Array) {
    return value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? [value.buffer] : [];
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.values(value).flatMap(transferablesOf);
  return [];
}
