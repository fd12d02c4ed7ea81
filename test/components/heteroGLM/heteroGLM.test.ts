// HeteroLinR and HeteroPoisson: federated coefficients (Paillier, 512-bit keys) equal a plaintext
// central fit on the joined table with the same optimizer and iterations within 1e-6; the loss curve
// too; predict jobs reproduce the training predictions; validation and cross-validation log FATE's
// names; the host receives only ciphertexts where a label or residual could leak.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Component, ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroLinR, heteroPoisson } from '../../../src/components/heteroGLM/heteroGLM.js';
import { recording, type Sent } from '../../support/breastHetero.js';
import { heteroTables } from '../../support/linearTables.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroLinR / HeteroPoisson');

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };
type Tables = { guest: DataTable<Instance>; host: DataTable<Instance> };

async function run(c: Component, module: string, params: Record<string, unknown>, tables: Tables, opts: { validate?: Tables; model?: { guest: ComponentOutput; host: ComponentOutput }; log?: Sent[] } = {}) {
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const x = job.context(self);
    return opts.log ? { ...x, federation: recording(x.federation, self, opts.log) } : x;
  };
  const g = ctx(GUEST);
  const h = ctx(HOST);
  const a = ctx(ARBITER);
  const m = opts.model;
  const input = (role: 'guest' | 'host' | 'arbiter') => {
    const train = role === 'arbiter' ? undefined : tables[role];
    const val = role === 'arbiter' ? undefined : opts.validate?.[role];
    return componentInput({
      module, componentName: 'm_0', role, roles: ROLES, params,
      data: m ? (train ? { eval_data: train } : {}) : { ...(train ? { train_data: train } : {}), ...(val ? { eval_data: val } : {}) },
      ...(m ? { model: role === 'arbiter' ? {} : m[role].model! } : {}),
    });
  };
  const [go, ho, ao] = await Promise.all([c(input('guest'), g), c(input('host'), h), c(input('arbiter'), a)]);
  assert.is(job.undelivered(), 0);
  return { go, ho, ao, g: g.tracker, a: a.tracker };
}

const param = (out: ComponentOutput, name: string) => out.model![name] as Record<string, any>;

/** Central reference: plain gradient descent on the joined rows with FATE's sgd / rmsprop and L2. */
function central(
  family: 'linr' | 'poisson',
  tables: Tables,
  p: { lr: number; alpha: number; iters: number; optimizer: 'sgd' | 'rmsprop'; offsets?: number[] },
) {
  const hostBy = new Map(tables.host.rows);
  const xs = tables.guest.rows.map(([k, i]) => [...i.features, ...hostBy.get(k)!.features, 1]);
  const y = tables.guest.rows.map(([, i]) => i.label!);
  const d = xs[0]!.length;
  const n = xs.length;
  let w = new Array<number>(d).fill(0);
  const m = new Array<number>(d).fill(0);
  const losses: number[] = [];
  for (let it = 0; it < p.iters; it++) {
    const z = xs.map((x, i) => x.reduce((s, v, j) => s + v * w[j]!, 0) + (p.offsets?.[i] ?? 0));
    const pred = family === 'linr' ? z : z.map(Math.exp);
    const r = pred.map((v, i) => v - y[i]!);
    const reg = 0.5 * p.alpha * w.slice(0, d - 1).reduce((s, v) => s + v * v, 0);
    losses.push((family === 'linr' ? r.reduce((s, v) => s + v * v, 0) / (2 * n) : pred.reduce((s, v, i) => s + v - y[i]! * z[i]!, 0) / n) + reg);
    const g = w.map((_, j) => xs.reduce((s, x, i) => s + r[i]! * x[j]!, 0) / n + (j < d - 1 ? p.alpha * w[j]! : 0));
    w = w.map((wj, j) => {
      if (p.optimizer === 'sgd') return wj - p.lr * g[j]!;
      m[j] = 0.99 * m[j]! + 0.01 * g[j]! * g[j]!;
      return wj - (p.lr * g[j]!) / Math.sqrt(m[j]! + 1e-6);
    });
  }
  return { w, losses };
}

function assertClose(out: { go: ComponentOutput; ho: ComponentOutput; ao: ComponentOutput }, name: string, tables: Tables, ref: { w: number[]; losses: number[] }, tol: number) {
  const gp = param(out.go, name);
  const hp = param(out.ho, name);
  const fed = [...tables.guest.schema.header.map((h) => gp.weight[h] as number), ...tables.host.schema.header.map((h) => hp.weight[h] as number), gp.intercept as number];
  let worst = 0;
  fed.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ref.w[j]!))));
  assert.ok(worst < tol, `max |federated − central| ${worst}`);
  const loss = param(out.ao, name).lossHistory as number[];
  assert.is(loss.length, ref.losses.length);
  loss.forEach((l, i) => assert.ok(Math.abs(l - ref.losses[i]!) < tol, `loss ${i}: ${l} vs ${ref.losses[i]}`));
  return worst;
}

const motor = () => heteroTables('motor_hetero', { label_name: 'motor_speed', label_type: 'float' });
const LINR = { penalty: 'L2', optimizer: 'sgd', tol: 1e-12, alpha: 0.01, max_iter: 8, early_stop: 'diff', batch_size: -1, learning_rate: 0.15, decay: 0, decay_sqrt: false, init_param: { init_method: 'zeros' } };

let linrLog: Sent[] = [];
t('given motor, then HeteroLinR with Paillier equals the central least-squares fit (sgd, L2, 8 iterations) within 1e-6, loss included', async () => {
  const tables = await motor();
  linrLog = [];
  const out = await run(heteroLinR, 'HeteroLinR', { ...LINR, encrypt_param: { method: 'Paillier', key_length: 512 } }, tables, { log: linrLog });
  const worst = assertClose(out, 'HeteroLinearRegressionParam', tables, central('linr', tables, { lr: 0.15, alpha: 0.01, iters: 8, optimizer: 'sgd' }), 1e-6);
  console.log(`    linr Paillier 512: max coefficient difference ${worst.toExponential(2)}`);
  assert.equal(out.go.model!.HeteroLinearRegressionMeta, {
    penalty: 'L2', tol: 1e-12, alpha: 0.01, optimizer: 'sgd', batchSize: '-1', learningRate: 0.15, maxIter: '8', earlyStop: 'diff', fitIntercept: true,
  });
  assert.equal(out.a.get('train', 'loss').meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  const rows = out.go.data!.rows as [string, [number, number, number, Record<string, number>, string]][];
  assert.is(rows.length, tables.guest.rows.length);
  for (const [, r] of rows) assert.equal([r[1], r[3].label, r[4]], [r[2], r[2], 'train']);
  // A predict job from the stored model gives the same predictions.
  const pred = await run(heteroLinR, 'HeteroLinR', LINR, tables, { model: { guest: out.go, host: out.ho } });
  (pred.go.data!.rows as typeof rows).forEach(([k, r], i) => {
    assert.is(k, rows[i]![0]);
    assert.is(r[2], rows[i]![1][2]);
    assert.is(r[4], 'predict');
  });
});

t('given Paillier, then the host receives no label, residual or guest value in clear, and the arbiter only ciphertexts or masked sums', () => {
  const toHost = linrLog.filter((m) => m.to.role === 'host');
  const fore = toHost.filter((m) => m.name.endsWith('.fore_gradient'));
  assert.ok(fore.length === 8);
  for (const m of fore) assert.ok((m.payload as unknown[]).every((v) => typeof v === 'bigint' && v > 2n ** 700n), 'fore_gradient is ciphertexts');
  const names = new Set(toHost.map((m) => m.name.replace('HeteroLinRTransferVariable.', '')));
  assert.equal([...names].sort(), ['batch_data_index', 'batch_info', 'converge_flag', 'fore_gradient', 'host_optim_gradient', 'paillier_obfuscators', 'paillier_obfuscators_dealt', 'paillier_pubkey', 'predict_index']);
  for (const m of linrLog.filter((x) => x.to.role === 'arbiter')) {
    const name = m.name.replace('HeteroLinRTransferVariable.', '');
    if (name.endsWith('_delta_norm') || name === 'batch_info') continue;
    const leaves = name === 'loss' ? [(m.payload as any).sum, (m.payload as any).regular] : (m.payload as unknown[]);
    assert.ok(leaves.every((v) => typeof v === 'bigint' && v > 2n ** 700n), `${name} to the arbiter is ciphertexts`);
  }
});

/** dvisits' first 600 rows, with an exposure column added to the guest's features. */
async function dvisits(): Promise<{ tables: Tables; offsets: number[] }> {
  const full = await heteroTables('dvisits_hetero', { label_name: 'doctorco', label_type: 'float' });
  const rows = full.guest.rows.slice(0, 600);
  const keys = new Set(rows.map(([k]) => k));
  const exposure = (i: number) => 1 + (i % 3) * 0.5;
  return {
    tables: {
      guest: { schema: { ...full.guest.schema, header: [...full.guest.schema.header, 'exposure'] }, rows: rows.map(([k, inst], i) => [k, { ...inst, features: [...inst.features, exposure(i)] }]) },
      host: { schema: full.host.schema, rows: full.host.rows.filter(([k]) => keys.has(k)) },
    },
    offsets: rows.map((_, i) => Math.log(exposure(i))),
  };
}
const POISSON = { penalty: 'L2', optimizer: 'rmsprop', tol: 1e-12, alpha: 100, max_iter: 6, early_stop: 'diff', batch_size: -1, learning_rate: 0.01, decay: 0, decay_sqrt: false, exposure_colname: 'exposure', init_param: { init_method: 'zeros' } };

t('given dvisits with an exposure column, then HeteroPoisson with Paillier equals the central Poisson fit (rmsprop, L2, offsets ln exposure) within 1e-6, and predicts the same from its stored model', async () => {
  const { tables, offsets } = await dvisits();
  const out = await run(heteroPoisson, 'HeteroPoisson', { ...POISSON, encrypt_param: { method: 'Paillier', key_length: 512 } }, tables);
  const noExposure = { guest: { schema: { ...tables.guest.schema, header: tables.guest.schema.header.slice(0, -1) }, rows: tables.guest.rows.map(([k, i]) => [k, { ...i, features: i.features.slice(0, -1) }] as [string, Instance]) }, host: tables.host };
  const worst = assertClose(out, 'HeteroPoissonRegressionParam', noExposure, central('poisson', noExposure, { lr: 0.01, alpha: 100, iters: 6, optimizer: 'rmsprop', offsets }), 1e-6);
  console.log(`    poisson Paillier 512: max coefficient difference ${worst.toExponential(2)}`);
  const gp = param(out.go, 'HeteroPoissonRegressionParam');
  assert.equal(gp.header, ['hscore', 'chcond1', 'chcond2']);
  assert.is(out.go.model!.HeteroPoissonRegressionMeta!.exposureColname, 'exposure');
  const rows = out.go.data!.rows as [string, unknown[]][];
  const pred = await run(heteroPoisson, 'HeteroPoisson', POISSON, tables, { model: { guest: out.go, host: out.ho } });
  (pred.go.data!.rows as typeof rows).forEach(([, r], i) => assert.is(r[2], rows[i]![1][2]));
  // Predictions are exposure × exp(linear part): positive.
  assert.ok(rows.every(([, r]) => (r[2] as number) > 0));
});

t('given validation_freqs and early stopping on regression metrics, then iteration_<i> logs the metrics given and the best model is kept', async () => {
  const tables = await motor();
  const params = { ...LINR, max_iter: 12, validation_freqs: 3, early_stopping_rounds: 3, metrics: ['mean_absolute_error', 'root_mean_squared_error'], encrypt_param: { method: null } };
  const out = await run(heteroLinR, 'HeteroLinR', params, tables, { validate: tables });
  assert.equal(Object.keys(out.g.metrics.validate!), ['iteration_2', 'iteration_5', 'iteration_8', 'iteration_11']);
  assert.equal(out.g.get('validate', 'iteration_2').data.map(([k]) => k), ['mean_absolute_error', 'root_mean_squared_error']);
  // sgd on least squares keeps improving: the best model is the last validated one.
  assert.is(param(out.go, 'HeteroLinearRegressionParam').bestIteration, 11);
});

t('given cv_param need_cv, then HeteroLinR and HeteroPoisson log train_fold_<k> / validate_fold_<k> with regression metrics', async () => {
  const tables = await motor();
  const cv = { cv_param: { n_splits: 3, shuffle: false, random_seed: 42, need_cv: true }, encrypt_param: { method: null } };
  const out = await run(heteroLinR, 'HeteroLinR', { ...LINR, ...cv }, tables);
  assert.equal(out.g.names(), { train: ['train_fold_0', 'train_fold_1', 'train_fold_2'], validate: ['validate_fold_0', 'validate_fold_1', 'validate_fold_2'] });
  assert.equal(out.g.get('validate', 'validate_fold_0').data.map(([k]) => k), ['root_mean_squared_error', 'mean_absolute_error']);
  assert.equal(out.a.names(), { train: ['loss.0', 'loss.1', 'loss.2'] });
  const { tables: dv } = await dvisits();
  const po = await run(heteroPoisson, 'HeteroPoisson', { ...POISSON, ...cv }, dv);
  assert.equal(Object.keys(po.g.metrics.validate!), ['validate_fold_0', 'validate_fold_1', 'validate_fold_2']);
});

t('given two hosts, then HeteroLinR trains with weight_diff and equals the central fit; HeteroPoisson refuses as FATE does', async () => {
  const tables = await motor();
  const half = (from: number, to: number): DataTable<Instance> => ({ schema: { ...tables.host.schema, header: tables.host.schema.header.slice(from, to) }, rows: tables.host.rows.map(([k, i]) => [k, { features: i.features.slice(from, to) }]) });
  const roles = { guest: ['9999'], host: ['10000', '10001'], arbiter: ['10000'] };
  const job = new InProcessJob();
  const params = { ...LINR, early_stop: 'weight_diff', encrypt_param: { method: null } };
  const input = (role: string, data?: DataTable<Instance>) => componentInput({ module: 'HeteroLinR', componentName: 'm_0', role, roles, params, data: data ? { train_data: data } : {} });
  const [go, h1, h2] = await Promise.all([
    heteroLinR(input('guest', tables.guest), job.context(GUEST)),
    heteroLinR({ ...input('host', half(0, 3)), partyId: '10000' }, job.context(HOST)),
    heteroLinR({ ...input('host', half(3, 7)), partyId: '10001' }, job.context({ role: 'host', partyId: '10001' })),
    heteroLinR(input('arbiter'), job.context(ARBITER)),
  ]);
  const ref = central('linr', tables, { lr: 0.15, alpha: 0.01, iters: 8, optimizer: 'sgd' });
  const name = 'HeteroLinearRegressionParam';
  const fed = [...tables.guest.schema.header.map((h) => param(go, name).weight[h]), ...half(0, 3).schema.header.map((h) => param(h1, name).weight[h]), ...half(3, 7).schema.header.map((h) => param(h2, name).weight[h]), param(go, name).intercept];
  fed.forEach((v, j) => assert.ok(Math.abs(v - ref.w[j]!) < 1e-9, `coef ${j}`));
  const job2 = new InProcessJob();
  const { tables: dv } = await dvisits();
  const pin = (role: string, data?: DataTable<Instance>) => componentInput({ module: 'HeteroPoisson', componentName: 'm_0', role, roles, params: { ...POISSON, encrypt_param: { method: null } }, data: data ? { train_data: data } : {} });
  const stop = new AbortController();
  const others = Promise.allSettled([heteroPoisson(pin('arbiter'), job2.context(ARBITER, stop.signal))]);
  try {
    await heteroPoisson(pin('guest', dv.guest), job2.context(GUEST));
    assert.unreachable('should reject');
  } catch (e) {
    assert.match((e as Error).message, /HeteroPoisson: more than one host is not supported/);
  }
  stop.abort(new Error('canceled'));
  await others;
});

t.run();
