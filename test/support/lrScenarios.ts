// HeteroLR runs over breast_hetero in the shapes the component supports (mini-batches in plaintext
// and Paillier, validation with early stopping, one-vs-rest, sqn, cross-validation, a predict job
// from the stored model; validation, sqn and cross-validation under Paillier too), with every output, metric and (plaintext) message kept: the columnar
// test runs them on row tables and on columnar tables and compares everything.
import type { ComponentInput, ComponentOutput, PartyRef } from '../../src/components/contract.js';
import type { DataTable, Instance } from '../../src/tableData/dataTable.js';
import { heteroLR } from '../../src/components/heteroLR/heteroLR.js';
import { breast, recordedContext, type Sent } from './breastHetero.js';
import { componentInput, InProcessJob, type RecordingTracker } from './inProcessFederation.js';

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };

const BASE = {
  penalty: 'L2',
  alpha: 0.01,
  optimizer: 'nesterov_momentum_sgd',
  learning_rate: 0.15,
  tol: 0.0001,
  early_stop: 'diff',
  init_param: { init_method: 'random_uniform', fit_intercept: true, random_seed: 103 },
  encrypt_param: { method: null },
};

const PAILLIER = { encrypt_param: { method: 'Paillier', key_length: 512 } };

export interface LRRun {
  guest: ComponentOutput;
  host: ComponentOutput;
  arbiter: ComponentOutput;
  trackers: Record<string, RecordingTracker['metrics']>;
  /** Every payload sent, in order (meaningful to compare in plaintext mode only). */
  sent: Sent[];
}

type Shape = (t: DataTable<Instance>) => DataTable<Instance>;

async function runParties(params: Record<string, unknown>, guest: DataTable<Instance>, host: DataTable<Instance>, extra: { validate?: [DataTable<Instance>, DataTable<Instance>]; model?: [ComponentOutput, ComponentOutput, ComponentOutput] } = {}): Promise<LRRun> {
  const job = new InProcessJob();
  const sent: Sent[] = [];
  const ctx = (self: PartyRef) => recordedContext(job, self, sent);
  const g = ctx(GUEST);
  const h = ctx(HOST);
  const a = ctx(ARBITER);
  const input = (role: string, data: DataTable<Instance> | undefined, validate: DataTable<Instance> | undefined, model: ComponentOutput | undefined): ComponentInput =>
    componentInput({
      module: 'HeteroLR',
      componentName: 'hetero_lr_0',
      role,
      roles: ROLES,
      params,
      data: { ...(data ? { [model ? 'eval_data' : 'train_data']: data } : {}), ...(validate ? { eval_data: validate } : {}) },
      ...(model?.model ? { model: model.model } : {}),
    });
  const [v0, v1] = extra.validate ?? [];
  const [m0, m1, m2] = extra.model ?? [];
  const [go, ho, ao] = await Promise.all([
    heteroLR(input('guest', guest, v0, m0), g),
    heteroLR(input('host', host, v1, m1), h),
    heteroLR(input('arbiter', undefined, undefined, m2), a),
  ]);
  if (job.undelivered() !== 0) throw new Error(`${job.undelivered()} messages undelivered`);
  return { guest: go, host: ho, arbiter: ao, trackers: { guest: g.tracker.metrics, host: h.tracker.metrics, arbiter: a.tracker.metrics }, sent };
}

/** Three classes from breast's label and its first feature (for one-vs-rest). */
function threeClasses(t: DataTable<Instance>): DataTable<Instance> {
  return { schema: t.schema, rows: t.rows.map(([k, inst]) => [k, { ...inst, label: inst.label! + (inst.features[0]! > 0.3 ? 1 : 0) }]) };
}

export const LR_SCENARIOS = ['plain-batches', 'paillier-batches', 'validation', 'ovr', 'sqn', 'cv', 'predict', 'paillier-validation', 'paillier-sqn', 'paillier-cv'] as const;
export type LRScenario = (typeof LR_SCENARIOS)[number];

/** Runs one scenario, with `shape` applied to every input table (identity: row tables). */
export async function runLRScenario(name: LRScenario, shape: Shape): Promise<LRRun> {
  const { guest, host } = await breast();
  const g = shape(guest);
  const h = shape(host);
  switch (name) {
    case 'plain-batches':
      return runParties({ ...BASE, max_iter: 5, batch_size: 200 }, g, h);
    case 'paillier-batches':
      return runParties({ ...BASE, ...PAILLIER, max_iter: 2, batch_size: 300 }, g, h);
    case 'validation':
      return runParties({ ...BASE, max_iter: 6, batch_size: -1, validation_freqs: 1, early_stopping_rounds: 2, metrics: ['auc', 'ks'], use_first_metric_only: true }, g, h, { validate: [shape(guest), shape(host)] });
    case 'ovr':
      return runParties({ ...BASE, max_iter: 3, batch_size: 250 }, shape(threeClasses(guest)), h);
    case 'sqn':
      return runParties({ ...BASE, optimizer: 'sqn', max_iter: 4, batch_size: 200, sqn_param: { update_interval_L: 2, memory_M: 3, sample_size: 100, random_seed: 7 } }, g, h);
    case 'cv':
      return runParties({ ...BASE, max_iter: 2, batch_size: -1, cv_param: { need_cv: true, n_splits: 3, shuffle: true, random_seed: 5 } }, g, h);
    case 'paillier-validation':
      return runParties({ ...BASE, ...PAILLIER, max_iter: 2, batch_size: 300, validation_freqs: 1, metrics: ['auc', 'ks'] }, g, h, { validate: [shape(guest), shape(host)] });
    case 'paillier-sqn':
      // Batches of 300: 2 a iteration, the first curvature pair at step 4.
      return runParties({ ...BASE, ...PAILLIER, optimizer: 'sqn', max_iter: 2, batch_size: 300, sqn_param: { update_interval_L: 2, memory_M: 3, sample_size: 50, random_seed: 7 } }, g, h);
    case 'paillier-cv':
      return runParties({ ...BASE, ...PAILLIER, max_iter: 1, batch_size: -1, cv_param: { need_cv: true, n_splits: 2, shuffle: true, random_seed: 5 } }, g, h);
    case 'predict': {
      const trained = await runParties({ ...BASE, max_iter: 3, batch_size: -1 }, guest, host);
      return runParties({ ...BASE }, g, h, { model: [trained.guest, trained.host, trained.arbiter] });
    }
  }
}

/** The run as comparable JSON text (bigints as text; Paillier payloads are random, so left out there). */
export function lrRunText(run: LRRun, withMessages: boolean): string {
  const plain = (o: ComponentOutput) => ({ data: o.data ? { schema: o.data.schema, rows: o.data.rows } : null, model: o.model ?? null });
  return JSON.stringify(
    { guest: plain(run.guest), host: plain(run.host), arbiter: plain(run.arbiter), trackers: run.trackers, sent: withMessages ? run.sent : run.sent.map((s) => [s.name, s.from, s.to]) },
    (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v),
  );
}
