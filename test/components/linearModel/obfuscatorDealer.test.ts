import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartyRef } from '../../../src/components/contract.js';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { ObfuscatorDealer, type DealerPlan } from '../../../src/components/linearModel/obfuscatorDealer.js';

const t = suite('HeteroLR/ObfuscatorDealer (512-bit)');
const { publicKey, privateKey } = generatePaillierKeyPair(512);
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };

const plan = (steps: number): DealerPlan => ({
  steps,
  tag: (step) => `${step}.0`,
  shares: () => [{ party: HOST, count: 5 }, { party: GUEST, count: 4 }],
  window: 2,
});
const settle = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

t('given a window of 2 steps, then it deals ahead only that far, each party its own count of fresh n-th residues', async () => {
  const sent: { tag: string; to: string; values: bigint[] }[] = [];
  const dealer = new ObfuscatorDealer(privateKey, plan(5), async (tag, values, to) => void sent.push({ tag, to: to.role, values }), 0);
  await settle(() => sent.length === 4);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sent.map((s) => `${s.tag}:${s.to}:${s.values.length}`), ['0.0:host:5', '0.0:guest:4', '1.0:host:5', '1.0:guest:4']);
  dealer.advance(1);
  await settle(() => sent.length === 6);
  dealer.advance(4);
  await settle(() => sent.length === 10);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(sent.length, 10, 'never beyond the plan');
  const all = sent.flatMap((s) => s.values);
  assert.is(new Set(all).size, all.length);
  for (const z of all) assert.is(privateKey.decrypt(publicKey.encrypt(31n, z)), 31n);
  const dealt = await dealer.stop();
  assert.is(dealt(HOST), 5);
  assert.is(dealt(GUEST), 5);
});

t('given an early stop, then it reports per party how many steps it dealt', async () => {
  const sent: string[] = [];
  const dealer = new ObfuscatorDealer(privateKey, plan(10), async (tag, _values, to) => void sent.push(`${tag}:${to.role}`), 0);
  await settle(() => sent.length === 4);
  const dealt = await dealer.stop();
  assert.is(dealt(HOST), 2);
  assert.is(dealt(GUEST), 2);
});

t('given a failing send, then `failed` rejects and stop rethrows', async () => {
  const dealer = new ObfuscatorDealer(privateKey, plan(3), async () => {
    throw new Error('link down');
  }, 0);
  try {
    await dealer.failed;
    assert.unreachable('failed should reject');
  } catch (error) {
    assert.match((error as Error).message, /link down/);
  }
  assert.throws(() => dealer.advance(1), /link down/);
  try {
    await dealer.stop();
    assert.unreachable('stop should rethrow');
  } catch (error) {
    assert.match((error as Error).message, /link down/);
  }
});

t.run();
