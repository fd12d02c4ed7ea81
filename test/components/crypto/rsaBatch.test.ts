import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { modInv, randomBelow } from '../../../src/components/crypto/bigint.js';
import {
  finalHash,
  generateRsaKeyPair,
  hashToBigInt,
  rsaBlind,
  rsaSign,
  rsaUnblind,
  rsaVerify,
} from '../../../src/components/crypto/rsa.js';
import {
  batchInverse,
  blindIds,
  fromSlot,
  hostDoubleHashes,
  packResidues,
  signSlots,
  slotSigner,
  slotWidth,
  unblindToDoubleHashes,
  unpackResidues,
} from '../../../src/components/crypto/rsaBatch.js';

const t = suite('crypto/rsaBatch');

const { publicKey, privateKey } = generateRsaKeyPair(512);
const ids = ['a', 'b', 'shared', '1', ''];
const hex = (packed: Uint8Array, i: number) => Buffer.from(packed.subarray(i * 32, (i + 1) * 32)).toString('hex');

t('given values, when packed and unpacked, then they come back reduced mod n', () => {
  const values = [0n, 1n, publicKey.n - 1n, publicKey.n + 5n, -3n];
  assert.equal(unpackResidues(packResidues(values, publicKey.n), slotWidth(publicKey.n)), [0n, 1n, publicKey.n - 1n, 5n, publicKey.n - 3n]);
});

t('given packed residues, when signed in a batch, then each equals the BigInt CRT signature', () => {
  const values = [0n, 1n, 2n, ...Array.from({ length: 20 }, () => randomBelow(publicKey.n))];
  const signed = unpackResidues(signSlots(slotSigner(privateKey), publicKey.n, packResidues(values, publicKey.n)), slotWidth(publicKey.n));
  assert.equal(signed, values.map((x) => rsaSign(x, privateKey)));
});

t('given own ids, when the host double-hashes a batch, then t = H2(sign(H1(id + salt))) as in rsa.ts', () => {
  const packed = hostDoubleHashes(slotSigner(privateKey), publicKey.n, ids, 'salt', 'sha256', 'sha256');
  ids.forEach((id, i) => assert.is(hex(packed, i), finalHash(rsaSign(hashToBigInt(id, 'salt'), privateKey), 'salt')));
});

t('given values, when inverted as a batch, then each is the modular inverse; a non-unit is refused', () => {
  const values = Array.from({ length: 9 }, () => randomBelow(publicKey.n - 2n) + 2n);
  assert.equal(batchInverse(values, publicKey.n), values.map((v) => modInv(v, publicKey.n)));
  assert.throws(() => batchInverse([3n, privateKey.p], publicKey.n), /not invertible/);
});

t('given guest ids, when blinded, signed and unblinded in batches, then the guest gets the host t of each id', () => {
  const { blinded, rs } = blindIds(publicKey, ids, '', 'sha256', 128);
  const width = slotWidth(publicKey.n);
  ids.forEach((id, i) => {
    const r = fromSlot(rs, i, 16);
    assert.ok(r > 1n && r < 2n ** 128n);
    const y = fromSlot(blinded, i, width);
    assert.is(y, rsaBlind(hashToBigInt(id), r, publicKey));
    assert.is.not(rsaVerify(y, publicKey), hashToBigInt(id) % publicKey.n, 'y is blinded, not H1(id)');
  });
  const signed = signSlots(slotSigner(privateKey), publicKey.n, blinded);
  const ts = unblindToDoubleHashes(publicKey, signed, rs, 128, '', 'sha256');
  ids.forEach((id, i) => {
    const z = fromSlot(signed, i, width);
    assert.is(finalHash(rsaUnblind(z, fromSlot(rs, i, 16), publicKey)), hex(ts, i));
    assert.is(hex(ts, i), finalHash(rsaSign(hashToBigInt(id), privateKey)));
  });
});

t('given two blindings of the same ids, then the blinding factors differ', () => {
  const a = blindIds(publicKey, ids, '', 'sha256', 128);
  const b = blindIds(publicKey, ids, '', 'sha256', 128);
  assert.is.not(Buffer.from(a.rs).toString('hex'), Buffer.from(b.rs).toString('hex'));
});

t.run();
