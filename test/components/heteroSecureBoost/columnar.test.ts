// HeteroSecureBoost training on columnar tables (issue 17): the same tables given as typed columns
// train the same trees — the same model buffers byte for byte, the same training scores and losses —
// as given as rows, and no party touches the rows of a columnar input (their getter throws here).
// Histograms run on the columns' narrow bin indexes; the guest's training output is predict columns
// whose rows are exactly the predict job's (resultRow) numbers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnsFromRows } from '../../../src/tableData/columns.js';
import { sealedColumns } from '../../support/sealedColumns.js';
import type { ComponentOutput, ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { binColumns, binFeatures } from '../../../src/components/heteroSecureBoost/binning.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { predictColumnsOf } from '../../../src/tableData/predictColumns.js';
import { encodeBuffer } from '../../../src/models/bufferCodec.js';
import { heteroTables, type HeteroTables } from '../../support/boostTables.js';
import { componentInput, InProcessJob, type RecordingTracker } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost on columns');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const hostRefs = (k: number): PartyRef[] => Array.from({ length: k }, (_, j) => ({ role: 'host', partyId: String(10000 + j) }));
const PLAIN = { method: null };


async function train(params: Record<string, unknown>, data: HeteroTables, model?: { guest: ModelBuffers; hosts: ModelBuffers[] }, evalData?: HeteroTables) {
  const hosts = hostRefs(data.hosts.length);
  const roles = { guest: [GUEST.partyId], host: hosts.map((h) => h.partyId) };
  const job = new InProcessJob();
  const input = (self: PartyRef, table: DataTable<Instance>, m?: ModelBuffers, e?: DataTable<Instance>) =>
    componentInput({
      module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: self.role, partyId: self.partyId, roles, params,
      data: m ? { data: table } : { train_data: table, ...(e ? { eval_data: e } : {}) }, ...(m ? { model: m } : {}),
    });
  const gctx = job.context(GUEST);
  const [guest, ...hostOuts] = await Promise.all([
    heteroSecureBoost(input(GUEST, data.guest, model?.guest, evalData?.guest), gctx),
    ...hosts.map((h, j) => heteroSecureBoost(input(h, data.hosts[j]!, model?.hosts[j], evalData?.hosts[j]), job.context(h))),
  ]);
  assert.is(job.undelivered(), 0);
  return {
    guest: guest!, hosts: hostOuts,
    loss: () => (gctx.tracker as RecordingTracker).get('train', 'loss'),
    metrics: () => JSON.stringify((gctx.tracker as RecordingTracker).metrics),
  };
}

/** Every model buffer as its protobuf bytes (hex): equal bytes, equal models. */
const bufferBytes = (out: ComponentOutput) => Object.entries(out.model!).map(([name, json]) => `${name}:${Buffer.from(encodeBuffer(name, json)).toString('hex')}`);

const reversedRows = (table: DataTable<Instance>): DataTable<Instance> => ({ schema: table.schema, rows: [...table.rows].reverse() });

interface Scenario {
  name: string;
  data: () => Promise<HeteroTables>;
  params: Record<string, unknown>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'binary (breast), plaintext',
    data: () => heteroTables('breast_hetero_guest', ['breast_hetero_host'], 'y'),
    params: { task_type: 'classification', num_trees: 4, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'multi-class (vehicle_scale), plaintext',
    data: () => heteroTables('vehicle_scale_hetero_guest', ['vehicle_scale_hetero_host'], 'y'),
    params: { task_type: 'classification', num_trees: 2, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'regression lae (student), plaintext',
    data: () => heteroTables('student_hetero_guest', ['student_hetero_host'], 'y', 'float'),
    params: { task_type: 'regression', objective_param: { objective: 'lae' }, num_trees: 3, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'use_missing + zero_as_missing (ionosphere_scale), plaintext',
    data: () => heteroTables('ionosphere_scale_hetero_guest', ['ionosphere_scale_hetero_host'], 'label'),
    params: { task_type: 'classification', num_trees: 3, learning_rate: 0.1, bin_num: 50, use_missing: true, zero_as_missing: true, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'two hosts, one in another row order (motor), plaintext',
    data: async () => {
      const d = await heteroTables('motor_hetero_guest', ['motor_hetero_host_1', 'motor_hetero_host_2'], 'motor_speed', 'float');
      return { guest: d.guest, hosts: [d.hosts[0]!, reversedRows(d.hosts[1]!)] };
    },
    params: { task_type: 'regression', objective_param: { objective: 'lse' }, num_trees: 3, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN },
  },
  {
    name: 'binary (breast), Paillier 512-bit',
    data: () => heteroTables('breast_hetero_guest', ['breast_hetero_host'], 'y'),
    params: { task_type: 'classification', num_trees: 2, learning_rate: 0.1, bin_num: 32, tree_param: { max_depth: 3 }, encrypt_param: { method: 'Paillier', key_length: 512 } },
  },
];

for (const s of SCENARIOS) {
  t(`${s.name}: columnar input trains the same model buffers, scores and losses as rows, and no rows are touched`, async () => {
    const data = await s.data();
    const asRows = await train(s.params, data);
    const asColumns = await train(s.params, { guest: sealedColumns(data.guest), hosts: data.hosts.map(sealedColumns) });

    assert.equal(bufferBytes(asColumns.guest), bufferBytes(asRows.guest), 'guest model buffers');
    asColumns.hosts.forEach((h, j) => assert.equal(bufferBytes(h), bufferBytes(asRows.hosts[j]!), `host ${j} model buffers`));
    assert.equal(asColumns.loss(), asRows.loss(), 'loss curve');
    assert.equal(asColumns.guest.data!.schema, asRows.guest.data!.schema);
    assert.equal(asColumns.guest.data!.rows, asRows.guest.data!.rows, 'training scores');
    assert.is(asColumns.guest.data!.rows.length, data.guest.rows.length);
  });
}

t('classification training output is predict columns whose rows are exactly the predict job\'s (resultRow) on the same rows', async () => {
  for (const s of SCENARIOS.slice(0, 2)) {
    const data = await s.data();
    const fitted = await train(s.params, { guest: sealedColumns(data.guest), hosts: data.hosts.map(sealedColumns) });
    assert.ok(predictColumnsOf(fitted.guest.data!), `${s.name}: the guest's training output is columnar`);
    const predicted = await train(s.params, data, { guest: fitted.guest.model!, hosts: fitted.hosts.map((h) => h.model!) });
    const asTrain = (predicted.guest.data!.rows as [string, unknown[]][]).map(([k, r]) => [k, [...r.slice(0, 4), 'train']]);
    assert.equal(fitted.guest.data!.rows, asTrain, s.name);
  }
});

const sealedAll = (d: HeteroTables): HeteroTables => ({ guest: sealedColumns(d.guest), hosts: d.hosts.map(sealedColumns) });

t('a predict job on columns (a host in another row order) gives the same rows as on rows, predict columns where they have a form', async () => {
  for (const s of [SCENARIOS[0]!, SCENARIOS[1]!, SCENARIOS[2]!, SCENARIOS[4]!]) {
    const data = await s.data();
    const fitted = await train(s.params, data);
    const model = { guest: fitted.guest.model!, hosts: fitted.hosts.map((h) => h.model!) };
    const shuffled = { guest: data.guest, hosts: data.hosts.map(reversedRows) };
    const asRows = await train(s.params, shuffled, model);
    const asColumns = await train(s.params, sealedAll(shuffled), model);
    assert.is(predictColumnsOf(asColumns.guest.data!) !== undefined, s.params.task_type === 'classification', `${s.name}: columnar output`);
    assert.equal(asColumns.guest.data!.rows, asRows.guest.data!.rows, s.name);
    assert.equal(asColumns.guest.data!.schema, asRows.guest.data!.schema);
  }
});

t('eval_data with validation_freqs and early stopping on columns: the same models, rows and validation metrics as on rows', async () => {
  const data = await SCENARIOS[0]!.data();
  const cut = 400;
  const part = (d: HeteroTables, from: number, to?: number): HeteroTables => ({
    guest: { schema: d.guest.schema, rows: d.guest.rows.slice(from, to) },
    hosts: d.hosts.map((h) => ({ schema: h.schema, rows: h.rows.slice(from, to) })),
  });
  const params = { ...SCENARIOS[0]!.params, num_trees: 6, validation_freqs: 1, early_stopping_rounds: 2, metrics: ['auc', 'ks'] };
  const asRows = await train(params, part(data, 0, cut), undefined, part(data, cut));
  const asColumns = await train(params, sealedAll(part(data, 0, cut)), undefined, sealedAll(part(data, cut)));
  assert.equal(bufferBytes(asColumns.guest), bufferBytes(asRows.guest));
  asColumns.hosts.forEach((h, j) => assert.equal(bufferBytes(h), bufferBytes(asRows.hosts[j]!)));
  assert.equal(asColumns.guest.data!.rows, asRows.guest.data!.rows);
  assert.is(asColumns.guest.data!.rows.length, data.guest.rows.length);
  assert.equal(asColumns.metrics(), asRows.metrics());
  assert.ok(asColumns.metrics().includes('iteration_0'), 'validation ran');
});

// Multi-class too: its ties between host candidates of equal gain now break the same way on every
// run (the host's keyed anonymous order, anonymousOrder.ts), so its fold loss curves compare exactly.
t('cross-validation on columns: the same fold metrics and loss curves as on rows', async () => {
  for (const s of [SCENARIOS[0]!, SCENARIOS[1]!]) {
    const data = await s.data();
    const params = { ...s.params, num_trees: 2, cv_param: { need_cv: true, n_splits: 3, shuffle: true, random_seed: 7 } };
    const asRows = await train(params, data);
    const asColumns = await train(params, sealedAll(data));
    assert.ok(asRows.metrics().includes('validate_fold_2'), 'the folds were evaluated');
    assert.equal(asColumns.metrics(), asRows.metrics(), s.name);
  }
});

t('regression keeps row output (its detail has no column form)', async () => {
  const s = SCENARIOS[2]!;
  const data = await s.data();
  const fitted = await train(s.params, { guest: sealedColumns(data.guest), hosts: data.hosts.map(sealedColumns) });
  assert.is(predictColumnsOf(fitted.guest.data!), undefined);
  assert.equal((fitted.guest.data!.rows[0]![1] as unknown[])[3], { label: (fitted.guest.data!.rows[0]![1] as unknown[])[2] });
});

t('binColumns = binFeatures, in the narrowest index type; a host index gathers rows', async () => {
  const { guest } = await heteroTables('ionosphere_scale_hetero_guest', ['ionosphere_scale_hetero_host'], 'label');
  const cols = columnsFromRows(guest.rows)!;
  const rows = guest.rows.map(([, i]) => i.features);
  for (const [binNum, type] of [[32, Int8Array], [127, Int8Array], [128, Int16Array], [40000, Int32Array]] as const) {
    const missing = { useMissing: true, zeroAsMissing: true };
    const a = binFeatures(rows, rows[0]!.length, binNum, missing);
    const b = binColumns(cols.features, binNum, missing);
    assert.equal(b.splitPoints, a.splitPoints);
    b.binOf.forEach((bins, f) => {
      assert.instance(bins, type, `bin_num ${binNum}`);
      assert.equal([...bins], [...a.binOf[f]!]);
    });
  }
  const order = Int32Array.from(rows.keys()).reverse();
  const gathered = binColumns(cols.features, 32, { useMissing: true, zeroAsMissing: false }, order);
  const direct = binFeatures([...rows].reverse(), rows[0]!.length, 32, { useMissing: true, zeroAsMissing: false });
  assert.equal(gathered.splitPoints, direct.splitPoints);
  gathered.binOf.forEach((bins, f) => assert.equal([...bins], [...direct.binOf[f]!]));
  assert.throws(() => binColumns([Float64Array.of(1, Infinity)], 32), /feature 0 has a missing or non-numeric value/);
  assert.throws(() => binColumns([Float64Array.of(1, NaN)], 32), /feature 0 has a missing or non-numeric value/);
});

t('a columnar host without an id the guest names fails clearly', async () => {
  const data = await heteroTables('breast_hetero_guest', ['breast_hetero_host'], 'y');
  const host = { schema: data.hosts[0]!.schema, rows: data.hosts[0]!.rows.slice(1) };
  const err = await train(SCENARIOS[0]!.params, { guest: sealedColumns(data.guest), hosts: [sealedColumns(host)] }).then(() => null, (e: Error) => e);
  assert.match(String(err?.message), /HeteroSecureBoost: host has no row for id .* \(intersect first\)/);
});

t.run();
