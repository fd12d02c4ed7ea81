// HomoLR on columnar tables (issue 17): the same tables given as typed columns train the same models
// (protobuf bytes), losses, validation metrics and predictions as given as rows, and no party
// touches the rows of a columnar input (their getter throws here). Mini-batches, gradients, losses
// and scores run over the Float64Array columns.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows } from '../../../src/tableData/columns.js';
import { sealedColumns } from '../../support/sealedColumns.js';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { homoLR } from '../../../src/components/homoLR/homoLR.js';
import { localLoss, localRows, meanGradient } from '../../../src/components/homoLR/localModel.js';
import { readHomoParams } from '../../../src/components/homoLR/params.js';
import { predictColumnsOf } from '../../../src/tableData/predictColumns.js';
import { encodeBuffer } from '../../../src/models/bufferCodec.js';
import { fixtureTable } from '../dataio/csvTable.js';
import { componentInput, InProcessJob, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('HomoLR on columns');

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };

const BASE = {
  encrypt_param: { method: null }, penalty: 'L2', optimizer: 'sgd', tol: 1e-5, alpha: 0.01, max_iter: 8, early_stop: 'diff',
  batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' },
};

/** breast_homo guest and host as plain row tables. */
async function breast(): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  const job = new InProcessJob();
  const read = async (role: string, name: string, self: PartyRef) => {
    const out = (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), job.context(self))).data as DataTable<Instance>;
    return { schema: out.schema, rows: out.rows };
  };
  return { guest: await read('guest', 'breast_homo_guest', GUEST), host: await read('host', 'breast_homo_host', HOST) };
}


type Data = Record<string, DataTable<Instance>>;

async function run(params: Record<string, unknown>, guest: Data, host: Data, model?: { guest: ComponentOutput; host: ComponentOutput; arbiter: ComponentOutput }) {
  const job = new InProcessJob();
  const input = (role: string, data: Data, m?: ComponentOutput) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data, ...(m ? { model: m.model } : {}) });
  const ctx = { guest: job.context(GUEST), host: job.context(HOST), arbiter: job.context(ARBITER) };
  const [g, h, a] = await Promise.all([
    homoLR(input('guest', guest, model?.guest), ctx.guest),
    homoLR(input('host', host, model?.host), ctx.host),
    homoLR(input('arbiter', {}, model?.arbiter), ctx.arbiter),
  ]);
  assert.is(job.undelivered(), 0);
  const metrics = (c: { tracker: RecordingTracker }) => JSON.stringify(c.tracker.metrics);
  return { guest: g, host: h, arbiter: a, metrics: [metrics(ctx.guest), metrics(ctx.host), metrics(ctx.arbiter)] };
}

const bufferBytes = (out: ComponentOutput) => Object.entries(out.model ?? {}).map(([name, json]) => `${name}:${Buffer.from(encodeBuffer(name, json)).toString('hex')}`);

function assertSame(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>) {
  for (const party of ['guest', 'host', 'arbiter'] as const) {
    assert.equal(bufferBytes(a[party]), bufferBytes(b[party]), `${party} model buffers`);
    assert.equal(a[party].data?.rows, b[party].data?.rows, `${party} predictions`);
  }
  assert.equal(a.metrics, b.metrics, 'losses and validation metrics');
}

const SCENARIOS: [string, Record<string, unknown>][] = [
  ['full batch, sgd, L2', BASE],
  ['mini-batches of 64, adam, L1', { ...BASE, batch_size: 64, optimizer: 'adam', penalty: 'L1' }],
  ['mini-batches of 100, rmsprop, aggregate_iters 2, validation_freqs 2', { ...BASE, batch_size: 100, optimizer: 'rmsprop', aggregate_iters: 2, validation_freqs: 2 }],
];

for (const [name, params] of SCENARIOS) {
  t(`${name}: columnar input trains the same models, losses, metrics and predictions as rows, and no rows are touched`, async () => {
    const { guest, host } = await breast();
    const asRows = await run(params, { train_data: guest }, { train_data: host });
    const asColumns = await run(params, { train_data: sealedColumns(guest) }, { train_data: sealedColumns(host) });
    // (before anything reads their rows: predict columns whose rows were built are not columns any more)
    assert.ok(predictColumnsOf(asColumns.guest.data!), 'the guest predicts into columns');
    assert.ok(predictColumnsOf(asColumns.host.data!), 'the host predicts into columns');
    assertSame(asColumns, asRows);
    assert.is(asColumns.guest.data!.rows.length, guest.rows.length);
  });
}

t('eval_data on columns: the same train + validate rows as rows, and no rows touched', async () => {
  const { guest, host } = await breast();
  const evalRows: DataTable<Instance> = { schema: host.schema, rows: host.rows.slice(0, 10).map(([k, v]) => [`e${k}`, v]) };
  const params = { ...BASE, max_iter: 4, validation_freqs: 1 };
  const asRows = await run(params, { train_data: guest, eval_data: evalRows }, { train_data: host });
  const asColumns = await run(params, { train_data: sealedColumns(guest), eval_data: sealedColumns(evalRows) }, { train_data: sealedColumns(host) });
  assertSame(asColumns, asRows);
  assert.is(asColumns.guest.data!.rows.length, guest.rows.length + 10);
});

t('a predict job on columns (features in another order) gives the same rows as on rows', async () => {
  const { guest, host } = await breast();
  const trained = await run(BASE, { train_data: guest }, { train_data: host });
  const perm = guest.schema.header.map((_, j) => j).reverse();
  const shuffled = (tb: DataTable<Instance>): DataTable<Instance> => ({
    schema: { ...tb.schema, header: perm.map((j) => tb.schema.header[j]!) },
    rows: tb.rows.map(([k, inst]) => [k, { ...inst, features: perm.map((j) => inst.features[j]!) }]),
  });
  const asRows = await run(BASE, { eval_data: shuffled(guest) }, { eval_data: shuffled(host) }, trained);
  const asColumns = await run(BASE, { eval_data: sealedColumns(shuffled(guest)) }, { eval_data: sealedColumns(shuffled(host)) }, trained);
  assert.ok(predictColumnsOf(asColumns.guest.data!));
  assertSame(asColumns, asRows);
  assert.equal(asColumns.guest.data!.rows.map(([k, r]) => [k, (r as unknown[])[2]]), trained.guest.data!.rows.map(([k, r]) => [k, (r as unknown[])[2]]), 'the trained scores');
});

t('cross-validation on columns: the same fold metrics and loss curves as on rows', async () => {
  const { guest, host } = await breast();
  const params = { ...BASE, max_iter: 4, batch_size: 100, metrics: ['auc', 'ks'], cv_param: { n_splits: 3, shuffle: true, random_seed: 1, need_cv: true } };
  const asRows = await run(params, { train_data: guest }, { train_data: host });
  const asColumns = await run(params, { train_data: sealedColumns(guest) }, { train_data: sealedColumns(host) });
  assert.ok(asRows.metrics[0]!.includes('validate_fold_2'), 'the folds were evaluated');
  assert.equal(asColumns.metrics, asRows.metrics);
});

t('an encrypted host (Paillier 512) on columns trains without touching rows', async () => {
  const { guest, host } = await breast();
  const params = { ...BASE, encrypt_param: { method: 'Paillier', key_length: 512 }, batch_size: 200, max_iter: 2 };
  const out = await run(params, { train_data: sealedColumns(guest) }, { train_data: sealedColumns(host) });
  assert.is(out.host.data!.rows.length, host.rows.length);
  assert.ok(out.host.data!.rows.every(([, r]) => (r as unknown[])[2] === null && [0, 1].includes((r as unknown[])[1] as number)));
});

t('the column maths are the per-row loop\'s numbers to the last bit', async () => {
  const { guest } = await breast();
  const rows = localRows(guest);
  const w = guest.schema.header.map((_, j) => Math.sin(j + 1) / 3).concat([0.25]);
  const x = guest.rows.map(([, inst]) => inst.features);
  const y = guest.rows.map(([, inst]) => (inst.label === 1 ? 1 : -1));
  const wx = (f: readonly number[]) => f.reduce((s, v, j) => s + w[j]! * v, w[f.length]!);
  for (const [from, to] of [[0, guest.rows.length], [17, 93]] as const) {
    const grad = new Array<number>(w.length).fill(0);
    for (let i = from; i < to; i++) {
      const d = (1 / (1 + Math.exp(-y[i]! * wx(x[i]!))) - 1) * y[i]!;
      x[i]!.forEach((v, j) => (grad[j]! += d * v));
      grad[w.length - 1]! += d;
    }
    assert.equal(meanGradient(rows, w, from, to), grad.map((g) => g / (to - from)));
  }
  const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += softplus(-y[i]! * wx(x[i]!));
  const coef = w.slice(0, -1);
  sum += 0.5 * 0.01 * coef.reduce((s, c) => s + c * c, 0);
  assert.is(localLoss(rows, w, readHomoParams({ penalty: 'L2', alpha: 0.01, encrypt_param: { method: null } })), sum / x.length);
});

t('labels that are missing or not 0/1 fail as before on columns', async () => {
  const { guest } = await breast();
  const cols = columnsFromRows(guest.rows)!;
  const unlabelled = columnarTable(guest.schema, { keys: cols.keys, features: cols.features });
  assert.throws(() => localRows(unlabelled), /HomoLR: row ".*" has no label/);
  const three = columnarTable(guest.schema, { ...cols, labels: cols.labels!.map((l, i) => (i === 5 ? 2 : l)) });
  assert.throws(() => localRows(three), /multi-class \(one-vs-rest\) is not implemented/);
});

t.run();
