// HomoLR's Paillier mode (FATE 1.4's encrypt_param.method "Paillier" for hosts): the ciphertext maths
// equals FATE's Taylor update in clear, the federation trains and predicts with it mixed with plaintext
// parties, and what each party receives is recorded and checked.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, Federation, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { generatePaillierKeyPair, type PaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { initWeights, PartyOptimizer, seededRandom } from '../../../src/components/linearModel/params.js';
import {
  applyAffine, blindForRefresh, decayedRate, encryptVector, maskCiphertexts, refresh, ringOf, taylorStep, unblind, WEIGHT_BITS,
} from '../../../src/components/homoLR/encryptedModel.js';
import { homoLR, homoLRWith } from '../../../src/components/homoLR/homoLR.js';
import { localRows, meanGradient } from '../../../src/components/homoLR/localModel.js';
import { readHomoParams } from '../../../src/components/homoLR/params.js';
import { decodeFixed, encodeFixed, sumMasked } from '../../../src/components/homoLR/secureAggregation.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { fixtureTable } from '../dataio/csvTable.js';

const t = suite('HomoLR — Paillier mode');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const HOST2: PartyRef = { role: 'host', partyId: '10002' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };

/** The suite's train conf (test_homolr_train_job_conf.json), with a 512-bit key to keep the test fast. */
const PARAMS = {
  penalty: 'L2', optimizer: 'sgd', alpha: 0.01, max_iter: 5, early_stop: 'diff', tol: 1e-5, batch_size: 100, learning_rate: 0.15,
  decay: 1, decay_sqrt: true, init_param: { init_method: 'zeros' }, encrypt_param: { method: 'Paillier', key_length: 512 }, re_encrypt_batches: 2,
};
const PLAIN = { ...PARAMS, encrypt_param: { method: null } };

let tables: { guest: DataTable<Instance>; host: DataTable<Instance> } | null = null;
async function breast() {
  if (tables) return tables;
  const job = new InProcessJob();
  const read = async (name: string, self: PartyRef) =>
    (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role: self.role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), job.context(self)))
      .data as DataTable<Instance>;
  tables = { guest: await read('breast_homo_guest', GUEST), host: await read('breast_homo_host', HOST) };
  return tables;
}

interface Sent { name: string; tag: string; from: PartyRef; to: PartyRef; payload: unknown }
function recording(fed: Federation, self: PartyRef, log: Sent[]): Federation {
  return {
    remote: async (name, tag, payload, to) => {
      for (const dst of to) log.push({ name: name.replace('HomoLRTransferVariable.', ''), tag, from: self, to: dst, payload: structuredClone(payload) });
      return fed.remote(name, tag, payload, to);
    },
    get: (name, tag, from) => fed.get(name, tag, from),
  };
}

interface Party { self: PartyRef; params: Record<string, unknown>; data?: Record<string, DataTable<Instance>>; model?: ComponentOutput['model'] }
async function runJob(parties: Party[], log: Sent[] = [], component = homoLR) {
  const job = new InProcessJob();
  const roles: Record<string, string[]> = {};
  for (const { self } of parties) (roles[self.role] ??= []).push(self.partyId);
  const ctxs = parties.map(({ self }) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  });
  const outs = await Promise.all(parties.map((p, i) =>
    component(componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role: p.self.role, partyId: p.self.partyId, roles, params: p.params, data: p.data ?? {}, model: p.model }), ctxs[i]!)));
  assert.is(job.undelivered(), 0);
  return { outs, trackers: ctxs.map((c) => c.tracker) };
}

type Row = [number, number, number | null, Record<string, number | null>, string];
const rowsOf = (o: ComponentOutput) => o.data!.rows as [string, Row][];
const param = (o: ComponentOutput) => o.model!.HomoLogisticRegressionParam as Record<string, any>;
const weightsOf = (o: ComponentOutput) => [...Object.values(param(o).weight as Record<string, number>), param(o).intercept as number];

t('the ciphertext update equals the Taylor update in clear; refreshes and masked uploads decrypt to what they should', async () => {
  const { host } = await breast();
  const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(512);
  const rows = localRows(host);
  const w0 = initWeights('random_uniform', 31, seededRandom(7)).map((v) => v - 0.5);
  let enc = encryptVector(pk, w0);
  let clear = w0;
  for (const [from, to] of [[0, 100], [100, 200]]) {
    const { a, c } = taylorStep(rows, from!, to!, 0.15, 0.01);
    enc = applyAffine(pk, enc, a, c);
    clear = a.map((row, j) => row.reduce((s, v, l) => s + v * clear[l]!, c[j]!));
  }
  assert.is(enc.scale, WEIGHT_BITS + 2 * 53);
  const decrypted = enc.values.map((c) => Number(sk.decryptSigned(c)) / 2 ** enc.scale);
  decrypted.forEach((v, j) => assert.ok(Math.abs(v - clear[j]!) < 1e-12, `w${j}: ${v} vs ${clear[j]}`));
  // The same step from FATE's definition: w − lr·(mean (0.25·wx − 0.5·y)·x̃ + α·w).
  const { a, c } = taylorStep(rows, 0, 50, 0.1, 0.01);
  const columns = rows.rows.range(0, 50).features;
  const direct = w0.map((wj, j) => {
    let g = 0;
    for (let i = 0; i < 50; i++) {
      const x = [...columns.map((col) => col[i]!), 1];
      const wx = x.reduce((s, v, l) => s + v * w0[l]!, 0);
      g += (0.25 * wx - 0.5 * rows.y[i]!) * x[j]!;
    }
    return wj - 0.1 * (g / 50 + (j < 30 ? 0.01 * wj : 0));
  });
  a.forEach((row, j) => assert.ok(Math.abs(row.reduce((s, v, l) => s + v * w0[l]!, c[j]!) - direct[j]!) < 1e-12));

  // Refresh: the arbiter sees w·2^s + blind, never w; the host gets w back at the fresh scale.
  const { sent, blinds } = blindForRefresh(pk, enc);
  sent.values.forEach((cv, j) => {
    const seen = sk.decryptSigned(cv);
    const plain = BigInt(Math.round(clear[j]! * 2 ** 53)) << BigInt(enc.scale - 53);
    assert.ok(seen - plain > 1n << BigInt(enc.scale + 40), 'the arbiter sees a blinded value');
  });
  const back = unblind(pk, refresh(sk, sent), blinds);
  assert.is(back.scale, WEIGHT_BITS);
  back.values.forEach((cv, j) => assert.ok(Math.abs(Number(sk.decryptSigned(cv)) / 2 ** WEIGHT_BITS - clear[j]!) < 1e-12));

  // Aggregation: inside the ciphertexts the host adds its ring pads; the arbiter gets value + pad mod 2^128.
  const pads = clear.map((_, j) => (BigInt(j + 1) << 120n) + 12345n);
  const ring = ringOf(sk, maskCiphertexts(pk, enc, pads));
  ring.forEach((r, j) => {
    const expected = (encodeFixed(clear[j]!) + pads[j]!) % (1n << 128n);
    const diff = r > expected ? r - expected : expected - r;
    assert.ok(diff <= 2n, `element ${j} differs by ${diff}`);
  });
  assert.ok(Math.abs(decodeFixed((ring[0]! - pads[0]! + (1n << 128n)) % (1n << 128n)) - clear[0]!) < 1e-14);
});

/** FedAvg in clear with the encrypted host's Taylor gradient: what the federation must reproduce. */
function reference(guest: DataTable<Instance>, hosts: { table: DataTable<Instance>; encrypted: boolean }[], raw: Record<string, unknown>) {
  const p = readHomoParams(raw);
  const parties = [{ table: guest, encrypted: false }, ...hosts].map(({ table, encrypted }) => ({
    rows: localRows(table), encrypted, w: new Array<number>(31).fill(0), opt: new PartyOptimizer(p, 30), degree: 0,
  }));
  let model: number[] = [];
  for (let nIter = 0; nIter <= p.maxIter; nIter++) {
    {
      const weight = (q: { degree: number }) => q.degree || 1;
      const deg = parties.reduce((s, q) => s + weight(q), 0);
      model = parties[0]!.w.map((_, j) => parties.reduce((s, q) => s + q.w[j]! * weight(q), 0) / deg);
      for (const q of parties) (q.w = model.slice()), (q.degree = 0);
      if (nIter === p.maxIter) break;
    }
    for (const q of parties) {
      const n = q.rows.n;
      for (let from = 0; from < n; from += p.batchSize) {
        const to = Math.min(n, from + p.batchSize);
        if (q.encrypted) {
          const { a, c } = taylorStep(q.rows, from, to, decayedRate(p, nIter), p.alpha);
          q.w = a.map((row) => row.reduce((s, v, l) => s + v * q.w[l]!, 0)).map((v, j) => v + c[j]!);
        } else q.w = q.opt.step(q.w, meanGradient(q.rows, q.w, from, to), nIter).weights;
        q.degree += to - from;
      }
    }
  }
  return model;
}

const log: Sent[] = [];
/** The arbiter's key pairs of the training run, so the privacy test can decrypt what the key holder receives. */
const arbiterKeys: PaillierKeyPair[] = [];
const keyHoldingArbiter = homoLRWith({ secureAggregation: true, generateKeys: (bits) => { const kp = generatePaillierKeyPair(bits); arbiterKeys.push(kp); return kp; } });
let trained: Awaited<ReturnType<typeof runJob>> | null = null;

t('given guest + an encrypted host (the suite train conf), then the arbiter ends with the clear FedAvg of exact and Taylor updates, and every party learns only its share', async () => {
  const { guest, host } = await breast();
  const started = performance.now();
  trained = await runJob([
    { self: GUEST, params: PARAMS, data: { train_data: guest } },
    { self: HOST, params: PARAMS, data: { train_data: host } },
    { self: ARBITER, params: PARAMS },
  ], log, keyHoldingArbiter);
  const [g, h, a] = trained.outs as [ComponentOutput, ComponentOutput, ComponentOutput];
  const expected = reference(guest, [{ table: host, encrypted: true }], PARAMS);
  const got = weightsOf(a);
  got.forEach((v, j) => assert.ok(Math.abs(v - expected[j]!) < 1e-9, `w${j}: ${v} vs ${expected[j]}`));
  assert.equal(weightsOf(g), got, 'the guest holds the aggregated model in clear');
  assert.equal(param(h).weight, {}, 'the encrypted host stores no weights (FATE: _get_param with use_encrypt)');
  assert.is(param(h).intercept, 0);
  assert.equal(param(h).header, host.schema.header);
  const guestAuc = auc(rowsOf(g).map(([, r]) => r[0]), rowsOf(g).map(([, r]) => r[2]!));
  // The host's rows: labels decided by the arbiter, no score (FATE's [label, pred, None, {0: None, 1: None}]).
  const clearLabels = host.rows.map(([, inst]) => (1 / (1 + Math.exp(-inst.features.reduce((s, x, j) => s + x * got[j]!, got[30]!))) > 0.5 ? 1 : 0));
  rowsOf(h).forEach(([, r], i) => {
    assert.equal([r[1], r[2], r[3], r[4]], [clearLabels[i], null, { '0': null, '1': null }, 'train']);
  });
  const accuracy = rowsOf(h).filter(([, r]) => r[0] === r[1]).length / host.rows.length;
  console.log(`    guest + encrypted host, 5 epochs of 3 batches, 512-bit keys: ${(performance.now() - started).toFixed(0)} ms; guest AUC ${guestAuc.toFixed(4)}, host accuracy ${accuracy.toFixed(4)}`);
  assert.ok(guestAuc > 0.97 && accuracy > 0.9, `${guestAuc} ${accuracy}`);
  const loss = trained.trackers[2]!.get('train', 'loss').data;
  assert.equal(loss.map(([k]) => k), [0, 1, 2, 3, 4, 5]);
  // The loss is the guest's alone (the encrypted host cannot compute one): FATE's aggregate_loss(host_has_no_cipher_ids).
  const guestLoss = param(g).lossHistory as number[];
  assert.is(param(a).lossHistory.length, guestLoss.length);
  (param(a).lossHistory as number[]).forEach((l, i) => assert.ok(Math.abs(l - guestLoss[i]!) < 1e-12, `loss ${i}: ${l} vs ${guestLoss[i]}`));
});

const numbersIn = (v: unknown, out: number[] = []): number[] => {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) v.forEach((e) => numbersIn(e, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((e) => numbersIn(e, out));
  return out;
};
const isCipherVector = (v: unknown) => {
  const c = v as { values: unknown[]; scale: number };
  return !!c && Array.isArray(c.values) && typeof c.scale === 'number' && c.values.every((x) => typeof x === 'bigint' && x > 1n << 400n);
};

t('privacy: the encrypted host receives only ciphertexts, its key, a flag and its labels; its model reaches the arbiter only encrypted and blinded; no row or label crosses', async () => {
  assert.ok(trained, 'the training test must run first');
  const { guest, host } = await breast();
  const toHost = log.filter((m) => m.to.role === 'host');
  const byName = (ms: Sent[]) => [...new Set(ms.map((m) => `${m.from.role}:${m.name}`))].sort();
  assert.equal(byName(toHost), ['arbiter:aggregated_model', 'arbiter:is_converge', 'arbiter:model_re_encrypted', 'arbiter:pailler_pubkey', 'arbiter:predict_result', 'guest:dh_ciphertext_guest']);
  for (const m of toHost) {
    if (m.name === 'aggregated_model' || m.name === 'model_re_encrypted') assert.ok(isCipherVector(m.payload), `${m.name} is ciphertexts`);
    if (m.name === 'pailler_pubkey') assert.is(typeof m.payload, 'bigint');
    if (m.name === 'is_converge') assert.is(typeof m.payload, 'boolean');
    if (m.name === 'predict_result') assert.ok((m.payload as number[]).every((l) => l === 0 || l === 1));
  }
  // 5 epochs of 3 batches, refreshed after batches 0 and 2: 2 per epoch, the last epoch does not train.
  assert.is(toHost.filter((m) => m.name === 'model_re_encrypted').length, 10);

  const fromHost = log.filter((m) => m.from.role === 'host');
  assert.equal(byName(fromHost), ['host:dh_ciphertext_host', 'host:host_loss', 'host:host_model', 'host:model_to_re_encrypt', 'host:predict_wx', 'host:re_encrypt_times', 'host:use_encrypt']);
  for (const m of fromHost) {
    if (['host_model', 'model_to_re_encrypt', 'predict_wx'].includes(m.name)) assert.ok(isCipherVector(m.payload), `${m.name} is ciphertexts`);
    if (m.name === 'host_loss') assert.ok((m.payload as bigint[]).every((v) => typeof v === 'bigint' && v > 2n ** 96n), 'a masked (zero) loss');
  }
  // The key holder decrypts what the host sends and finds only blinded values: refreshes and model
  // uploads are the model plus masks far above any weight; scores are multiplied by random factors.
  assert.is(arbiterKeys.length, 1);
  const sk = arbiterKeys[0]!.privateKey;
  const plainOf = (c: bigint, scale: number) => Number(sk.decryptSigned(c)) / 2 ** scale;
  for (const m of fromHost.filter((x) => x.name === 'model_to_re_encrypt' || x.name === 'host_model')) {
    const v = m.payload as { values: bigint[]; scale: number };
    assert.ok(v.values.every((c) => Math.abs(plainOf(c, v.scale)) > 2 ** 30), `${m.name} ${m.tag}: a value the arbiter can read`);
  }
  const final = weightsOf(trained.outs[2]!);
  const wx = host.rows.map(([, inst]) => inst.features.reduce((s, x, j) => s + x * final[j]!, final[30]!));
  const scores = fromHost.find((m) => m.name === 'predict_wx')!.payload as { values: bigint[]; scale: number };
  const ratios = scores.values.map((c, i) => plainOf(c, scores.scale) / wx[i]!);
  assert.ok(ratios.every((r) => r >= 1 - 1e-9), 'same sign, magnitude only enlarged');
  assert.ok(Math.max(...ratios) / Math.min(...ratios) > 2 ** 20, 'factors spread: no score can be read off');
  // No number anything sends is one of the sender's feature values; no label vector leaves a client.
  for (const [who, table] of [['guest', guest], ['host', host]] as const) {
    const features = new Set(table.rows.flatMap(([, inst]) => inst.features).filter((v) => v !== 0 && v !== 1));
    const sent = log.filter((m) => m.from.role === who).flatMap((m) => numbersIn(m.payload));
    assert.ok(sent.every((v) => !features.has(v)), `${who} sent a feature value`);
    assert.ok(!log.some((m) => m.from.role === who && Array.isArray(m.payload) && m.payload.length === table.rows.length), `${who} sent a per-row vector in clear`);
  }
  // The guest's model goes masked; the aggregated model reaches it in clear (FATE's guest never encrypts).
  for (const m of log.filter((x) => x.from.role === 'guest' && x.name === 'guest_model')) assert.ok((m.payload as bigint[]).every((v) => v > 2n ** 96n));
});

t('given two hosts, one encrypted and one in clear, then the masks still cancel, both clear parties end with the arbiter\'s model and it matches the reference', async () => {
  const { guest, host } = await breast();
  const half = Math.floor(host.rows.length / 2);
  const h1 = { schema: host.schema, rows: host.rows.slice(0, half) };
  const h2 = { schema: host.schema, rows: host.rows.slice(half) };
  const mixed: Sent[] = [];
  const { outs } = await runJob([
    { self: GUEST, params: PARAMS, data: { train_data: guest } },
    { self: HOST, params: PARAMS, data: { train_data: h1 } },
    { self: HOST2, params: PLAIN, data: { train_data: h2 } },
    { self: ARBITER, params: PARAMS },
  ], mixed);
  const [g, e, c, a] = outs as [ComponentOutput, ComponentOutput, ComponentOutput, ComponentOutput];
  const expected = reference(guest, [{ table: h1, encrypted: true }, { table: h2, encrypted: false }], PARAMS);
  weightsOf(a).forEach((v, j) => assert.ok(Math.abs(v - expected[j]!) < 1e-9, `w${j}`));
  assert.equal(weightsOf(c), weightsOf(a));
  assert.equal(weightsOf(g), weightsOf(a));
  assert.equal(param(e).weight, {});
  assert.ok(rowsOf(c).every(([, r]) => typeof r[2] === 'number'), 'the clear host scores its rows');
  assert.ok(rowsOf(e).every(([, r]) => r[2] === null));
  // The clear host's upload alone is uniform to the arbiter; the keys and public keys went where they should.
  for (const m of mixed.filter((x) => x.from.partyId === '10002' && x.name === 'host_model')) assert.ok((m.payload as bigint[]).every((v) => v > 2n ** 96n));
  assert.equal(mixed.filter((m) => m.name === 'pailler_pubkey').map((m) => m.to.partyId), ['10000']);
  assert.equal(mixed.filter((m) => m.name === 'use_encrypt').map((m) => [m.from.partyId, m.payload]), [['10000', true], ['10002', false]]);
  const sum = sumMasked(mixed.filter((m) => m.tag === '1' && m.name === 'guest_model' || (m.tag === '1' && m.name === 'host_model' && m.from.partyId === '10002')).map((m) => m.payload as bigint[]));
  assert.ok(sum.some((v) => Math.abs(v) > 1e6), 'without the encrypted host\'s pads the clear parties\' uploads do not cancel');
});

t('given the trained models, a predict job gives the encrypted host the same labels through the arbiter and the guest its scores', async () => {
  assert.ok(trained, 'the training test must run first');
  const { guest, host } = await breast();
  const [g, h, a] = trained.outs as [ComponentOutput, ComponentOutput, ComponentOutput];
  const predictLog: Sent[] = [];
  const { outs } = await runJob([
    { self: GUEST, params: PARAMS, data: { eval_data: guest }, model: g.model },
    { self: HOST, params: PARAMS, data: { eval_data: host }, model: h.model },
    { self: ARBITER, params: PARAMS, model: a.model },
  ], predictLog);
  const [pg, ph] = outs as [ComponentOutput, ComponentOutput];
  rowsOf(pg).forEach(([, r], i) => assert.ok(Math.abs(r[2]! - rowsOf(g)[i]![1][2]!) < 1e-12 && r[4] === 'test'));
  rowsOf(ph).forEach(([, r], i) => assert.equal([r[1], r[2], r[4]], [rowsOf(h)[i]![1][1], null, 'test']));
  assert.ok(predictLog.every((m) => m.from.role !== 'guest' && m.to.role !== 'guest'), 'the guest predicts alone');
  assert.ok(predictLog.filter((m) => m.to.role === 'host').every((m) => m.name !== 'aggregated_model' || isCipherVector(m.payload)));
});

t('given validation_freqs and eval_data, then the guest logs train and validate metrics per epoch as FATE\'s ValidationStrategy', async () => {
  const { guest, host } = await breast();
  const evalRows: DataTable<Instance> = { schema: guest.schema, rows: guest.rows.slice(0, 60).map(([k, v]) => [`e${k}`, v]) };
  const params = { ...PLAIN, max_iter: 3, validation_freqs: 1 };
  const { outs, trackers } = await runJob([
    { self: GUEST, params, data: { train_data: guest, eval_data: evalRows } },
    { self: HOST, params, data: { train_data: host, eval_data: evalRows } },
    { self: ARBITER, params },
  ]);
  const names = trackers[0]!.names();
  // Epochs 0, 1, 2 train and validate; epoch 3 = max_iter aggregates and stops (FATE's fit loop).
  assert.equal(names.train, ['iteration_0', 'iteration_0_ks_fpr', 'iteration_0_ks_tpr', 'iteration_1', 'iteration_1_ks_fpr', 'iteration_1_ks_tpr', 'iteration_2', 'iteration_2_ks_fpr', 'iteration_2_ks_tpr']);
  assert.equal(names.validate, names.train);
  const summary = Object.fromEntries(trackers[0]!.get('validate', 'iteration_2').data as [string, number][]);
  assert.equal(Object.keys(summary), ['auc', 'ks']);
  assert.ok(summary.auc! > 0.95, `validate auc ${summary.auc}`);
  assert.equal(trackers[1]!.names(), {}, 'hosts do not validate (FATE 1.4.5)');
  assert.is(rowsOf(outs[0]!).filter(([, r]) => r[4] === 'validate').length, 60);
});

t('given what the Paillier mode cannot do, then it fails clearly', async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...PARAMS, optimizer: 'adam' }, /supports 'sgd' optimizer method only/],
    [{ ...PARAMS, penalty: 'L1' }, /supports 'L2' penalty or None only/],
    [{ ...PARAMS, re_encrypt_batches: 0 }, /re_encrypt_batches must be at least 1/],
    [{ ...PARAMS, early_stopping_rounds: 3 }, /early stopping is not supported for homo/],
    [{ ...PARAMS, validation_freqs: 'often' }, /validation_freqs/],
    [{ ...PARAMS, encrypt_param: { method: 'IterativeAffine' } }, /encrypt_param\.method must be Paillier or null/],
  ];
  for (const [params, message] of bad) {
    try {
      readHomoParams(params);
      assert.unreachable(JSON.stringify(params));
    } catch (e) {
      assert.match((e as Error).message, message);
    }
  }
  // A refresh interval the key cannot hold fails at the host, naming the limit.
  const { guest, host } = await breast();
  const job = new InProcessJob();
  const roles = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
  const params = { ...PARAMS, re_encrypt_batches: 9, batch_size: 20 };
  const run = (self: PartyRef, data?: DataTable<Instance>) =>
    homoLR(componentInput({ module: 'HomoLR', role: self.role, partyId: self.partyId, roles, params, data: data ? { train_data: data } : {} }), job.context(self));
  const hostRun = run(HOST, host).then(() => null, (e: Error) => e);
  void run(GUEST, guest).catch(() => undefined);
  void run(ARBITER).catch(() => undefined);
  const error = await hostRun;
  assert.match(String(error?.message), /re_encrypt_batches 9 is too large for a 512-bit key \(at most \d batches/);
});

t.run();
