// HeteroLinR / HeteroPoisson runs in the shapes the components support (full batch, mini-batches,
// Paillier, validation with early stopping, cross-validation, two hosts, Poisson's exposure column),
// with every output, metric and message kept: the columnar test runs them on row tables and on
// columnar tables and compares everything, the protocol pin test digests them.
import type { Component, ComponentOutput, ModelBuffers, PartyRef } from '../../src/components/contract.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { heteroLinR, heteroPoisson } from '../../src/components/heteroGLM/heteroGLM.js';
import { encodeBuffer } from '../../src/models/bufferCodec.js';
import { recordedContext, type Sent } from './breastHetero.js';
import { componentInput, InProcessJob, type RecordingTracker } from './inProcessFederation.js';
import { heteroTables } from './linearTables.js';

export const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
export const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };
export const hostRef = (j: number): PartyRef => ({ role: 'host', partyId: String(10000 + j) });

export interface Tables {
  guest: DataTable<Instance>;
  hosts: DataTable<Instance>[];
}
export interface Models {
  guest: ModelBuffers;
  hosts: ModelBuffers[];
}

export async function runGlm(c: Component, module: string, params: Record<string, unknown>, tables: Tables, opts: { validate?: Tables; model?: Models } = {}) {
  const hosts = tables.hosts.map((_, j) => hostRef(j));
  const roles = { guest: [GUEST.partyId], host: hosts.map((h) => h.partyId), arbiter: [ARBITER.partyId] };
  const job = new InProcessJob();
  const log: Sent[] = [];
  const ctx = (self: PartyRef) => recordedContext(job, self, log);
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
  if (job.undelivered() !== 0) throw new Error(`${job.undelivered()} messages undelivered`);
  return { go: go!, ao: ao!, hos, log, metrics: JSON.stringify([(g.tracker as RecordingTracker).metrics, (a.tracker as RecordingTracker).metrics]) };
}

export type GlmRun = Awaited<ReturnType<typeof runGlm>>;

/** The fitted models of a run, as a predict job's input. */
export const modelsOf = (run: GlmRun): Models => ({ guest: run.go.model!, hosts: run.hos.map((h) => h.model!) });

/** Every model buffer as its protobuf bytes (hex): equal bytes, equal models. */
export const bytes = (out: ComponentOutput) => Object.entries(out.model ?? {}).map(([name, json]) => `${name}:${Buffer.from(encodeBuffer(name, json)).toString('hex')}`);

/** The messages per (sender, receiver, name) in their order; typed arrays as plain arrays, the values compared exactly. */
export function messages(log: Sent[]): Record<string, string> {
  const out: Record<string, unknown[]> = {};
  const plain = (v: unknown): unknown =>
    ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
  for (const m of log) (out[`${m.from.role}:${m.from.partyId} > ${m.to.role}:${m.to.partyId} ${m.name}`] ??= []).push(plain(m.payload));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))]));
}

export const reversed = (d: DataTable<Instance>): DataTable<Instance> => ({ schema: d.schema, rows: [...d.rows].reverse() });

export const motor = async (): Promise<Tables> => {
  const m = await heteroTables('motor_hetero', { label_name: 'motor_speed', label_type: 'float' });
  return { guest: m.guest, hosts: [m.host] };
};

/** dvisits' first 600 rows, an exposure column added to the guest's features (as heteroGLM.test.ts). */
export async function dvisits(): Promise<Tables> {
  const full = await heteroTables('dvisits_hetero', { label_name: 'doctorco', label_type: 'float' });
  const rows = full.guest.rows.slice(0, 600);
  const keys = new Set(rows.map(([k]) => k));
  return {
    guest: { schema: { ...full.guest.schema, header: [...full.guest.schema.header, 'exposure'] }, rows: rows.map(([k, inst], i) => [k, { ...inst, features: [...inst.features, 1 + (i % 3) * 0.5] }]) },
    hosts: [{ schema: full.host.schema, rows: full.host.rows.filter(([k]) => keys.has(k)) }],
  };
}

export const PLAIN = { encrypt_param: { method: null } };
export const LINR = { penalty: 'L2', optimizer: 'sgd', tol: 1e-12, alpha: 0.01, max_iter: 8, early_stop: 'diff', batch_size: -1, learning_rate: 0.15, init_param: { init_method: 'zeros' }, ...PLAIN };
export const POISSON = { penalty: 'L2', optimizer: 'rmsprop', tol: 1e-12, alpha: 100, max_iter: 6, early_stop: 'diff', batch_size: -1, learning_rate: 0.01, exposure_colname: 'exposure', init_param: { init_method: 'zeros' }, ...PLAIN };
export const CV = { cv_param: { n_splits: 3, shuffle: true, random_seed: 42, need_cv: true } };

export interface Scenario {
  name: string;
  component: Component;
  module: string;
  data: () => Promise<Tables>;
  params: Record<string, unknown>;
  validate?: boolean;
  messages?: boolean;
}

export const GLM_SCENARIOS: Scenario[] = [
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
