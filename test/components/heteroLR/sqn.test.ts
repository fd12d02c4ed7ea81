// HeteroLR with FATE's stochastic quasi-Newton optimizer: the federated run (plaintext and Paillier)
// equals a central SQN on the joined table (the arbiter's view: hosts' coefficients, then the guest's,
// then the intercept), it learns breast, and the Hessian estimate satisfies the secant condition.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { heteroLR } from '../../../src/components/heteroLR/heteroLR.js';
import { SqnHessian, sqnUpdatesAt } from '../../../src/components/heteroLR/sqn.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroLR sqn');
const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10000' };
/** FATE's test_hetero_lr_sqn_job_conf.json, fewer iterations. */
const SQN = { penalty: 'L2', optimizer: 'sqn', tol: 1e-4, alpha: 1e-5, max_iter: 12, early_stop: 'diff', batch_size: 5000, learning_rate: 0.15, decay: 0.3, decay_sqrt: true, init_param: { init_method: 'zeros' }, sqn_param: { update_interval_L: 3, memory_M: 5, sample_size: 5000, random_seed: null } };

async function run(params: Record<string, unknown>, tables: { guest: DataTable<Instance>; host: DataTable<Instance> }, log?: Sent[]) {
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return log ? { ...c, federation: recording(c.federation, self, log) } : c;
  };
  const input = (role: string, data?: DataTable<Instance>) => componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const [go, ho, ao] = await Promise.all([heteroLR(input('guest', tables.guest), ctx(GUEST)), heteroLR(input('host', tables.host), ctx(HOST)), heteroLR(input('arbiter'), ctx(ARBITER))]);
  assert.is(job.undelivered(), 0);
  return { go, ho, ao };
}

const param = (o: ComponentOutput) => o.model!.HeteroLogisticRegressionParam as Record<string, any>;

/** Central SQN with FATE's Taylor gradient of HeteroLR on [host x, guest x, 1]; one batch per iteration. */
function centralSqn(tables: { guest: DataTable<Instance>; host: DataTable<Instance> }, iters: number, batchSize: number) {
  const hostBy = new Map(tables.host.rows);
  const xs = tables.guest.rows.map(([k, i]) => [...hostBy.get(k)!.features, ...i.features, 1]);
  const y = tables.guest.rows.map(([, i]) => (i.label === 1 ? 1 : -1));
  const d = xs[0]!.length;
  const isCoef = (j: number) => j < d - 1;
  let w = new Array<number>(d).fill(0);
  const hess = new SqnHessian(5);
  let mw = new Array<number>(d).fill(0);
  let sum: number[] | null = null;
  let last: number[] | null = null;
  const batches = Math.ceil(xs.length / batchSize);
  for (let it = 0; it < iters; it++) {
    const lr = 0.15 / Math.sqrt(1 + 0.3 * it);
    for (let b = 0; b < batches; b++) {
      const step = it * batches + b;
      const rows = xs.slice(b * batchSize, (b + 1) * batchSize);
      const ys = y.slice(b * batchSize, (b + 1) * batchSize);
      const dot = (a: number[], x: number[]) => a.reduce((s, v, j) => s + v * x[j]!, 0);
      const g = w.map((_, j) => rows.reduce((s, x, i) => s + (0.25 * dot(w, x) - 0.5 * ys[i]!) * x[j]!, 0) / rows.length + (isCoef(j) ? 1e-5 * w[j]! : 0));
      const delta = hess.step(g, lr);
      w = w.map((v, j) => v - delta[j]!);
      mw = mw.map((v, j) => v - delta[j]!);
      sum = sum ? sum.map((v, j) => v + mw[j]!) : [...mw];
      if (sqnUpdatesAt(step, { updateIntervalL: 3, memoryM: 5, sampleSize: 5000, randomSeed: null }).average) {
        const avg = sum.map((v) => v / 3);
        if (last) {
          const s = avg.map((v, j) => v - last![j]!);
          const yv = s.map((_, j) => rows.reduce((acc, x) => acc + 0.25 * dot(s, x) * x[j]!, 0) / rows.length + (isCoef(j) ? 1e-5 * s[j]! : 0));
          hess.addPair(s, yv);
        }
        last = avg;
        sum = null;
      }
    }
  }
  return w;
}

function federatedVector(out: { go: ComponentOutput; ho: ComponentOutput }, tables: { guest: DataTable<Instance>; host: DataTable<Instance> }) {
  return [...tables.host.schema.header.map((h) => param(out.ho).weight[h] as number), ...tables.guest.schema.header.map((h) => param(out.go).weight[h] as number), param(out.go).intercept as number];
}

t('given FATE\'s sqn conf (full batch), then plaintext federated SQN equals central SQN and learns breast', async () => {
  const tables = await breast();
  const out = await run({ ...SQN, tol: 1e-12, encrypt_param: { method: null } }, tables);
  const ref = centralSqn(tables, 12, 5000);
  federatedVector(out, tables).forEach((v, j) => assert.ok(Math.abs(v - ref[j]!) < 1e-9, `coef ${j}: ${v} vs ${ref[j]}`));
  const rows = out.go.data!.rows as [string, [number, number, number]][];
  const a = auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2]));
  console.log(`    sqn 12 iterations: AUC ${a.toFixed(6)}`);
  assert.ok(a > 0.98, `auc ${a}`);
});

t('given mini-batches of 200 and Paillier (512-bit), then federated SQN equals central SQN within 1e-6, and the host gets only ciphertexts for the curvature pairs', async () => {
  const tables = await breast();
  const log: Sent[] = [];
  const out = await run({ ...SQN, max_iter: 4, batch_size: 200, tol: 1e-12, encrypt_param: { method: 'Paillier', key_length: 512 } }, tables, log);
  const ref = centralSqn(tables, 4, 200);
  federatedVector(out, tables).forEach((v, j) => assert.ok(Math.abs(v - ref[j]!) < 1e-6, `coef ${j}: ${v} vs ${ref[j]}`));
  const forwardHess = log.filter((m) => m.name.endsWith('.forward_hess') && m.to.role === 'host');
  assert.ok(forwardHess.length >= 2);
  for (const m of forwardHess) assert.ok((m.payload as unknown[]).every((v) => typeof v === 'bigint' && v > 2n ** 700n));
  const sqnForwards = log.filter((m) => m.name.endsWith('.host_sqn_forwards'));
  for (const m of sqnForwards) assert.ok((m.payload as unknown[]).every((v) => typeof v === 'bigint' && v > 2n ** 700n));
});

t('given curvature pairs of a quadratic, then H satisfies the secant condition H·y = s for the newest pair', () => {
  const A = [[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]];
  const mul = (m: number[][], v: number[]) => m.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0));
  const h = new SqnHessian(5);
  for (const s of [[1, 0, 0], [0.3, 1, -0.2], [0.1, -0.4, 1]]) {
    const y = mul(A, s);
    h.addPair(s, y);
    const hy = h.step(y, 1);
    hy.forEach((v, j) => assert.ok(Math.abs(v - s[j]!) < 1e-12, `H·y ≠ s: ${hy} vs ${s}`));
  }
  // H stays symmetric positive definite (a descent direction for any gradient).
  const e = (i: number) => [0, 1, 2].map((j) => (j === i ? 1 : 0));
  const H = [0, 1, 2].map((i) => h.step(e(i), 1));
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(H[i]![j]! - H[j]![i]!) < 1e-12);
  for (const v of [[0.7, -1.1, 0.25], [1, 1, 1], [-2, 0.1, 3]]) assert.ok(h.step(v, 1).reduce((acc, x, j) => acc + x * v[j]!, 0) > 0);
});

t.run();
