// HomoLR cross-validation: FATE's per-fold names on each client, a loss curve per fold at the arbiter,
// fresh mask keys per fold (no mask reused across folds), no output model or data.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataTable, Instance, PartyRef } from '../../../src/components/contract.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { homoLR } from '../../../src/components/homoLR/homoLR.js';
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

t.run();
