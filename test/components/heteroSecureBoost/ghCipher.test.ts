import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { PaillierGhCipher, paillierDecryptor } from '../../../src/components/heteroSecureBoost/ghCipher.js';

const t = suite('HeteroSecureBoost/PaillierGhCipher (512-bit)');
const { publicKey, privateKey } = generatePaillierKeyPair(512);
const decryptor = paillierDecryptor(privateKey);

t('given the private key (the guest), then g/h encryptions use CRT obfuscators, with or without helper threads, and decrypt back', async () => {
  const cipher = new PaillierGhCipher(publicKey, 'standard', privateKey);
  const values = Array.from({ length: 40 }, (_, i) => BigInt(i * 7919) - 100_000n);
  const direct = values.map((m) => cipher.encrypt(m));
  assert.equal(direct.map((c) => decryptor.decrypt(c)), values);
  cipher.prefetch(80, 40);
  try {
    const first = await cipher.encryptAll(values);
    const second = await cipher.encryptAll(values);
    assert.equal(first.map((c) => decryptor.decrypt(c)), values);
    assert.equal(second.map((c) => decryptor.decrypt(c)), values);
    assert.is(new Set([...direct, ...first, ...second]).size, 120, 'every encryption is freshly randomised');
  } finally {
    cipher.close();
  }
});

t('given only the public key, then it still encrypts (rⁿ) and the DJN opt-in is unchanged', async () => {
  for (const cipher of [new PaillierGhCipher(publicKey), new PaillierGhCipher(publicKey, 'djn', privateKey)]) {
    const cts = await cipher.encryptAll([5n, -6n]);
    assert.equal(cts.map((c) => decryptor.decrypt(c)), [5n, -6n]);
    cipher.close();
  }
});

t.run();
