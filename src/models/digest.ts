// Content hashes of a pipeline model: sha256 per buffer, and one for the whole model over the
// sorted (key, buffer digest) pairs, so two stores hold the same model exactly when it matches.
import { createHash } from 'node:crypto';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function modelDigest(buffers: readonly { readonly key: string; readonly sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const b of [...buffers].sort((a, c) => (a.key < c.key ? -1 : a.key > c.key ? 1 : 0))) hash.update(`${b.key}\n${b.sha256}\n`);
  return hash.digest('hex');
}
