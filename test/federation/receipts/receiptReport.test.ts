// What `fedflow audit job` says about a set of recorded receipts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { certsInit } from '../../../src/federation/certs.js';
import { RECEIPT_KIND, receiptSigner, type Receipt } from '../../../src/federation/receipts/receipt.js';
import { receiptReport } from '../../../src/federation/receipts/receiptReport.js';
import type { RecordedEvent } from '../../../src/store/eventStore.js';
import { tempDir } from '../../support/http.js';

const dir = tempDir('receipt-report');
const t = suite('job receipts: the report');
let ca: Buffer;
let sign: Record<string, (r: Receipt) => ReturnType<ReturnType<typeof receiptSigner>>>;
const parties = ['10000', '10001', '9999'];

t.before(() => {
  const paths = certsInit({ dir, partyIds: parties });
  ca = readFileSync(join(dir, 'ca.crt'));
  sign = Object.fromEntries([...paths].map(([id, p]) => [id, receiptSigner({ privateKeyPem: readFileSync(p.key), certificatePem: readFileSync(p.cert) })]));
});
t.after(() => rmSync(dir, { recursive: true, force: true }));

const receipt = (partyId: string, role: string, over: Partial<Receipt> = {}): Receipt => ({
  kind: RECEIPT_KIND, version: 1, jobId: 'j1', partyId, initiatorPartyId: '9999', roles: { [role]: 'success' }, dslSha256: 'a'.repeat(64), confSha256: 'b'.repeat(64),
  models: {}, chainHead: { position: '7', hash: 'c'.repeat(64) }, signedAt: 1, ...over,
});
let position = 0n;
const event = (signed: { payload: string; signature: string; signer: string }, partyId: string): RecordedEvent => ({
  id: `e${++position}`, streamId: 'receipts-j1', type: 'JobReceiptRecorded', revision: position, position, created: 1, metadata: {},
  data: { jobId: 'j1', partyId, ...signed, receivedFrom: partyId, at: 1 },
});
const all = (over: Partial<Record<string, Partial<Receipt>>> = {}) => [
  event(sign['9999']!(receipt('9999', 'guest', over['9999'])), '9999'),
  event(sign['10000']!(receipt('10000', 'host', over['10000'])), '10000'),
  event(sign['10001']!(receipt('10001', 'arbiter', over['10001'])), '10001'),
];

t('every party signed the same DSL, conf and outcome: agreed', () => {
  const r = receiptReport('j1', parties, all(), ca);
  assert.ok(r.agreed, r.verdict);
  assert.equal(r.missing, []);
  assert.ok(r.receipts.every((x) => x.signature_valid && x.proven));
  assert.match(r.verdict, /all 3 parties signed: same DSL and conf, outcome success/);
});

t('a party that ran another conf, or ended otherwise: not agreed, and why', () => {
  const conf = receiptReport('j1', parties, all({ '10000': { confSha256: 'f'.repeat(64) } }), ca);
  assert.not.ok(conf.agreed);
  assert.not.ok(conf.same_conf);
  assert.match(conf.verdict, /different runtime confs/);
  const outcome = receiptReport('j1', parties, all({ '10001': { roles: { arbiter: 'failed' } } }), ca);
  assert.not.ok(outcome.same_outcome);
  assert.match(outcome.verdict, /different outcomes/);
});

t('a forged receipt in the log is named, and its party counts as missing', () => {
  const events = all();
  const d = events[1]!.data as { payload: string };
  (events[1] as { data: unknown }).data = { ...d, payload: d.payload.replace('"host":"success"', '"host":"failed"') };
  const r = receiptReport('j1', parties, events, ca);
  assert.not.ok(r.agreed);
  assert.not.ok(r.all_valid);
  assert.equal(r.missing, ['10000']);
  assert.match(r.verdict, /party 10000's receipt is not valid: the signature does not match/);
});

t('a missing party', () => {
  const r = receiptReport('j1', parties, all().slice(0, 2), ca);
  assert.not.ok(r.agreed);
  assert.equal(r.missing, ['10001']);
});

t.run();
