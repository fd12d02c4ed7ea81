import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { heteroLR } from '../../../src/components/heteroLR/heteroLR.js';
import { FEATURE_BITS, PaillierCipher, PRODUCT_BITS, RESIDUAL_BITS } from '../../../src/components/linearModel/cipher.js';
import { readParams } from '../../../src/components/linearModel/params.js';
import { generatePaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { modInv } from '../../../src/components/crypto/bigint.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';

const t = suite('HeteroLR');

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };

/** FATE's example params (examples/dsl/v2/hetero_logistic_regression). */
const EXAMPLE = {
  penalty: 'L2',
  alpha: 0.01,
  optimizer: 'nesterov_momentum_sgd',
  learning_rate: 0.15,
  max_iter: 30,
  batch_size: -1,
  tol: 0.0001,
  early_stop: 'weight_diff',
  init_param: { init_method: 'random_uniform', fit_intercept: true, random_seed: 103 },
};

async function run(params: Record<string, unknown>, log?: Sent[]) {
  const { guest, host } = await breast();
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return log ? { ...c, federation: recording(c.federation, self, log) } : c;
  };
  const g = ctx(GUEST);
  const h = ctx(HOST);
  const a = ctx(ARBITER);
  const input = (role: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const started = Date.now();
  const [go, ho, ao] = await Promise.all([heteroLR(input('guest', guest), g), heteroLR(input('host', host), h), heteroLR(input('arbiter'), a)]);
  const ms = Date.now() - started;
  assert.is(job.undelivered(), 0);
  return { guest: go, host: ho, arbiter: ao, arbiterTracker: a.tracker, ms };
}

type PredictRow = [number, number, number, Record<string, number>, string];
const rowsOf = (out: ComponentOutput) => out.data!.rows as [string, PredictRow][];
const param = (out: ComponentOutput) => out.model!.HeteroLogisticRegressionParam as Record<string, any>;

function trainAuc(out: ComponentOutput): number {
  const rows = rowsOf(out);
  return auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2]));
}

t('given breast in plaintext mode with the example params, then AUC ≥ 0.98, the loss decreases and the outputs have FATE shape', async () => {
  const out = await run({ ...EXAMPLE, encrypt_param: { method: null } });
  const a = trainAuc(out.guest);
  console.log(`    plaintext 30 iters: AUC ${a.toFixed(6)}, ${out.ms} ms`);
  assert.ok(a >= 0.98, `auc ${a}`);
  const loss = out.arbiterTracker.get('train', 'loss');
  assert.equal(loss.meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  const values = loss.data.map(([, v]) => v as number);
  assert.equal(loss.data.map(([k]) => k), values.map((_, i) => i));
  assert.ok(values.length >= 2);
  // Nesterov momentum from a U[0,1) start overshoots early, so the loss falls overall, not monotonically.
  const last = values[values.length - 1]!;
  assert.ok(last < values[0]! / 10 && last < 0.36, `loss ${values}`);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const third = Math.floor(values.length / 3);
  assert.ok(mean(values.slice(-third)) < mean(values.slice(third, 2 * third)) && mean(values.slice(third, 2 * third)) < mean(values.slice(0, third)), `loss ${values}`);
  console.log(`    loss ${values[0]!.toFixed(6)} → ${values[values.length - 1]!.toFixed(6)}`);

  assert.equal(out.guest.data!.schema, { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' });
  assert.is(out.guest.data!.rows.length, 569);
  for (const [, r] of rowsOf(out.guest)) {
    assert.is(r[4], 'train');
    assert.is(r[3]['1'], r[2]);
    assert.ok(Math.abs(r[3]['0']! + r[3]['1']! - 1) < 1e-12);
    assert.is(r[1], r[2] > 0.5 ? 1 : 0);
  }
  const gp = param(out.guest);
  assert.equal(Object.keys(gp.weight), ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']);
  assert.is(typeof gp.intercept, 'number');
  assert.equal([gp.bestIteration, gp.needOneVsRest, gp.iters], [-1, false, values.length]);
  const hp = param(out.host);
  assert.is(Object.keys(hp.weight).length, 20);
  assert.is(hp.intercept, 0);
  assert.equal(param(out.arbiter).lossHistory, values);
  assert.is(out.guest.modelModule, 'HeteroLR');
  assert.equal(out.guest.model!.HeteroLogisticRegressionMeta, {
    penalty: 'L2', tol: 0.0001, alpha: 0.01, optimizer: 'nesterov_momentum_sgd', batchSize: '-1', learningRate: 0.15, maxIter: '30', earlyStop: 'weight_diff', fitIntercept: true, needOneVsRest: false,
  });
  assert.is(out.host.data, undefined);
});

/** The examples' hetero_lr_0 (test/fixtures/examples/standalone/hetero_lr_conf.json). */
const EXAMPLE_CONF = {
  penalty: 'L2', optimizer: 'rmsprop', tol: 0.0001, alpha: 0.01, max_iter: 30, early_stop: 'diff', batch_size: -1, learning_rate: 0.15,
  init_param: { init_method: 'zeros' },
};

t('given the examples conf (rmsprop from zeros), then the loss starts at ln 2, its one jump is FATE\'s first RMSProp step, and it falls from then on', async () => {
  const out = await run({ ...EXAMPLE_CONF, encrypt_param: { method: null } });
  const values = param(out.arbiter).lossHistory as number[];
  assert.is(values.length, 30);
  assert.ok(Math.abs(values[0]! - Math.LN2) < 1e-12, `first loss ${values[0]}`);
  // Why iteration 1 is high: RMSProp's first step is lr·g/√(0.01·g² + 1e-6) ≈ 10·lr = 1.5 for EVERY
  // coefficient (FATE's optimizer.py, the same in FATE), and the Taylor loss ⅛·mean(wx²) of such weights
  // is large. Recompute it centrally with FATE's formulas: the series is right, not mis-decoded.
  const { guest, host } = await breast();
  const hostBy = new Map(host.rows);
  const xs = guest.rows.map(([k, i]) => ({ g: i.features, h: hostBy.get(k)!.features, y: i.label === 1 ? 1 : -1 }));
  const n = xs.length;
  const grad = (col: (r: (typeof xs)[number]) => number) => xs.reduce((s, r) => s + -0.5 * r.y * col(r), 0) / n;
  const firstStep = (g: number) => (0.15 * g) / Math.sqrt(0.01 * g * g + 1e-6);
  const wg = guest.schema.header.map((_, j) => -firstStep(grad((r) => r.g[j]!)));
  const b = -firstStep(grad(() => 1));
  const wh = host.schema.header.map((_, j) => -firstStep(grad((r) => r.h[j]!)));
  const dot = (w: number[], x: number[]) => w.reduce((s, wj, j) => s + wj * x[j]!, 0);
  let taylor = 0;
  for (const r of xs) {
    const wx = dot(wg, r.g) + b + dot(wh, r.h);
    taylor += -0.5 * r.y * wx + (wx * wx) / 8;
  }
  const expected = Math.LN2 + taylor / n + 0.5 * 0.01 * (dot(wg, wg) + dot(wh, wh));
  assert.ok(Math.abs(values[1]! - expected) < 1e-9 * expected, `loss[1] ${values[1]} vs FATE maths ${expected}`);
  // From then on the curve decreases (non-strictly) to the reference 0.354564 (spec §4.3).
  for (let i = 2; i < values.length; i++) assert.ok(values[i]! <= values[i - 1]! + 1e-12, `loss rises at ${i}: ${values}`);
  assert.ok(Math.abs(values[29]! - 0.354564) < 5e-5, `final loss ${values[29]}`);
  assert.ok(Math.abs(trainAuc(out.guest) - 0.987448) < 5e-6, `auc ${trainAuc(out.guest)}`);
});

t('given mini-batches and other optimizers in plaintext mode, then training still converges to a good AUC', async () => {
  for (const optimizer of ['rmsprop', 'adam', 'sgd', 'adagrad']) {
    const out = await run({ ...EXAMPLE, optimizer, batch_size: 200, max_iter: 10, early_stop: 'diff', init_param: { init_method: 'zeros' }, encrypt_param: { method: null } });
    const a = trainAuc(out.guest);
    const losses = param(out.arbiter).lossHistory as number[];
    console.log(`    ${optimizer}, batch 200, zeros init: AUC ${a.toFixed(6)} after ${losses.length} iters, loss ${losses[0]!.toFixed(4)} → ${losses[losses.length - 1]!.toFixed(4)}`);
    assert.ok(a > 0.97, `${optimizer}: auc ${a}`);
    assert.ok(losses[losses.length - 1]! < losses[0]!, `${optimizer}: loss ${losses}`);
  }
});

async function runTwoHosts(params: Record<string, unknown>) {
  const { guest, host } = await breast();
  const split = (lo: number, hi: number): DataTable<Instance> => ({
    schema: { ...host.schema, header: host.schema.header.slice(lo, hi) },
    rows: host.rows.map(([k, i]) => [k, { features: i.features.slice(lo, hi) }]),
  });
  const roles = { guest: ['9999'], host: ['10000', '10001'], arbiter: ['10000'] };
  const job = new InProcessJob();
  const input = (role: string, partyId: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role, partyId, roles, params, data: data ? { train_data: data } : {} });
  const a = job.context(ARBITER);
  const [go, h1, h2] = await Promise.all([
    heteroLR(input('guest', '9999', guest), job.context(GUEST)),
    heteroLR(input('host', '10000', split(0, 10)), job.context({ role: 'host', partyId: '10000' })),
    heteroLR(input('host', '10001', split(10, 20)), job.context({ role: 'host', partyId: '10001' })),
    heteroLR(input('arbiter', '10000'), a),
  ]);
  assert.is(job.undelivered(), 0);
  return { go, h1, h2, a, job, host };
}

t('given two hosts in plaintext mode with weight_diff, then each host trains its own features and AUC ≥ 0.98 (no loss is logged)', async () => {
  const { go, h1, h2, a, host } = await runTwoHosts({ ...EXAMPLE, encrypt_param: { method: null } });
  const auc2 = trainAuc(go);
  console.log(`    two hosts: AUC ${auc2.toFixed(6)}`);
  assert.ok(auc2 >= 0.98, `auc ${auc2}`);
  assert.equal(Object.keys(param(h1).weight), host.schema.header.slice(0, 10));
  assert.equal(Object.keys(param(h2).weight), host.schema.header.slice(10, 20));
  assert.equal(a.tracker.names(), {});
});

t('given two labels other than 0/1, then it fails clearly', async () => {
  const { guest, host } = await breast();
  const bad: DataTable<Instance> = { schema: guest.schema, rows: guest.rows.map(([k, i], n) => [k, { ...i, label: 1 + (n % 2) }]) };
  const job = new InProcessJob();
  const input = (role: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role, roles: ROLES, params: { ...EXAMPLE, encrypt_param: { method: null } }, data: data ? { train_data: data } : {} });
  const stop = new AbortController();
  const others = Promise.allSettled([
    heteroLR(input('host', host), job.context(HOST, stop.signal)),
    heteroLR(input('arbiter'), job.context(ARBITER, stop.signal)),
  ]);
  try {
    await heteroLR(input('guest', bad), job.context(GUEST));
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /binary labels must be 0\/1, got 1, 2/);
  }
  stop.abort(new Error('canceled'));
  const settled = await others;
  assert.ok(settled.every((r) => r.status === 'rejected'));
});

let paillierLog: Sent[] = [];
let paillierOut: Awaited<ReturnType<typeof run>> | null = null;

t('given encrypt_param, then standard rⁿ obfuscation is the default and DJN is an explicit fedflow opt-in', () => {
  assert.is(readParams({}).obfuscation, 'standard');
  assert.is(readParams({ encrypt_param: { method: 'Paillier', key_length: 1024 } }).obfuscation, 'standard');
  assert.is(readParams({ encrypt_param: { fedflow_obfuscation: 'djn' } }).obfuscation, 'djn');
  assert.throws(() => readParams({ encrypt_param: { fedflow_obfuscation: 'fast' } }), /fedflow_obfuscation must be one of standard, djn/);
  const { publicKey } = generatePaillierKeyPair(128);
  assert.is(new PaillierCipher(publicKey).obfuscation, 'standard');
  assert.is(new PaillierCipher(publicKey, 'djn').obfuscation, 'djn');
});

t('given the DJN opt-in, then training gives the plaintext weights too (2 iterations, 512-bit)', async () => {
  const params = { ...EXAMPLE, max_iter: 2, encrypt_param: { method: 'Paillier', key_length: 512, fedflow_obfuscation: 'djn' } };
  const he = await run(params);
  const plain = await run({ ...params, encrypt_param: { method: null } });
  for (const party of ['guest', 'host'] as const) {
    const a = param(he[party]);
    const b = param(plain[party]);
    for (const name of Object.keys(b.weight)) assert.ok(Math.abs(a.weight[name] - b.weight[name]) < 1e-6, `${party} ${name}`);
  }
});

t('given Paillier mode with 3 iterations, then the weights and losses equal plaintext mode within 1e-6', async () => {
  const params = { ...EXAMPLE, max_iter: 3, encrypt_param: { method: 'Paillier', key_length: 512 } };
  paillierLog = [];
  const he = await run(params, paillierLog);
  paillierOut = he;
  const plain = await run({ ...params, encrypt_param: { method: null } });
  console.log(`    Paillier 512-bit, 3 iters: ${he.ms} ms (plaintext ${plain.ms} ms), AUC ${trainAuc(he.guest).toFixed(6)}`);
  for (const party of ['guest', 'host'] as const) {
    const a = param(he[party]);
    const b = param(plain[party]);
    for (const name of Object.keys(b.weight)) {
      assert.ok(Math.abs(a.weight[name] - b.weight[name]) < 1e-6, `${party} ${name}: ${a.weight[name]} vs ${b.weight[name]}`);
    }
    assert.ok(Math.abs(a.intercept - b.intercept) < 1e-6);
  }
  const la = param(he.arbiter).lossHistory as number[];
  const lb = param(plain.arbiter).lossHistory as number[];
  assert.is(la.length, 3);
  la.forEach((l, i) => assert.ok(Math.abs(l - lb[i]!) < 1e-6, `loss ${i}: ${l} vs ${lb[i]}`));
  rowsOf(he.guest).forEach(([, r], i) => assert.ok(Math.abs(r[2] - rowsOf(plain.guest)[i]![1][2]) < 1e-6));
});

t('given Paillier mode, then no label and no raw feature value crosses the federation from guest or host', async () => {
  assert.ok(paillierOut, 'the Paillier test must run first');
  const { guest, host } = await breast();
  // Every number or bigint anywhere in a payload.
  const leaves = (v: unknown, out: (number | bigint)[] = []): (number | bigint)[] => {
    if (typeof v === 'number' || typeof v === 'bigint') out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => leaves(x, out));
    return out;
  };
  const names = new Set(paillierLog.map((m) => m.name.replace('HeteroLRTransferVariable.', '')));
  assert.ok(names.has('host_forward_dict') && names.has('fore_gradient') && names.has('guest_gradient') && names.has('host_gradient') && names.has('loss'));
  for (const m of paillierLog) assert.match(m.name, /^HeteroLRTransferVariable\./);
  // Label vectors: the guest must never send a list that equals the labels (0/1 or ±1).
  const labels = guest.rows.map(([, i]) => i.label!);
  const signed = labels.map((l) => (l === 1 ? 1 : -1));
  const rawGuest = new Set(guest.rows.flatMap(([, i]) => i.features).filter((x) => x !== 0 && x !== 1 && x !== -1));
  const rawHost = new Set(host.rows.flatMap(([, i]) => i.features).filter((x) => x !== 0 && x !== 1 && x !== -1));
  let checked = 0;
  for (const m of paillierLog) {
    if (m.from.role === 'arbiter') continue;
    // host_prob is the plain W_h·X_h FATE's hosts send for prediction, after training.
    if (m.name.endsWith('.host_prob') || m.name.endsWith('.predict_index') || m.name.endsWith('.batch_data_index')) continue;
    const values = leaves(m.payload);
    checked += values.length;
    const nums = values.filter((v): v is number => typeof v === 'number');
    for (const x of nums) {
      assert.not.ok(rawGuest.has(x), `${m.name} from ${m.from.role} carries a raw guest feature ${x}`);
      assert.not.ok(rawHost.has(x), `${m.name} from ${m.from.role} carries a raw host feature ${x}`);
    }
    if (Array.isArray(m.payload) && m.payload.length === labels.length) {
      assert.not.equal(m.payload, labels, `${m.name} carries the labels`);
      assert.not.equal(m.payload, signed, `${m.name} carries the labels`);
    }
    // Per-row payloads are ciphertexts: bigints of the size of n², never small plaintexts.
    if (['host_forward_dict', 'fore_gradient', 'guest_gradient', 'host_gradient'].some((n) => m.name.endsWith(`.${n}`))) {
      assert.ok(values.every((v) => typeof v === 'bigint' && v > 2n ** 700n), `${m.name} is not all ciphertexts`);
    }
  }
  assert.ok(checked > 1000);
  // Nor their fixed-point encodings: no bigint in any payload from guest or host equals a raw feature
  // or a label-derived per-row value (±y, ±y/2, ±y/4) encoded at any scale the cipher uses (2^0,
  // 2^23, 2^40, 2^63), positive or wrapped to n − |v| as negatives are.
  const keyMessage = paillierLog.find((m) => m.name.endsWith('.paillier_pubkey'));
  const n = (keyMessage!.payload as { n: bigint }).n;
  assert.ok(typeof n === 'bigint' && n > 2n ** 500n);
  const forbidden = new Set<bigint>();
  const forbid = (x: number) => {
    for (const bits of [0, FEATURE_BITS, RESIDUAL_BITS, PRODUCT_BITS]) {
      const v = BigInt(Math.round(x * 2 ** bits));
      if (v === 0n) continue;
      forbidden.add(v < 0n ? n + v : v);
      forbidden.add(v < 0n ? -v : n - v);
    }
  };
  for (const x of [...rawGuest, ...rawHost]) forbid(x);
  for (const y of [1, 0.5, 0.25]) forbid(y);
  let bigints = 0;
  for (const m of paillierLog) {
    if (m.from.role === 'arbiter') continue;
    for (const v of leaves(m.payload)) {
      if (typeof v !== 'bigint') continue;
      bigints++;
      assert.not.ok(forbidden.has(v), `${m.name} from ${m.from.role} carries a fixed-point encoding of a raw value`);
    }
  }
  assert.ok(bigints > 1000, `only ${bigints} bigints checked`);
  // Hosts never receive anything but ciphertexts, batch ids and the public key.
  for (const m of paillierLog.filter((x) => x.to.role === 'host')) {
    const values = leaves(m.payload).filter((v) => typeof v === 'number');
    // batch_info: batch sizes; converge_flag; paillier_obfuscators_dealt: a count of protocol steps;
    // aggregate_classes: the number of classes (FATE's one-vs-rest sync).
    const allowed = ['.batch_info', '.converge_flag', '.paillier_obfuscators_dealt', '.aggregate_classes'];
    assert.ok(values.length === 0 || allowed.some((name) => m.name.endsWith(name)), `${m.name} gives the host plain numbers`);
  }
});

const sentAs = (name: string, from: string, to: string) =>
  paillierLog.filter((m) => m.name === `HeteroLRTransferVariable.${name}` && m.from.role === from && m.to.role === to);

t('given standard Paillier, then the arbiter deals each party its own obfuscators and every one is used for exactly one encryption', () => {
  assert.ok(paillierOut, 'the Paillier test must run first');
  const key = sentAs('paillier_pubkey', 'arbiter', 'host')[0]!.payload as { n: bigint; dealt: boolean };
  assert.is(key.dealt, true);
  const { n } = key;
  const n2 = n * n;
  const dealtTo = (role: string) => sentAs('paillier_obfuscators', 'arbiter', role).map((m) => m.payload as bigint[]);
  const host = dealtTo('host');
  const guest = dealtTo('guest');
  // 3 iterations, full batch: one array per step, rows + 2 loss terms each.
  assert.equal(host.map((a) => a.length), [571, 571, 571]);
  assert.equal(guest.map((a) => a.length), [571, 571, 571]);
  const all = [...host.flat(), ...guest.flat()];
  assert.is(new Set(all).size, all.length, 'an obfuscator was dealt twice');
  for (const role of ['host', 'guest']) assert.equal(sentAs('paillier_obfuscators_dealt', 'arbiter', role).map((m) => m.payload), [3]);
  // c = (1 + m·n)·z mod n² ⇔ c·z⁻¹ ≡ 1 (mod n): row i of each step was encrypted with obfuscator i.
  const usedWith = (c: bigint, z: bigint) => ((c * modInv(z, n2)) % n2) % n === 1n;
  const forward = sentAs('host_forward_dict', 'host', 'guest').map((m) => m.payload as bigint[]);
  const fore = sentAs('fore_gradient', 'guest', 'host').map((m) => m.payload as bigint[]);
  assert.is(forward.length, 3);
  for (let step = 0; step < 3; step++) {
    forward[step]!.forEach((c, i) => assert.ok(usedWith(c, host[step]![i]!), `host step ${step} row ${i}`));
    // The guest's [[d]] = Enc(own)·[[host part]]: remove the host's ciphertext, then the guest's obfuscator.
    fore[step]!.forEach((d, i) => assert.ok(usedWith((d * modInv(forward[step]![i]!, n2)) % n2, guest[step]![i]!), `guest step ${step} row ${i}`));
    const [lossTerm] = sentAs('loss_intermediate', 'host', 'guest').slice(step, step + 1).map((m) => m.payload as bigint);
    assert.ok(usedWith(lossTerm!, host[step]![569]!), 'the host loss term uses the step\'s obfuscator 569');
    const [regular] = sentAs('host_loss_regular', 'host', 'guest').slice(step, step + 1).map((m) => m.payload as bigint);
    assert.ok(usedWith(regular!, host[step]![570]!));
  }
});

t('given two hosts with standard Paillier, then each host is dealt one obfuscator per row (no loss terms) and the weights equal plaintext', async () => {
  const params = { ...EXAMPLE, max_iter: 2, encrypt_param: { method: 'Paillier', key_length: 512 } };
  const he = await runTwoHosts(params);
  const plain = await runTwoHosts({ ...params, encrypt_param: { method: null } });
  const dealt = he.job.sent.filter((m) => m.name.endsWith('.paillier_obfuscators'));
  for (const to of ['9999', '10000', '10001']) assert.equal(dealt.filter((m) => m.to.partyId === to).map((m) => m.tag), ['0.0', '1.0']);
  for (const [a, b] of [[he.h1, plain.h1], [he.h2, plain.h2], [he.go, plain.go]] as const) {
    for (const [name, w] of Object.entries(param(b).weight as Record<string, number>)) assert.ok(Math.abs(param(a).weight[name] - w) < 1e-6, name);
  }
});

t('given an early stop, then the obfuscators dealt ahead are taken and never used, and the result still equals plaintext', async () => {
  // A huge tol: weight_diff converges after the first iteration, while the arbiter has dealt the next step.
  const params = { ...EXAMPLE, max_iter: 4, tol: 1e9, encrypt_param: { method: 'Paillier', key_length: 512 } };
  const log: Sent[] = [];
  const he = await run(params, log); // run() asserts that no message is left undelivered
  const plain = await run({ ...params, encrypt_param: { method: null } });
  assert.is(param(he.guest).iters, 1);
  const dealt = log.filter((m) => m.name.endsWith('.paillier_obfuscators') && m.to.role === 'host').length;
  const told = log.filter((m) => m.name.endsWith('.paillier_obfuscators_dealt') && m.to.role === 'host').map((m) => m.payload);
  assert.equal(told, [dealt]);
  assert.ok(dealt >= 1 && dealt <= 3, `dealt ${dealt} steps for 1 iteration (window 2)`);
  for (const party of ['guest', 'host'] as const) {
    const a = param(he[party]);
    const b = param(plain[party]);
    for (const name of Object.keys(b.weight)) assert.ok(Math.abs(a.weight[name] - b.weight[name]) < 1e-6, `${party} ${name}`);
  }
});

t.run();
