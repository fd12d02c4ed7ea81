// HeteroLinR and HeteroPoisson on columnar tables (issue 17): the same tables given as typed columns
// give the same model buffers (protobuf bytes), predictions, loss curves, metrics and (plaintext)
// messages as given as rows, and no party touches the rows of a columnar input (their getter throws
// here) — training, mini-batches, validation with early stopping, cross-validation, predict jobs,
// Poisson's exposure column, two hosts and a host whose rows are in another order.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Component, ComponentOutput, DataTable, Instance, ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import { heteroLinR, heteroPoisson } from '../../../src/components/heteroGLM/heteroGLM.js';
import { encodeBuffer } from '../../../src/models/bufferCodec.js';
import { recording, type Sent } from '../../support/breastHetero.js';
import { componentInput, InProcessJob, type RecordingTracker } from '../../support/inProcessFederation.js';
import { heteroTables } from '../../support/linearTables.js';
import { sealedColumns } from '../../support/sealedColumns.js';

const t = suite('HeteroLinR / HeteroPoisson on columns');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };
const hostRef = (j: number): PartyRef => ({ role: 'host', partyId: String(10000 + j) });

interface Tables {
  guest: DataTable<Instance>;
  hosts: DataTable<Instance>[];
}
interface Models {
  guest: ModelBuffers;
  hosts: ModelBuffers[];
}

async function run(c: Component, module: string, params: Record<string, unknown>, tables: Tables, opts: { validate?: Tables; model?: Models } = {}) {
  const hosts = tables.hosts.map((_, j) => hostRef(j));
  const roles = { guest: [GUEST.partyId], host: hosts.map((h) => h.partyId), arbiter: [ARBITER.partyId] };
  const job = new InProcessJob();
  const log: Sent[] = [];
  const ctx = (self: PartyRef) => {
    const x = job.context(self);
    return { ...x, federation: recording(x.federation, self, log) };
  };
  const m = opts.model;
  const input = (self: PartyRef, train?: DataTable<Instance>, val?: DataTable<Instance>, model?: ModelBuffers) =>
    componentInput({
      module, componentName: 'm_0', role: self.role, partyId: self.partyId, roles, params,
      data: m ? (train ? { eval_data: train } : {}) : { ...(train ? { train_data: train } : {}), ...(val ? { eval_data: val } : {}) },
      ...(m ? { model: model ?? {} } : {}),
    });
  const g = ctx(GUEST);
  const a = ctx(ARBITER);
  const [go, ao, ...hos] = await Promise.all([
    c(input(GUEST, tables.guest, opts.validate?.guest, m?.guest), g),
    ...(m ? [Promise.resolve({} as ComponentOutput)] : [c(input(ARBITER), a)]),
    ...hosts.map((h, j) => c(input(h, tables.hosts[j], opts.validate?.hosts[j], m?.hosts[j]), ctx(h))),
  ]);
  assert.is(job.undelivered(), 0);
  return { go: go!, ao: ao!, hos, log, metrics: JSON.stringify([(g.tracker as RecordingTracker).metrics, (a.tracker as RecordingTracker).metrics]) };
}

type Run = Awaited<ReturnType<typeof run>>;

/** Every model buffer as its protobuf bytes (hex): equal bytes, equal models. */
const bytes = (out: ComponentOutput) => Object.entries(out.model ?? {}).map(([name, json]) => `${name}:${Buffer.from(encodeBuffer(name, json)).toString('hex')}`);

/** The messages per (sender, receiver, name) in their order; typed arrays as plain arrays, the values compared exactly. */
function messages(log: Sent[]): Record<string, string> {
  const out: Record<string, unknown[]> = {};
  const plain = (v: unknown): unknown =>
    ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
  for (const m of log) (out[`${m.from.role}:${m.from.partyId} > ${m.to.role}:${m.to.partyId} ${m.name}`] ??= []).push(plain(m.payload));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))]));
}

function assertSame(asColumns: Run, asRows: Run, what: string, compareMessages = true) {
  assert.equal(bytes(asColumns.go), bytes(asRows.go), `${what}: guest model`);
  assert.equal(bytes(asColumns.ao), bytes(asRows.ao), `${what}: arbiter model`);
  asColumns.hos.forEach((h, j) => assert.equal(bytes(h), bytes(asRows.hos[j]!), `${what}: host ${j} model`));
  assert.equal(asColumns.go.data?.rows, asRows.go.data?.rows, `${what}: predictions`);
  assert.equal(asColumns.metrics, asRows.metrics, `${what}: loss curve and metrics`);
  if (compareMessages) assert.equal(messages(asColumns.log), messages(asRows.log), `${what}: messages`);
}

const sealed = (d: Tables): Tables => ({ guest: sealedColumns(d.guest), hosts: d.hosts.map(sealedColumns) });
const reversed = (d: DataTable<Instance>): DataTable<Instance> => ({ schema: d.schema, rows: [...d.rows].reverse() });

const motor = async (): Promise<Tables> => {
  const m = await heteroTables('motor_hetero', { label_name: 'motor_speed', label_type: 'float' });
  return { guest: m.guest, hosts: [m.host] };
};

/** dvisits' first 600 rows, an exposure column added to the guest's features (as heteroGLM.test.ts). */
async function dvisits(): Promise<Tables> {
  const full = await heteroTables('dvisits_hetero', { label_name: 'doctorco', label_type: 'float' });
  const rows = full.guest.rows.slice(0, 600);
  const keys = new Set(rows.map(([k]) => k));
  return {
    guest: { schema: { ...full.guest.schema, header: [...full.guest.schema.header, 'exposure'] }, rows: rows.map(([k, inst], i) => [k, { ...inst, features: [...inst.features, 1 + (i % 3) * 0.5] }]) },
    hosts: [{ schema: full.host.schema, rows: full.host.rows.filter(([k]) => keys.has(k)) }],
  };
}

const PLAIN = { encrypt_param: { method: null } };
const LINR = { penalty: 'L2', optimizer: 'sgd', tol: 1e-12, alpha: 0.01, max_iter: 8, early_stop: 'diff', batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' }, ...PLAIN };
const POISSON = { penalty: 'L2', optimizer: 'rmsprop', tol: 1e-12, alpha: 100, max_iter: 6, early_stop: 'diff', batch_size: -1, learning_rate: 0.01, exposure_colname: 'exposure', init_param: { init_method: 'zeros' }, ...PLAIN };
const CV = { cv_param: { n_splits: 3, shuffle: true, random_seed: 42, need_cv: true } };

interface Scenario {
  name: string;
  component: Component;
  module: string;
  data: () => Promise<Tables>;
  params: Record<string, unknown>;
  validate?: boolean;
  messages?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'HeteroLinR, full batch', component: heteroLinR, module: 'HeteroLinR', data: motor, params: LINR },
  { name: 'HeteroLinR, mini-batches of 150, adam, L1', component: heteroLinR, module: 'HeteroLinR', data: motor, params: { ...LINR, batch_size: 150, optimizer: 'adam', penalty: 'L1', max_iter: 4 } },
  { name: 'HeteroLinR, Paillier 512, mini-batches of 300', component: heteroLinR, module: 'HeteroLinR', data: motor, params: { ...LINR, batch_size: 300, max_iter: 3, encrypt_param: { method: 'Paillier', key_length: 512 } }, messages: false },
  {
    name: 'HeteroLinR, validation_freqs + early stopping on eval_data', component: heteroLinR, module: 'HeteroLinR', data: motor, validate: true,
    params: { ...LINR, max_iter: 9, validation_freqs: 2, early_stopping_rounds: 2, metrics: ['mean_absolute_error', 'root_mean_squared_error'] },
  },
  { name: 'HeteroLinR, cross-validation', component: heteroLinR, module: 'HeteroLinR', data: motor, params: { ...LINR, ...CV } },
  {
    name: 'HeteroLinR, two hosts, the second in another row order', component: heteroLinR, module: 'HeteroLinR', params: { ...LINR, early_stop: 'weight_diff' },
    data: async () => {
      const m = await motor();
      const host = m.hosts[0]!;
      const part = (from: number, to: number): DataTable<Instance> => ({ schema: { ...host.schema, header: host.schema.header.slice(from, to) }, rows: host.rows.map(([k, i]) => [k, { features: i.features.slice(from, to) }]) });
      return { guest: m.guest, hosts: [part(0, 3), reversed(part(3, 7))] };
    },
  },
  { name: 'HeteroPoisson with an exposure column', component: heteroPoisson, module: 'HeteroPoisson', data: dvisits, params: POISSON },
  { name: 'HeteroPoisson, mini-batches of 250, validation every iteration', component: heteroPoisson, module: 'HeteroPoisson', data: dvisits, validate: true, params: { ...POISSON, batch_size: 250, validation_freqs: 1 } },
  { name: 'HeteroPoisson, cross-validation', component: heteroPoisson, module: 'HeteroPoisson', data: dvisits, params: { ...POISSON, ...CV } },
];

for (const s of SCENARIOS) {
  t(`${s.name}: columns give the same models, predictions, losses, metrics and messages as rows, and no rows are touched`, async () => {
    const data = await s.data();
    const asRows = await run(s.component, s.module, s.params, data, s.validate ? { validate: data } : {});
    const asColumns = await run(s.component, s.module, s.params, sealed(data), s.validate ? { validate: sealed(data) } : {});
    assertSame(asColumns, asRows, s.name, s.messages !== false);
    assert.ok(asRows.go.data?.rows.length === data.guest.rows.length || asRows.metrics.includes('validate_fold_2'), 'the guest predicted its rows, or evaluated every fold');
  });
}

t('predict jobs on columns (the host in another row order) give the same predictions as on rows, for both models', async () => {
  for (const s of [SCENARIOS[0]!, SCENARIOS[6]!]) {
    const data = await s.data();
    const fitted = await run(s.component, s.module, s.params, data);
    const model: Models = { guest: fitted.go.model!, hosts: fitted.hos.map((h) => h.model!) };
    const shuffled: Tables = { guest: data.guest, hosts: data.hosts.map(reversed) };
    const asRows = await run(s.component, s.module, s.params, shuffled, { model });
    const asColumns = await run(s.component, s.module, s.params, sealed(shuffled), { model });
    assert.equal(asColumns.go.data!.rows, asRows.go.data!.rows, s.name);
    assert.equal(messages(asColumns.log), messages(asRows.log), `${s.name}: messages`);
    // …which are the training predictions, as type 'predict'.
    const trained = (fitted.go.data!.rows as [string, unknown[]][]).map(([k, r]) => [k, [...r.slice(0, 4), 'predict']]);
    assert.equal(asColumns.go.data!.rows, trained, `${s.name}: the training predictions`);
  }
});

t('bad columnar input fails clearly: a negative exposure, a host without an id the guest names, a missing label', async () => {
  const data = await dvisits();
  const at = data.guest.schema.header.length - 1;
  const negative: Tables = { ...data, guest: { schema: data.guest.schema, rows: data.guest.rows.map(([k, i], r) => [k, { ...i, features: i.features.map((v, j) => (j === at && r === 3 ? -1 : v)) }]) } };
  const abortable = async (c: Component, module: string, params: Record<string, unknown>, tables: Tables, who: PartyRef): Promise<Error | null> => {
    // The failing party's peers would wait forever: run only it, with peers aborted after.
    const roles = { guest: [GUEST.partyId], host: tables.hosts.map((_, j) => hostRef(j).partyId), arbiter: [ARBITER.partyId] };
    const job = new InProcessJob();
    const stop = new AbortController();
    const table = who.role === 'guest' ? tables.guest : tables.hosts[0]!;
    const others = Promise.allSettled(
      [GUEST, ARBITER, hostRef(0)].filter((p) => p.role !== who.role).map((p) =>
        c(componentInput({ module, componentName: 'm_0', role: p.role, partyId: p.partyId, roles, params, data: p.role === 'arbiter' ? {} : { train_data: p.role === 'guest' ? tables.guest : tables.hosts[0]! } }), job.context(p, stop.signal))),
    );
    const err = await c(componentInput({ module, componentName: 'm_0', role: who.role, partyId: who.partyId, roles, params, data: { train_data: table } }), job.context(who)).then(() => null, (e: Error) => e);
    stop.abort(new Error('canceled'));
    await others;
    return err;
  };
  const e1 = await abortable(heteroPoisson, 'HeteroPoisson', POISSON, sealed(negative), GUEST);
  assert.match(String(e1?.message), /HeteroPoisson: row ".*" has exposure -1; exposures must be ≥ 0/);
  const m = await motor();
  const short: Tables = { guest: m.guest, hosts: [{ schema: m.hosts[0]!.schema, rows: m.hosts[0]!.rows.slice(1) }] };
  const e2 = await abortable(heteroLinR, 'HeteroLinR', LINR, sealed(short), hostRef(0));
  assert.match(String(e2?.message), /HeteroLinR: host has no row for id .* \(intersect first\)/);
  const unlabelled: Tables = { guest: { schema: m.guest.schema, rows: m.guest.rows.map(([k, i]) => [k, { features: i.features }]) }, hosts: m.hosts };
  const e3 = await abortable(heteroLinR, 'HeteroLinR', LINR, sealed(unlabelled), GUEST);
  assert.match(String(e3?.message), /HeteroLinR: row ".*" has no label/);
});

t.run();
