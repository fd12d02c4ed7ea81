import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { kFold } from '../../../src/components/crossValidation/kFold.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { breast } from '../../support/breastHetero.js';
import { componentInput, InProcessJob, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost cross-validation');
const ROLES = { guest: ['9999'], host: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };

t('cv_param.need_cv: a model per fold, FATE\'s train_fold_<k> / validate_fold_<k> evaluations and loss.<k> curves; no model or data out', async () => {
  const data = await breast();
  const params = { task_type: 'classification', num_trees: 3, tree_param: { max_depth: 3 }, encrypt_param: { method: null }, cv_param: { need_cv: true, n_splits: 3, shuffle: true, random_seed: 103 } };
  const job = new InProcessJob();
  const input = (role: string, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: table } });
  const g = job.context(GUEST);
  const [guest, host] = await Promise.all([heteroSecureBoost(input('guest', data.guest), g), heteroSecureBoost(input('host', data.host), job.context(HOST))]);
  assert.is(job.undelivered(), 0);
  assert.equal([guest.model, guest.data, host.model, host.data], [undefined, undefined, undefined, undefined]);
  const tracker = g.tracker as RecordingTracker;
  const folds = kFold(569, { nSplits: 3, shuffle: true, randomSeed: 103 });
  for (let f = 0; f < 3; f++) {
    const train = Object.fromEntries(tracker.get('train', `train_fold_${f}`).data);
    const validate = Object.fromEntries(tracker.get('validate', `validate_fold_${f}`).data);
    console.log(`    fold ${f}: train auc ${train.auc}, validate auc ${validate.auc} (${folds[f]!.test.length} test rows)`);
    assert.ok((train.auc as number) > 0.98 && (validate.auc as number) > 0.9, `fold ${f}`);
    assert.ok((train.auc as number) >= (validate.auc as number));
    assert.is(tracker.get('train', `loss.${f}`).data.length, 3);
    assert.is(tracker.get('train', `loss.${f}`).meta.curve_name, String(f));
  }
  // The validate AUC of fold 0 is that of a model trained on fold 0's train rows only, scored on its test rows.
  const pick = (tb: DataTable<Instance>, idx: number[]): DataTable<Instance> => ({ schema: tb.schema, rows: idx.map((i) => tb.rows[i]!) });
  const job2 = new InProcessJob();
  const plain = { ...params, cv_param: { need_cv: false } };
  const fit = (role: string, tb: DataTable<Instance>, te: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params: plain, data: { train_data: tb, eval_data: te } });
  const [g2] = await Promise.all([
    heteroSecureBoost(fit('guest', pick(data.guest, folds[0]!.train), pick(data.guest, folds[0]!.test)), job2.context(GUEST)),
    heteroSecureBoost(fit('host', pick(data.host, folds[0]!.train), pick(data.host, folds[0]!.test)), job2.context(HOST)),
  ]);
  const rows = (g2.data!.rows as [string, unknown[]][]).filter(([, r]) => r[4] === 'validate');
  assert.is(rows.length, folds[0]!.test.length);
  const expected = auc(rows.map(([, r]) => r[0] as number), rows.map(([, r]) => r[2] as number));
  const got = Object.fromEntries(tracker.get('validate', 'validate_fold_0').data).auc as number;
  assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
});

t.run();
