// Job receipts: a party's signed statement verifies against the federation CA; any change to it,
// another party's key, a certificate from another CA or a bare key is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { certsInit } from '../../../src/federation/certs.js';
import { canonicalDigest, canonicalJson, checkReceipt, RECEIPT_KIND, receiptSigner, type Receipt, type SignedReceipt } from '../../../src/federation/receipts/receipt.js';
import { tempDir } from '../../support/http.js';

const dir = tempDir('receipts');
const t = suite('job receipts: signing and checking');
let ca: Buffer;
let other: { ca: Buffer; key: Buffer; cert: Buffer };
let party: Record<string, { key: Buffer; cert: Buffer }>;

t.before(() => {
  const paths = certsInit({ dir: join(dir, 'fed'), partyIds: ['9999', '10000'] });
  ca = readFileSync(join(dir, 'fed', 'ca.crt'));
  party = Object.fromEntries([...paths].map(([id, p]) => [id, { key: readFileSync(p.key), cert: readFileSync(p.cert) }]));
  const foreign = certsInit({ dir: join(dir, 'foreign'), partyIds: ['9999'] }).get('9999')!;
  other = { ca: readFileSync(foreign.ca), key: readFileSync(foreign.key), cert: readFileSync(foreign.cert) };
});
t.after(() => rmSync(dir, { recursive: true, force: true }));

const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  kind: RECEIPT_KIND, version: 1, jobId: '2026120616000000000001', partyId: '9999', initiatorPartyId: '9999',
  roles: { guest: 'success' }, dslSha256: 'a'.repeat(64), confSha256: 'b'.repeat(64), models: { guest: 'c'.repeat(64) },
  chainHead: { position: '42', hash: 'd'.repeat(64) }, signedAt: 1_796_000_000_000, ...over,
});
const signAs = (id: string, r: Receipt = receipt()): SignedReceipt => receiptSigner({ privateKeyPem: party[id]!.key, certificatePem: party[id]!.cert })(r);

t('a receipt signed with the party key verifies against the CA and names its party', () => {
  const check = checkReceipt(signAs('9999'), ca);
  assert.ok(check.valid, !check.valid ? check.reason : '');
  assert.ok(check.valid && check.proven);
  assert.is(check.valid && check.receipt.roles.guest, 'success');
});

t('a forged receipt (the signed status changed afterwards) is refused', () => {
  const signed = signAs('9999');
  const forged = { ...signed, payload: signed.payload.replace('"success"', '"failed"') };
  assert.is.not(forged.payload, signed.payload);
  const check = checkReceipt(forged, ca);
  assert.not.ok(check.valid);
  assert.match(!check.valid ? check.reason : '', /signature does not match/);
  // A changed chain head, DSL digest or signature byte: the same.
  for (const payload of [signed.payload.replace('"42"', '"43"'), signed.payload.replace('a'.repeat(64), 'e'.repeat(64))]) assert.not.ok(checkReceipt({ ...signed, payload }, ca).valid);
  const sig = Buffer.from(signed.signature, 'base64');
  sig[sig.length - 1] ^= 1;
  assert.not.ok(checkReceipt({ ...signed, signature: sig.toString('base64') }, ca).valid);
});

t('a receipt in another party\'s name is refused, even with a valid signature', () => {
  const check = checkReceipt(signAs('10000', receipt({ partyId: '9999' })), ca);
  assert.not.ok(check.valid);
  assert.match(!check.valid ? check.reason : '', /receipt of party 9999 signed with the certificate of party 10000/);
});

t('a certificate from another CA, or a bare key, is refused in a federation with a CA', () => {
  const foreign = receiptSigner({ privateKeyPem: other.key, certificatePem: other.cert })(receipt());
  const check = checkReceipt(foreign, ca);
  assert.not.ok(check.valid);
  assert.match(!check.valid ? check.reason : '', /not issued by this federation's CA/);
  assert.ok(checkReceipt(foreign, other.ca).valid, 'valid in its own federation');
  const bare = receiptSigner({ privateKeyPem: party['9999']!.key })(receipt());
  assert.match((checkReceipt(bare, ca) as { reason: string }).reason, /bare key/);
});

t('on an insecure federation a bare key shows the receipt unchanged, but proves no party', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const signed = receiptSigner({ privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) })(receipt());
  const check = checkReceipt(signed);
  assert.ok(check.valid && !check.proven);
  assert.not.ok(checkReceipt({ ...signed, payload: signed.payload.replace('"success"', '"failed"') }).valid);
});

t('not a receipt: a clear reason', () => {
  const signed = signAs('9999');
  assert.match((checkReceipt({ ...signed, payload: '{"kind":"other"}' }, ca) as { reason: string }).reason, /not a receipt: kind must be/);
  assert.match((checkReceipt({ ...signed, payload: 'not json' }, ca) as { reason: string }).reason, /not a receipt/);
  assert.match((checkReceipt({ ...signed, signer: 'garbage' }) as { reason: string }).reason, /unreadable signer/);
});

t('canonical JSON: one text whatever the key order, so digests compare across parties', () => {
  assert.is(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  assert.is(canonicalDigest({ a: 1, b: 2 }), canonicalDigest({ b: 2, a: 1 }));
  assert.is.not(canonicalDigest({ a: 1 }), canonicalDigest({ a: 2 }));
});

t.run();
