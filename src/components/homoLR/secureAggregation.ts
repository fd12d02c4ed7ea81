// Secure aggregation by pairwise masks that cancel (FATE 1.x framework/homo random_padding_cipher,
// Bonawitz et al. without dropout recovery). Every pair of training parties agrees on a secret by
// X25519; each party expands every pair secret with a PRG (ChaCha20 keystream, one stream per
// round) into a pad per vector element and adds it with + sign towards a peer ranked after it and
// − sign towards one ranked before. Values are fixed point in the ring Z/2^128, so the pads cancel
// exactly in the arbiter's sum and each single upload is uniformly random to the arbiter.
//
// Why X25519 exchanged party-to-party (not FATE's DH relayed by the arbiter): the federation
// authenticates the sending party, so the arbiter can neither read the pair secrets nor stand in
// the middle of the exchange.
import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';

const RING_BITS = 128n;
const RING = 1n << RING_BITS;
const HALF_RING = RING >> 1n;
/** Fractional bits of the fixed-point encoding: 2^-48 ≈ 3.6e-15 resolution, 2^79 of headroom. */
export const SCALE_BITS = 48;
const SCALE = 2 ** SCALE_BITS;
const LIMIT = 2 ** 126;
const BYTES_PER_ELEMENT = 16;

/** One party's ephemeral X25519 key pair; the public half travels as the JWK `x` (base64url). */
export class KeyAgreement {
  private readonly privateKey: KeyObject;
  readonly publicKey: string;

  constructor() {
    const pair = generateKeyPairSync('x25519');
    this.privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    if (typeof jwk.x !== 'string') throw new Error('X25519 public key has no x');
    this.publicKey = jwk.x;
  }

  /**
   * The pair's 32-byte mask key: HKDF-SHA256 of the X25519 secret, bound to the task (`context`)
   * and the two parties (in rank order), so both ends derive the same key and no other pair can.
   */
  pairKey(peerPublicKey: string, context: string, lowParty: string, highParty: string): Buffer {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: peerPublicKey }, format: 'jwk' });
    const secret = diffieHellman({ privateKey: this.privateKey, publicKey });
    return Buffer.from(hkdfSync('sha256', secret, Buffer.from(context), Buffer.from(`fedflow pairwise mask\0${lowParty}\0${highParty}`), 32));
  }
}

/** x as a ring element: round(x·2^48) mod 2^128. */
export function encodeFixed(x: number): bigint {
  const scaled = Math.round(x * SCALE);
  if (!Number.isFinite(scaled) || Math.abs(scaled) >= LIMIT) throw new Error(`secure aggregation: ${x} does not fit the fixed-point ring`);
  const v = BigInt(scaled);
  return v < 0n ? v + RING : v;
}

/** A ring element read as a signed fixed-point number. */
export function decodeFixed(v: bigint): number {
  const signed = v >= HALF_RING ? v - RING : v;
  return Number(signed) / SCALE;
}

/** `count` ring elements from ChaCha20 keyed by the pair key; `round` and `stream` select the nonce. */
export function pad(key: Buffer, round: number, stream: number, count: number): bigint[] {
  const iv = Buffer.alloc(16); // 4-byte block counter (0), then the 12-byte nonce
  iv.writeUInt32LE(round >>> 0, 4);
  iv.writeUInt32LE(stream >>> 0, 8);
  const bytes = createCipheriv('chacha20', key, iv).update(Buffer.alloc(count * BYTES_PER_ELEMENT));
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * BYTES_PER_ELEMENT;
    out.push((bytes.readBigUInt64LE(at) << 64n) | bytes.readBigUInt64LE(at + 8));
  }
  return out;
}

export interface PeerKey {
  /** +1 when this party ranks before the peer, −1 after: the pair's two pads cancel. */
  readonly sign: 1 | -1;
  readonly key: Buffer;
}

/** Masks one party's vectors for the arbiter's sum. */
export class PairwiseMasker {
  constructor(private readonly peers: readonly PeerKey[]) {
    if (peers.length === 0) throw new Error('secure aggregation needs at least one peer');
  }

  /** The fixed-point vector plus every pair's pad; `stream` keeps different vectors of a round apart. */
  mask(values: readonly number[], round: number, stream: number): bigint[] {
    const out = values.map(encodeFixed);
    for (const peer of this.peers) {
      const p = pad(peer.key, round, stream, out.length);
      for (let j = 0; j < out.length; j++) {
        const v = peer.sign === 1 ? out[j]! + p[j]! : out[j]! - p[j]!;
        out[j] = v < 0n ? v + RING : v >= RING ? v - RING : v;
      }
    }
    return out;
  }
}

/** The arbiter's side: the sum of every party's masked vector, decoded (the pads cancel). */
export function sumMasked(uploads: readonly (readonly bigint[])[]): number[] {
  const length = uploads[0]?.length ?? 0;
  const sum = new Array<bigint>(length).fill(0n);
  for (const u of uploads) {
    if (u.length !== length) throw new Error(`secure aggregation: uploads differ in length (${u.length} vs ${length})`);
    for (let j = 0; j < length; j++) {
      const v = u[j]!;
      if (typeof v !== 'bigint' || v < 0n || v >= RING) throw new Error('secure aggregation: an upload is not a ring vector');
      sum[j] = (sum[j]! + v) % RING;
    }
  }
  return sum.map(decodeFixed);
}
