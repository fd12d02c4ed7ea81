// Signed checkpoints of the hash chain: "at position P the chain head was H", signed with the
// party's TLS key (cluster mode) or the node key. A checkpoint pins everything up to P: cutting
// the log's tail, or re-hashing the whole log after an edit, no longer matches a signed head.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** The key that signs checkpoints, as PEM text (it crosses to the writer thread). */
export interface CheckpointSigner {
  readonly privateKeyPem: string;
}

export interface Checkpoint {
  readonly position: bigint;
  readonly hash: string;
  readonly created: number;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  readonly keyId: string;
  readonly publicKey: string;
  /** base64 */
  readonly signature: string;
}

/** Events between two checkpoints, unless the store is told otherwise. */
export const DEFAULT_CHECKPOINT_EVERY = 1000;

function payload(position: bigint, hash: string, created: number): Buffer {
  return Buffer.from(`fedflow-chain-checkpoint\n${position}\n${hash}\n${created}`);
}

/** Ed25519 signs without a separate digest; EC and RSA keys (TLS) sign SHA-256. */
export function digestFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/**
 * A signing key parsed once, with its public half and id: what the sqlite store hands its writer
 * thread (a KeyObject crosses to a worker as it is), so the writer does not parse PEM and derive
 * the public key while the first appends wait for it.
 */
export interface PreparedSigner {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;
}

export function prepareSigner(signer: CheckpointSigner | PreparedSigner): PreparedSigner {
  if ('privateKey' in signer) return signer;
  const privateKey = createPrivateKey(signer.privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey) };
}

/** Signs checkpoints with one key (parsed once). */
export function checkpointSigner(signer: CheckpointSigner | PreparedSigner): (position: bigint, hash: string, created: number) => Checkpoint {
  const { privateKey, publicKeyPem, keyId } = prepareSigner(signer);
  const digest = digestFor(privateKey);
  return (position, hash, created) => ({
    position, hash, created, keyId, publicKey: publicKeyPem,
    signature: sign(digest, payload(position, hash, created), privateKey).toString('base64'),
  });
}

/** Whether the checkpoint's signature is valid for the public key it names (and that key is the expected one, if given). */
export function checkpointSignatureValid(cp: Checkpoint, expectedKeyId?: string): boolean {
  try {
    const key = createPublicKey(cp.publicKey);
    if (keyIdOf(key) !== cp.keyId) return false;
    if (expectedKeyId !== undefined && cp.keyId !== expectedKeyId) return false;
    return verify(digestFor(key), payload(cp.position, cp.hash, cp.created), key, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}
