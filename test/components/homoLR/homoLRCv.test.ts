// HomoLR cross-validation: FATE's per-fold names on each client, a loss curve per fold at the arbiter,
// fresh mask keys per fold (no mask reused across folds), no output model or data; an encrypted host
// (FATE's default Paillier mode, as the suite's cv conf runs it) logs its fold metrics from the labels
// the arbiter decides, and neither its model nor its labels reach anyone in clear.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Federation, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { generatePaillierKeyPair, type PaillierKeyPair } from '../../../src/components/crypto/paillier.js';
import { kFold, readCvParam } from '../../../src/components/crossValidation/kFold.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { homoLR, homoLRWith } from '../../../src/components/homoLR/homoLR.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';
import { fixtureTable } from '../dataio/csvTable.js';

const t = suite('HomoLR cross-validation');
const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };

t('given cv_param need_cv with 3 folds, then each client logs train_fold_<k> / validate_fold_<k>, the arbiter loss.<k>, and every fold has its own mask keys', async () => {
  const job = new InProcessJob();
  const read = async (role: string, name: string, self: PartyRef) =>
    (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), job.context(self))).data as DataTable<Instance>;
  const guest = await read('guest', 'breast_homo_guest', GUEST);
  const host = await read('host', 'breast_homo_host', HOST);
  const params = { encrypt_param: { method: null }, penalty: 'L2', optimizer: 'sgd', tol: 1e-5, alpha: 0.01, max_iter: 5, early_stop: 'diff', batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' }, metrics: ['auc', 'ks'], cv_param: { n_splits: 3, shuffle: true, random_seed: 1, need_cv: true } };
  const input = (role: string, data?: DataTable<Instance>) => componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const [g, h, a] = [job.context(GUEST), job.context(HOST), job.context(ARBITER)];
  const outs = await Promise.all([homoLR(input('guest', guest), g), homoLR(input('host', host), h), homoLR(input('arbiter'), a)]);
  assert.is(job.undelivered(), 0);
  for (const tracker of [g.tracker, h.tracker]) {
    const names = tracker.names();
    assert.equal(names.validate!.filter((n) => !n.includes('_ks_')), ['validate_fold_0', 'validate_fold_1', 'validate_fold_2']);
    assert.equal(names.train!.filter((n) => !n.includes('_ks_')), ['train_fold_0', 'train_fold_1', 'train_fold_2']);
    for (let k = 0; k < 3; k++) {
      const v = tracker.get('validate', `validate_fold_${k}`).data;
      assert.equal(v.map(([m]) => m), ['auc', 'ks']);
      assert.ok((v[0]![1] as number) > 0.9, `fold ${k} auc ${v[0]![1]}`);
    }
  }
  assert.equal(a.tracker.names(), { train: ['loss.0', 'loss.1', 'loss.2'] });
  for (const o of outs) assert.equal([o.model, o.data], [undefined, undefined]);
  // A key exchange per fold: three different guest public keys.
  const keys = job.sent.filter((m) => m.name === 'HomoLRTransferVariable.dh_ciphertext_guest').map((m) => m.tag);
  assert.equal(keys, ['fold0.fit', 'fold1.fit', 'fold2.fit']);
});


t('given validation_freqs in a cross-validation, then the guest validates each fold on its test rows under FATE\'s fold_<k>.iteration_<r> names', async () => {
  const job = new InProcessJob();
  const read = async (role: string, name: string, self: PartyRef) =>
    (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), job.context(self))).data as DataTable<Instance>;
  const guest = await read('guest', 'breast_homo_guest', GUEST);
  const host = await read('host', 'breast_homo_host', HOST);
  const params = { encrypt_param: { method: null }, max_iter: 2, batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' }, validation_freqs: 1, cv_param: { n_splits: 2, shuffle: true, random_seed: 1, need_cv: true } };
  const input = (role: string, data?: DataTable<Instance>) => componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const [g, h, a] = [job.context(GUEST), job.context(HOST), job.context(ARBITER)];
  await Promise.all([homoLR(input('guest', guest), g), homoLR(input('host', host), h), homoLR(input('arbiter'), a)]);
  const iterations = (ns: string) => g.tracker.names()[ns]!.filter((n) => n.includes('iteration') && !n.includes('_ks_')).sort();
  const want = ['fold_0.iteration_0', 'fold_0.iteration_1', 'fold_1.iteration_0', 'fold_1.iteration_1'];
  assert.equal(iterations('train'), want);
  assert.equal(iterations('validate'), want);
  assert.ok(!h.tracker.names().train!.some((n) => n.includes('iteration')), 'hosts do not validate (FATE 1.4.5)');
});

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
const isCipherVector = (v: unknown) => {
  const c = v as { values: unknown[]; scale: number };
  return !!c && Array.isArray(c.values) && typeof c.scale === 'number' && c.values.every((x) => typeof x === 'bigint' && x > 1n << 400n);
};
const numbersIn = (v: unknown, out: number[] = []): number[] => {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) v.forEach((e) => numbersIn(e, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((e) => numbersIn(e, out));
  return out;
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

t('given an encrypted host (the suite\'s cv conf: Paillier by default), then every client logs its fold metrics: the encrypted host\'s are those of the labels the arbiter decided under the fold\'s model; its model and labels reach no one in clear', async () => {
  const job = new InProcessJob();
  const read = async (role: string, name: string, self: PartyRef) =>
    (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), job.context(self))).data as DataTable<Instance>;
  const guest = await read('guest', 'breast_homo_guest', GUEST);
  const host = await read('host', 'breast_homo_host', HOST);
  // test_homolr_cv_job_conf.json's homo_lr_0, with a 512-bit key and 3 folds to keep it fast.
  const params = {
    penalty: 'L2', optimizer: 'sgd', eps: 1e-5, alpha: 0.01, max_iter: 3, converge_func: 'diff', batch_size: 320, learning_rate: 0.15, decay: 1, decay_sqrt: true,
    init_param: { init_method: 'zeros' }, encrypt_param: { method: 'Paillier', key_length: 512 }, cv_param: { n_splits: 3, shuffle: true, random_seed: 33, need_cv: true },
  };
  const keys: PaillierKeyPair[] = [];
  const component = homoLRWith({ secureAggregation: true, generateKeys: (bits) => { const kp = generatePaillierKeyPair(bits); keys.push(kp); return kp; } });
  const log: Sent[] = [];
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  };
  const [g, h, a] = [ctx(GUEST), ctx(HOST), ctx(ARBITER)];
  const input = (role: string, data?: DataTable<Instance>) => componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const started = performance.now();
  const outs = await Promise.all([component(input('guest', guest), g), component(input('host', host), h), component(input('arbiter'), a)]);
  assert.is(job.undelivered(), 0);
  for (const o of outs) assert.equal([o.model, o.data], [undefined, undefined]);
  assert.equal(a.tracker.names(), { train: ['loss.0', 'loss.1', 'loss.2'] }, 'the arbiter logs losses only');
  assert.is(keys.length, 3, 'a key pair per fold');

  const cv = readCvParam(params, 'HomoLR');
  const summary: string[] = [];
  for (let k = 0; k < 3; k++) {
    // The fold's final model: the last aggregated model the (plaintext) guest received in clear.
    const w = log.filter((m) => m.to.role === 'guest' && m.name === 'aggregated_model' && m.tag.startsWith(`fold${k}.`)).at(-1)!.payload as number[];
    const score = (inst: Instance) => sigmoid(inst.features.reduce((s, x, j) => s + x * w[j]!, w[w.length - 1]!));
    const hostFold = kFold(host.rows.length, cv)[k]!;
    const guestFold = kFold(guest.rows.length, cv)[k]!;
    const hostLabels = (idx: number[]) => idx.map((i) => (score(host.rows[i]![1]) > 0.5 ? 1 : 0));
    // The arbiter's answer to the host: the labels of its fold's train then test rows under that model.
    const answered = log.filter((m) => m.to.role === 'host' && m.name === 'predict_result' && m.tag === `fold${k}.predict`);
    assert.is(answered.length, 1);
    assert.equal(answered[0]!.payload, [...hostLabels(hostFold.train), ...hostLabels(hostFold.test)], `fold ${k}: labels`);
    for (const [set, idx, gidx] of [['train', hostFold.train, guestFold.train], ['validate', hostFold.test, guestFold.test]] as const) {
      const name = `${set}_fold_${k}`;
      // The host's metrics, by hand: a 0/1 scorer's AUC is (TPR + TNR) / 2, its KS TPR − FPR.
      const y = idx.map((i) => host.rows[i]![1].label!);
      const pred = hostLabels(idx);
      const pos = y.filter((v) => v === 1).length;
      const tp = y.filter((v, i) => v === 1 && pred[i] === 1).length;
      const fp = y.filter((v, i) => v === 0 && pred[i] === 1).length;
      const tpr = tp / pos;
      const fpr = fp / (y.length - pos);
      const got = Object.fromEntries(h.tracker.get(set, name).data) as Record<string, number>;
      assert.equal(Object.keys(got), ['auc', 'ks'], `host ${name}`);
      assert.ok(Math.abs(got.auc! - (tpr + 1 - fpr) / 2) < 1e-6, `host ${name} auc ${got.auc} vs ${(tpr + 1 - fpr) / 2}`);
      assert.ok(Math.abs(got.ks! - (tpr - fpr)) < 1e-6, `host ${name} ks ${got.ks} vs ${tpr - fpr}`);
      assert.ok(got.auc! > 0.85, `host ${name} auc ${got.auc}`);
      // The guest's metrics: its clear scores under the same model.
      const gAuc = (Object.fromEntries(g.tracker.get(set, name).data) as Record<string, number>).auc!;
      const want = auc(gidx.map((i) => guest.rows[i]![1].label!), gidx.map((i) => score(guest.rows[i]![1])));
      assert.ok(Math.abs(gAuc - want) < 1e-6, `guest ${name} auc ${gAuc} vs ${want}`);
      summary.push(`${name} host auc ${got.auc!.toFixed(4)} ks ${got.ks!.toFixed(4)} / guest auc ${gAuc.toFixed(4)}`);
    }
  }
  console.log(`    3 folds, encrypted host, 512-bit keys: ${(performance.now() - started).toFixed(0)} ms\n      ${summary.join('\n      ')}`);

  // Privacy. To the host: its keys, flags, ciphertexts, the other client's DH key and 0/1 labels — never a clear model.
  const toHost = log.filter((m) => m.to.role === 'host');
  const byName = (ms: Sent[]) => [...new Set(ms.map((m) => `${m.from.role}:${m.name}`))].sort();
  assert.equal(byName(toHost), ['arbiter:aggregated_model', 'arbiter:is_converge', 'arbiter:model_re_encrypted', 'arbiter:pailler_pubkey', 'arbiter:predict_result', 'guest:dh_ciphertext_guest']);
  for (const m of toHost) {
    if (m.name === 'aggregated_model' || m.name === 'model_re_encrypted') assert.ok(isCipherVector(m.payload), `${m.tag} ${m.name} is ciphertexts`);
    if (m.name === 'predict_result') assert.ok((m.payload as number[]).every((l) => l === 0 || l === 1));
  }
  // From the host: ciphertexts (blinded for the key holder), masked bigints, flags, plans, its DH key.
  const fromHost = log.filter((m) => m.from.role === 'host');
  assert.equal(byName(fromHost), ['host:dh_ciphertext_host', 'host:host_loss', 'host:host_model', 'host:model_to_re_encrypt', 'host:predict_wx', 'host:re_encrypt_times', 'host:use_encrypt']);
  const foldKey = (tag: string) => keys[Number(/^fold(\d+)\./.exec(tag)![1])]!.privateKey;
  for (const m of fromHost) {
    if (['host_model', 'model_to_re_encrypt', 'predict_wx'].includes(m.name)) assert.ok(isCipherVector(m.payload), `${m.tag} ${m.name} is ciphertexts`);
    if (m.name === 'host_loss') assert.ok((m.payload as bigint[]).every((v) => typeof v === 'bigint' && v > 2n ** 96n), 'a masked (zero) loss');
    if (m.name === 'host_model' || m.name === 'model_to_re_encrypt') {
      // The key holder decrypts the host's model uploads and refreshes to values far above any weight (masked).
      const v = m.payload as { values: bigint[]; scale: number };
      const sk = foldKey(m.tag);
      assert.ok(v.values.every((c) => Math.abs(Number(sk.decryptSigned(c)) / 2 ** v.scale) > 2 ** 30), `${m.tag} ${m.name}: a weight the arbiter can read`);
    }
  }
  // No host feature value, and no per-row clear vector (its labels) leaves the host; the guest's rows stay home too.
  for (const [who, table] of [['host', host], ['guest', guest]] as const) {
    const features = new Set(table.rows.flatMap(([, inst]) => inst.features).filter((v) => v !== 0 && v !== 1));
    const sent = log.filter((m) => m.from.role === who);
    assert.ok(sent.flatMap((m) => numbersIn(m.payload)).every((v) => !features.has(v)), `${who} sent a feature value`);
    assert.ok(!sent.some((m) => Array.isArray(m.payload) && m.payload.length >= 100), `${who} sent a per-row vector in clear`);
  }
});

t.run();
