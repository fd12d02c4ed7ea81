// Arrays that grow with a table's rows are never spread into a call (push(...a), Math.max(...a),
// add(...a)): V8 passes each element as an argument and overflows the stack past ~150,000 of them,
// as HeteroLR's validation did at 2.7M rows (issue 17). Each path below is given 500,000 elements.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentContext, ComponentInput, Tracker } from '../../src/components/contract.js';
import type { DataTable } from '../../src/tableData/dataTable.js';
import { generatePaillierKeyPair } from '../../src/components/crypto/paillier.js';
import { chooseIds } from '../../src/components/federatedSample/sampling.js';
import { PaillierCipher, PlaintextCipherForTestsOnly } from '../../src/components/linearModel/cipher.js';
import type { BoostingTreeParam } from '../../src/components/heteroSecureBoost/params.js';
import type { Peers } from '../../src/components/heteroSecureBoost/protocol.js';
import { boostingValidator } from '../../src/components/heteroSecureBoost/validation.js';
import { pushAll } from '../../src/components/pushAll.js';

const t = suite('row-sized arrays are never spread into a call');
const N = 500_000;

t('given 500,000 elements, when appended with pushAll, then all are there in order', () => {
  const target = [-1];
  pushAll(target, Array.from({ length: N }, (_, i) => i));
  assert.is(target.length, N + 1);
  assert.is(target[0], -1);
  assert.is(target[N], N - 1);
});

t('given 500,000 rows of one label, when FederatedSample stratifies them all, then every id is chosen', () => {
  const table: DataTable = { schema: { header: [], sid_name: 'id' }, rows: Array.from({ length: N }, (_, i) => [String(i), { features: [], label: 1 }]) };
  const { ids } = chooseIds(table, { mode: 'stratified', method: 'downsample', fractions: [[1, 1]], randomState: 1, taskType: 'hetero', needRun: true }, () => 0.5);
  assert.is(ids.length, N);
  assert.is(new Set(ids).size, N);
});

t('given 500,000 ciphertexts (a full HeteroGLM batch), when summed, then the sum decrypts to their total', () => {
  assert.is(new PlaintextCipherForTestsOnly().sum(Array.from({ length: N }, () => 1)), N);
  const { publicKey, privateKey } = generatePaillierKeyPair(256);
  const one = publicKey.encrypt(1n);
  assert.is(privateKey.decrypt(new PaillierCipher(publicKey).sum(new Array<bigint>(N).fill(one)) as bigint), BigInt(N));
});

t('given 500,000 train rows, when HeteroSecureBoost validates a round, then Evaluation scores them', async () => {
  const logged: string[] = [];
  const tracker: Tracker = { logMetricData: (ns, name, points) => void logged.push(`${ns}:${name}:${points.length}`), setMetricMeta: () => {}, setProgress: () => {} };
  const ctx = { tracker, signal: new AbortController().signal } as unknown as ComponentContext;
  const input = { role: 'guest', data: { train_data: { schema: { header: [], sid_name: 'id' }, rows: [] } } } as unknown as ComponentInput;
  const validation = { freqs: 1, earlyStoppingRounds: null, metrics: ['auc'], useFirstMetricOnly: false };
  const hook = boostingValidator(input, ctx, {} as BoostingTreeParam, validation, {} as Peers, 'binary');
  const rows: DataTable['rows'] = Array.from({ length: N }, (_, i) => {
    const label = i % 2;
    const score = label === 1 ? 0.6 + (i % 1000) / 10_000 : 0.3 + (i % 1000) / 10_000;
    return [String(i), [label, score > 0.5 ? 1 : 0, score, { '0': 1 - score, '1': score }, 'train']];
  });
  await hook.after(0, () => ({}) as never, () => rows);
  assert.ok(logged.some((l) => l.startsWith('train:iteration_0')), `logged: ${logged.join(', ')}`);
});

t.run();
