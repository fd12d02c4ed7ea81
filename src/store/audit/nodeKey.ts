// The key a node signs its chain checkpoints with: the party's TLS key in cluster mode, otherwise
// `<data-dir>/node-key.pem` (Ed25519, created 0600 on first start).
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { CheckpointSigner } from './checkpoint.js';

export const NODE_KEY_FILE = 'node-key.pem';

export function nodeKeySigner(dataDir: string, tlsKeyFile?: string): CheckpointSigner {
  if (tlsKeyFile) return { privateKeyPem: readFileSync(tlsKeyFile, 'utf8') };
  const file = join(dataDir, NODE_KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // wx: never overwrite a key another process created a moment ago.
    try {
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(file, 0o600);
  }
  return { privateKeyPem: readFileSync(file, 'utf8') };
}
