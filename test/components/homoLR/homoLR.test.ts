import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, Federation, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { homoLR, homoLRWith } from '../../../src/components/homoLR/homoLR.js';
import { decodeFixed, encodeFixed, sumMasked } from '../../../src/components/homoLR/secureAggregation.js';
import { components } from '../../../src/components/registry.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { fixtureTable } from '../dataio/csvTable.js';

const t = suite('HomoLR');

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };

/** The examples' homo_lr_conf.json algorithm parameters, every party in clear (paillierMode.test covers Paillier). */
const EXAMPLE = {
  encrypt_param: { method: null },
  penalty: 'L2',
  optimizer: 'sgd',
  tol: 1e-5,
  alpha: 0.01,
  max_iter: 30,
  early_stop: 'diff',
  batch_size: -1,
  learning_rate: 0.15,
  init_param: { init_method: 'zeros' },
};

let tables: { guest: DataTable<Instance>; host: DataTable<Instance> } | null = null;

/** DataIO (with_label) on both breast_homo CSVs. */
async function breast(): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  if (tables) return tables;
  const job = new InProcessJob();
  const read = async (role: string, name: string, self: PartyRef) =>
    (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }), job.context(self)))
      .data as DataTable<Instance>;
  tables = { guest: await read('guest', 'breast_homo_guest', GUEST), host: await read('host', 'breast_homo_host', HOST) };
  return tables;
}

interface Sent {
  name: string;
  tag: string;
  from: PartyRef;
  to: PartyRef;
  payload: unknown;
}

function recording(fed: Federation, self: PartyRef, log: Sent[]): Federation {
  return {
    remote: async (name, tag, payload, to) => {
      for (const dst of to) log.push({ name, tag, from: self, to: dst, payload: structuredClone(payload) });
      return fed.remote(name, tag, payload, to);
    },
    get: (name, tag, from) => fed.get(name, tag, from),
  };
}

async function run(params: Record<string, unknown>, opts: { secure?: boolean; log?: Sent[] } = {}) {
  const { guest, host } = await breast();
  const component = opts.secure === false ? homoLRWith({ secureAggregation: false }) : homoLR;
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return opts.log ? { ...c, federation: recording(c.federation, self, opts.log) } : c;
  };
  const [g, h, a] = [ctx(GUEST), ctx(HOST), ctx(ARBITER)];
  const input = (role: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const started = performance.now();
  const [go, ho, ao] = await Promise.all([component(input('guest', guest), g), component(input('host', host), h), component(input('arbiter'), a)]);
  const ms = performance.now() - started;
  assert.is(job.undelivered(), 0);
  return { guest: go, host: ho, arbiter: ao, arbiterTracker: a.tracker, guestTracker: g.tracker, ms };
}

type PredictRow = [number, number, number, Record<string, number>, string];
const rowsOf = (out: ComponentOutput) => out.data!.rows as [string, PredictRow][];
const param = (out: ComponentOutput) => out.model!.HomoLogisticRegressionParam as Record<string, any>;
const aucOf = (...outs: ComponentOutput[]) => {
  const rows = outs.flatMap(rowsOf);
  return auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2]));
};

let example: Awaited<ReturnType<typeof run>> | null = null;
const exampleLog: Sent[] = [];

t('given breast homo with the example params, then every party trains to AUC ≥ 0.97, the arbiter logs the loss and the outputs have FATE shape', async () => {
  const out = await run(EXAMPLE, { log: exampleLog });
  example = out;
  const [ga, ha, all] = [aucOf(out.guest), aucOf(out.host), aucOf(out.guest, out.host)];
  console.log(`    30 iterations, masked: AUC guest ${ga.toFixed(6)}, host ${ha.toFixed(6)}, both ${all.toFixed(6)}, ${out.ms.toFixed(0)} ms`);
  assert.ok(ga >= 0.97 && ha >= 0.97 && all >= 0.97, `auc ${ga} ${ha} ${all}`);

  const loss = out.arbiterTracker.get('train', 'loss');
  assert.equal(loss.meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  // FATE 1.4.5 aggregates at the top of every epoch n_iter = 0…max_iter (n_iter 0: the initial
  // models, zeros here, so the loss of log 2) and logs the loss under n_iter.
  assert.equal(loss.data.map(([k]) => k), Array.from({ length: 31 }, (_, i) => i));
  const values = loss.data.map(([, v]) => v as number);
  assert.ok(Math.abs(values[0]! - Math.LN2) < 1e-12, `loss of the zero model ${values[0]}`);
  values.slice(1).forEach((v, i) => assert.ok(v < values[i]!, `loss rises at ${i + 1}: ${values}`));
  assert.ok(values[30]! < 0.25, `loss ${values[1]} → ${values[30]}`);
  console.log(`    loss ${values[1]!.toFixed(6)} → ${values[30]!.toFixed(6)}`);
  assert.equal(out.guestTracker.names(), {}, 'clients log no metric');

  assert.equal(out.guest.data!.schema, { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' });
  assert.is(out.guest.data!.rows.length, 227);
  assert.is(out.host.data!.rows.length, 228);
  for (const [, r] of [...rowsOf(out.guest), ...rowsOf(out.host)]) {
    assert.is(r[4], 'train');
    assert.ok(r[0] === 0 || r[0] === 1);
    assert.is(r[3]['1'], r[2]);
    assert.ok(Math.abs(r[3]['0']! + r[3]['1']! - 1) < 1e-12);
    assert.is(r[1], r[2] > 0.5 ? 1 : 0);
  }
  // Everyone ends with the aggregated model.
  const [gp, hp, ap] = [param(out.guest), param(out.host), param(out.arbiter)];
  const header = Array.from({ length: 30 }, (_, j) => `x${j}`);
  assert.equal(gp.header, header);
  assert.equal(gp.weight, hp.weight);
  assert.equal(ap.weight, gp.weight, 'the arbiter names its coefficients x0… as FATE does');
  assert.is(gp.intercept, hp.intercept);
  assert.is(ap.intercept, gp.intercept);
  assert.equal([gp.iters, gp.isConverged, gp.bestIteration, gp.needOneVsRest], [30, false, -1, false]);
  assert.equal(ap.lossHistory, values);
  assert.is(gp.lossHistory.length, 31);
  assert.is(out.guest.modelModule, 'HomoLR');
  assert.equal(out.guest.model!.HomoLogisticRegressionMeta, {
    penalty: 'L2', tol: 1e-5, alpha: 0.01, optimizer: 'sgd', batchSize: '-1', learningRate: 0.15, maxIter: '30', earlyStop: 'diff',
    fitIntercept: true, reEncryptBatches: '2', needOneVsRest: false, predictParam: { threshold: 0.5 },
  });
  assert.is(components.HomoLR, homoLR);
});

t('given the same job without masks, then the models the arbiter averages and the final weights are the same to fixed-point precision', async () => {
  assert.ok(example, 'the example test must run first');
  const plainLog: Sent[] = [];
  const plain = await run(EXAMPLE, { secure: false, log: plainLog });
  console.log(`    plain (no masks) 30 iterations: ${plain.ms.toFixed(0)} ms; masked ${example.ms.toFixed(0)} ms`);
  for (const name of Object.keys(param(plain.guest).weight)) {
    assert.ok(Math.abs(param(plain.guest).weight[name] - param(example.guest).weight[name]) < 1e-9, name);
  }
  const lm = param(example.arbiter).lossHistory as number[];
  (param(plain.arbiter).lossHistory as number[]).forEach((l, i) => assert.ok(Math.abs(l - lm[i]!) < 1e-9, `loss ${i}`));

  const toArbiter = (log: Sent[], tag: string, variable: string) =>
    log.filter((m) => m.to.role === 'arbiter' && m.tag === tag && m.name === `HomoLRTransferVariable.${variable}`);
  let checked = 0;
  for (let round = 1; round <= 30; round++) {
    const tag = String(round);
    const masked = [...toArbiter(exampleLog, tag, 'guest_model'), ...toArbiter(exampleLog, tag, 'host_model')].map((m) => m.payload as bigint[]);
    const clear = [...toArbiter(plainLog, tag, 'guest_model'), ...toArbiter(plainLog, tag, 'host_model')].map((m) => m.payload as number[]);
    assert.is(masked.length, 2);
    assert.is(clear.length, 2);
    // Each party's upload is a ring vector that reveals nothing of its w·degree…
    masked.forEach((upload, party) => {
      assert.is(upload.length, 32);
      upload.forEach((v, j) => {
        assert.is(typeof v, 'bigint');
        assert.ok(v !== encodeFixed(clear[party]![j]!), `round ${round}: party ${party} sent its plain value ${j}`);
        assert.ok(Math.abs(decodeFixed(v) - clear[party]![j]!) > 1e9, `round ${round}: upload ${party}[${j}] is near the plain value`);
        assert.ok(v > 2n ** 96n, 'a uniform ring element, not a small fixed-point number');
        checked++;
      });
    });
    // …yet the arbiter's sum is the plain one: Σ w·degree and Σ degree (exact to 2^-48 per term; the
    // two runs differ only by that rounding carried through the rounds, see secureAggregation.test).
    const sum = sumMasked(masked);
    sum.forEach((s, j) => {
      const expected = clear[0]![j]! + clear[1]![j]!;
      assert.ok(Math.abs(s - expected) <= 1e-9, `round ${round} value ${j}: ${s} vs ${expected}`);
    });
    assert.is(sum[31], 455, 'total degree: every row once per round');
    // The losses go masked too.
    for (const m of [...toArbiter(exampleLog, tag, 'guest_loss'), ...toArbiter(exampleLog, tag, 'host_loss')]) {
      assert.ok((m.payload as bigint[]).every((v) => typeof v === 'bigint' && v > 2n ** 96n));
    }
  }
  assert.is(checked, 30 * 2 * 32);
  // The key exchange never goes through the arbiter.
  const dh = exampleLog.filter((m) => m.name.includes('dh_ciphertext'));
  assert.equal(dh.map((m) => `${m.from.role}→${m.to.role}`).sort(), ['guest→host', 'host→guest']);
  assert.ok(exampleLog.filter((m) => m.to.role === 'arbiter').every((m) => !m.name.includes('dh_')));
});

t('given mini-batches, aggregate_iters and other optimizers, then training still reaches AUC > 0.97 and aggregates only every aggregate_iters epochs', async () => {
  for (const optimizer of ['rmsprop', 'adam', 'nesterov_momentum_sgd', 'adagrad']) {
    const out = await run({ ...EXAMPLE, optimizer, batch_size: 64, max_iter: 10, aggregate_iters: 3 });
    const a = aucOf(out.guest, out.host);
    const keys = out.arbiterTracker.get('train', 'loss').data.map(([k]) => k);
    console.log(`    ${optimizer}, batch 64, aggregate every 3: AUC ${a.toFixed(6)}, aggregations at ${keys.join(',')}`);
    assert.ok(a > 0.97, `${optimizer}: auc ${a}`);
    // (n_iter + 1) % 3 == 0, and max_iter: after epochs 0–1, then every 3 epochs.
    assert.equal(keys, [2, 5, 8, 10]);
  }
});

t('given early_stop weight_diff or abs with a loose tol, then the arbiter stops everyone early and all agree', async () => {
  for (const [earlyStop, tol] of [['weight_diff', 0.05], ['abs', 0.3]] as const) {
    const out = await run({ ...EXAMPLE, early_stop: earlyStop, tol });
    const iters = param(out.arbiter).iters;
    assert.ok(iters < 30, `${earlyStop}: ${iters}`);
    assert.equal([param(out.guest).isConverged, param(out.host).isConverged, param(out.arbiter).isConverged], [true, true, true]);
    assert.equal([param(out.guest).iters, param(out.host).iters], [iters, iters]);
    console.log(`    ${earlyStop} tol ${tol}: converged at n_iter ${iters}`);
  }
});

t('given two hosts, then the three parties mask pairwise and still train to AUC ≥ 0.97', async () => {
  const { guest, host } = await breast();
  const half = Math.floor(host.rows.length / 2);
  const roles = { guest: ['9999'], host: ['10000', '10002'], arbiter: ['10001'] };
  const job = new InProcessJob();
  const log: Sent[] = [];
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  };
  const input = (role: string, partyId: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, partyId, roles, params: EXAMPLE, data: data ? { train_data: data } : {} });
  const [go, h1, h2] = await Promise.all([
    homoLR(input('guest', '9999', guest), ctx(GUEST)),
    homoLR(input('host', '10000', { schema: host.schema, rows: host.rows.slice(0, half) }), ctx(HOST)),
    homoLR(input('host', '10002', { schema: host.schema, rows: host.rows.slice(half) }), ctx({ role: 'host', partyId: '10002' })),
    homoLR(input('arbiter', '10001'), ctx(ARBITER)),
  ]);
  assert.is(job.undelivered(), 0);
  const a = aucOf(go, h1, h2);
  console.log(`    guest + two hosts: AUC ${a.toFixed(6)}`);
  assert.ok(a >= 0.97, `auc ${a}`);
  assert.equal(param(h1).weight, param(go).weight);
  assert.equal(param(h2).weight, param(go).weight);
  const round1 = log.filter((m) => m.tag === '1' && m.to.role === 'arbiter' && m.name.endsWith('_model')).map((m) => m.payload as bigint[]);
  assert.is(round1.length, 3);
  assert.is(sumMasked(round1)[31], 455);
  // Each pair of three exchanged keys: 6 directed messages.
  assert.is(log.filter((m) => m.name.includes('dh_ciphertext')).length, 6);
});

t('given eval_data, then its rows are predicted as validate after the train rows', async () => {
  const { guest, host } = await breast();
  const job = new InProcessJob();
  const params = { ...EXAMPLE, max_iter: 5 };
  const input = (role: string, data?: Record<string, DataTable<Instance>>) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data: data ?? {} });
  const evalRows: DataTable<Instance> = { schema: host.schema, rows: host.rows.slice(0, 10).map(([k, v]) => [`e${k}`, v]) };
  const [go] = await Promise.all([
    homoLR(input('guest', { train_data: guest, eval_data: evalRows }), job.context(GUEST)),
    homoLR(input('host', { train_data: host }), job.context(HOST)),
    homoLR(input('arbiter'), job.context(ARBITER)),
  ]);
  const rows = rowsOf(go);
  assert.is(rows.length, 237);
  assert.equal(rows.slice(227).map(([k, r]) => [k.startsWith('e'), r[4]]), Array.from({ length: 10 }, () => [true, 'validate']));
});

t('given a stored model (predict job), then each client scores its rows as test; a clear host only tells the arbiter it does not encrypt', async () => {
  assert.ok(example, 'the example test must run first');
  const { guest, host } = await breast();
  const job = new InProcessJob();
  const input = (role: string, model: ComponentOutput['model'], data?: DataTable<Instance>) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params: EXAMPLE, model, data: data ? { eval_data: data } : {} });
  const [go, ho, ao] = await Promise.all([
    homoLR(input('guest', example.guest.model, guest), job.context(GUEST)),
    homoLR(input('host', example.host.model, host), job.context(HOST)),
    homoLR(input('arbiter', example.arbiter.model), job.context(ARBITER)),
  ]);
  assert.equal(job.sent.map((m) => `${m.from.role}→${m.to.role} ${m.name}`), ['host→arbiter HomoLRTransferVariable.use_encrypt']);
  assert.is(job.undelivered(), 0);
  for (const [out, trained] of [[go, example.guest], [ho, example.host]] as const) {
    rowsOf(out).forEach(([, r], i) => {
      assert.is(r[4], 'test');
      assert.ok(Math.abs(r[2] - rowsOf(trained)[i]![1][2]) < 1e-12);
    });
  }
  assert.is(ao.data, undefined);
});

t('given a missing host, aggregate_iters 0 or labels other than 0/1, then it fails clearly', async () => {
  const { guest, host } = await breast();
  const job = new InProcessJob();
  const solo = (params: Record<string, unknown>, roles: Record<string, string[]>, data = guest) =>
    homoLR(componentInput({ module: 'HomoLR', role: 'guest', roles, params, data: { train_data: data } }), job.context(GUEST));
  try {
    await solo(EXAMPLE, { guest: ['9999'], arbiter: ['10001'] });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /at least one host/);
  }
  try {
    await solo({ ...EXAMPLE, aggregate_iters: 0 }, ROLES);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /aggregate_iters must be positive/);
  }
  const bad: DataTable<Instance> = { schema: host.schema, rows: host.rows.map(([k, i], n) => [k, { ...i, label: n % 3 }]) };
  try {
    await solo(EXAMPLE, ROLES, bad);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /multi-class/);
  }
});

t.run();
