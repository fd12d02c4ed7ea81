import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost: model buffers and predict from a stored model');

const ROLES = { guest: ['9999'], host: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const PARAMS = { task_type: 'classification', objective_param: { objective: 'cross_entropy' }, num_trees: 5, tree_param: { max_depth: 3 }, encrypt_param: { method: 'Paillier', key_length: 512 } };

/** Through the pipeline model store's codec: JSON → FATE protobuf bytes → JSON, as a predict job reads it. */
function stored(model: ModelBuffers): ModelBuffers {
  return Object.fromEntries(Object.entries(model).map(([name, json]) => [name, decodeBuffer(name, encodeBuffer(name, json))]));
}

async function both(params: Record<string, unknown>, data: { guest: DataTable<Instance>; host: DataTable<Instance> }, models?: { guest: ModelBuffers; host: ModelBuffers }, log?: Sent[]) {
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return log ? { ...c, federation: recording(c.federation, self, log) } : c;
  };
  const input = (role: string, table: DataTable<Instance>, model?: ModelBuffers) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: models ? { data: table } : { train_data: table }, ...(model ? { model } : {}) });
  const [guest, host] = await Promise.all([
    heteroSecureBoost(input('guest', data.guest, models?.guest), ctx(GUEST)),
    heteroSecureBoost(input('host', data.host, models?.host), ctx(HOST)),
  ]);
  assert.is(job.undelivered(), 0);
  return { guest, host };
}

const scoresOf = (out: ComponentOutput) => new Map((out.data!.rows as [string, unknown[]][]).map(([k, r]) => [k, r]));

let trained: { guest: ComponentOutput; host: ComponentOutput } | null = null;

t('the model buffers keep FATE\'s schema through protobuf: trees, weights, init score, classes; host thresholds only in the host model', async () => {
  trained = await both(PARAMS, await breast());
  const g = stored(trained.guest.model!);
  const h = stored(trained.host.model!);
  const gp = g.HeteroSecureBoostingTreeGuestParam as Record<string, any>;
  const hp = h.HeteroSecureBoostingTreeHostParam as Record<string, any>;
  assert.equal([gp.treeNum, gp.treeDim, gp.numClasses, gp.classes, gp.initScore], [5, 1, 2, ['0', '1'], [0]]);
  assert.is(gp.trees.length, 5);
  assert.is(gp.losses.length, 5);
  assert.ok(gp.featureImportances.length > 0 && gp.featureImportances.every((f: any) => 'sitename' in f && 'fid' in f && 'importance' in f));
  assert.is(gp.featureNameFidMapping['0'], 'x0');
  assert.is((g.HeteroSecureBoostingTreeGuestMeta as any).treeMeta.maxDepth, 3);
  let hostSplits = 0;
  gp.trees.forEach((tree: any, k: number) => {
    const hostTree = hp.trees[k];
    for (const n of tree.tree) {
      if (n.isLeaf) continue;
      if (n.sitename === 'host:10000') {
        hostSplits++;
        assert.not.ok(String(n.id) in tree.splitMaskdict, 'the guest model holds no host threshold');
        assert.type(hostTree.splitMaskdict[String(n.id)], 'number');
      } else {
        assert.type(tree.splitMaskdict[String(n.id)], 'number');
        assert.not.ok(String(n.id) in hostTree.splitMaskdict, 'the host model holds no guest threshold');
      }
    }
    assert.ok(hostTree.tree.every((n: any) => n.weight === 0), 'the host model holds no leaf weight');
  });
  assert.ok(hostSplits > 0);
});

t('predict from the stored models (through protobuf): every score equals the training score within 1e-9; the host receives only the ids', async () => {
  assert.ok(trained, 'the training test runs first');
  const data = await breast();
  const log: Sent[] = [];
  const out = await both(PARAMS, data, { guest: stored(trained.guest.model!), host: stored(trained.host.model!) }, log);
  const train = scoresOf(trained.guest);
  const pred = scoresOf(out.guest);
  assert.is(pred.size, 569);
  for (const [k, r] of pred) {
    const tr = train.get(k)!;
    assert.ok(Math.abs((r[2] as number) - (tr[2] as number)) < 1e-9, `${k}: ${r[2]} vs ${tr[2]}`);
    assert.is(r[1], tr[1]);
    assert.is(r[0], tr[0]);
    assert.is(r[4], 'predict');
  }
  assert.is(out.host.data, undefined);
  // What crosses: guest → host the ids (the intersection both hold), host → guest one direction byte per row and own node.
  const toHost = log.filter((m) => m.to.role === 'host');
  assert.equal(toHost.map((m) => m.name), ['HeteroSecureBoostingTreeTransferVariable.predict_data']);
  assert.equal(toHost[0]!.payload, data.guest.rows.map(([k]) => k));
  const fromHost = log.filter((m) => m.from.role === 'host');
  assert.equal(fromHost.map((m) => m.name), ['HeteroSecureBoostingTreeTransferVariable.predict_data_by_host']);
  for (const bits of (fromHost[0]!.payload as Map<string, Uint8Array>).values()) {
    assert.is(bits.length, 569);
    assert.ok(bits.every((b) => b === 0 || b === 1));
  }
});

t('predict data with the columns in another order: the model reads features by name', async () => {
  assert.ok(trained);
  const data = await breast();
  const perm = <T>(xs: readonly T[]) => [...xs].reverse();
  const guest: DataTable<Instance> = { schema: { ...data.guest.schema, header: perm(data.guest.schema.header) }, rows: data.guest.rows.map(([k, i]) => [k, { ...i, features: perm(i.features) }]) };
  const host: DataTable<Instance> = { schema: { ...data.host.schema, header: perm(data.host.schema.header) }, rows: data.host.rows.map(([k, i]) => [k, { features: perm(i.features) }]) };
  const out = await both(PARAMS, { guest, host }, { guest: stored(trained.guest.model!), host: stored(trained.host.model!) });
  const train = scoresOf(trained.guest);
  for (const [k, r] of scoresOf(out.guest)) assert.ok(Math.abs((r[2] as number) - (train.get(k)![2] as number)) < 1e-9);
});

t('a model from another module or a table without the model\'s features: a clear error', async () => {
  const data = await breast();
  const job = new InProcessJob();
  const bad = componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: 'guest', roles: ROLES, params: PARAMS, data: { data: data.guest }, model: { LRModelParam: {} } });
  try {
    await heteroSecureBoost(bad, job.context(GUEST));
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /no HeteroSecureBoostingTreeGuestMeta/);
  }
  assert.ok(trained);
  const renamed: DataTable<Instance> = { schema: { ...data.guest.schema, header: data.guest.schema.header.map((h) => `${h}_`) }, rows: data.guest.rows };
  const stop = new AbortController();
  const hostRun = heteroSecureBoost(componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: 'host', roles: ROLES, params: PARAMS, data: { data: data.host }, model: stored(trained.host.model!) }), job.context(HOST, stop.signal));
  try {
    await heteroSecureBoost(componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: 'guest', roles: ROLES, params: PARAMS, data: { data: renamed }, model: stored(trained.guest.model!) }), job.context(GUEST));
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /has no feature "x0"/);
  }
  stop.abort(new Error('canceled'));
  await hostRun.catch(() => undefined);
});

t('train_data + eval_data: the output is FATE\'s union, train rows then the other eval ids as "validate", scored by the trained model', async () => {
  const data = await breast();
  const cut = (tb: DataTable<Instance>, n: number): DataTable<Instance> => ({ schema: tb.schema, rows: tb.rows.slice(0, n) });
  const job = new InProcessJob();
  const params = { ...PARAMS, encrypt_param: { method: null }, validation_freqs: 1 };
  const input = (role: string, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: cut(table, 400), eval_data: table } });
  const [guest, host] = await Promise.all([heteroSecureBoost(input('guest', data.guest), job.context(GUEST)), heteroSecureBoost(input('host', data.host), job.context(HOST))]);
  assert.is(job.undelivered(), 0);
  const rows = guest.data!.rows as [string, unknown[]][];
  assert.is(rows.length, 569);
  assert.equal(rows.map(([k]) => k), data.guest.rows.map(([k]) => k), 'key order');
  const trainIds = new Set(data.guest.rows.slice(0, 400).map(([k]) => k));
  assert.ok(rows.every(([k, r]) => r[4] === (trainIds.has(k) ? 'train' : 'validate')));
  const predicted = await both(params, data, { guest: stored(guest.model!), host: stored(host.model!) });
  const want = scoresOf(predicted.guest);
  for (const [k, r] of rows) assert.ok(Math.abs((r[2] as number) - (want.get(k)![2] as number)) < 1e-9, k);
});

t('validation_freqs + early_stopping_rounds: FATE\'s iteration_<r> evaluations; stops when validate AUC has not improved for 2 rounds, both parties keep the best round\'s trees', async () => {
  const data = await breast();
  const cut = (tb: DataTable<Instance>, from: number, to: number): DataTable<Instance> => ({ schema: tb.schema, rows: tb.rows.slice(from, to) });
  const job = new InProcessJob();
  const params = { ...PARAMS, num_trees: 30, learning_rate: 0.5, encrypt_param: { method: null }, validation_freqs: 1, early_stopping_rounds: 2, metrics: ['auc', 'ks'], use_first_metric_only: true };
  const input = (role: string, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: cut(table, 0, 300), eval_data: cut(table, 300, 569) } });
  const g = job.context(GUEST);
  const [guest, host] = await Promise.all([heteroSecureBoost(input('guest', data.guest), g), heteroSecureBoost(input('host', data.host), job.context(HOST))]);
  assert.is(job.undelivered(), 0);
  const tracker = g.tracker as import('../../support/inProcessFederation.js').RecordingTracker;
  const rounds = tracker.get('train', 'loss').data.length;
  const validateAuc = Array.from({ length: rounds }, (_, r) => Object.fromEntries(tracker.get('validate', `iteration_${r}`).data).auc as number);
  assert.ok(Object.fromEntries(tracker.get('train', 'iteration_0').data).auc as number > 0.9);
  const gp = guest.model!.HeteroSecureBoostingTreeGuestParam as Record<string, any>;
  const hp = host.model!.HeteroSecureBoostingTreeHostParam as Record<string, any>;
  console.log(`    ${rounds} rounds, validate auc ${validateAuc.map((a) => a.toFixed(4)).join(' ')}, best iteration ${gp.bestIteration}`);
  assert.ok(rounds < 30, 'early stopping ended training');
  // FATE's recorder: the best is the last strict improvement, then 2 rounds without one.
  let best = 0;
  for (let r = 1; r < rounds; r++) if (validateAuc[r]! > validateAuc[best]!) best = r;
  assert.is(gp.bestIteration, best);
  assert.is(rounds, best + 3);
  assert.equal([gp.treeNum, hp.treeNum, hp.bestIteration], [best + 1, best + 1, best]);
  // The kept model scores the validate rows as the training output does.
  const predicted = await both(params, { guest: cut(data.guest, 300, 569), host: cut(data.host, 300, 569) }, { guest: stored(guest.model!), host: stored(host.model!) });
  const want = scoresOf(predicted.guest);
  const validateRows = (guest.data!.rows as [string, unknown[]][]).filter(([, r]) => r[4] === 'validate');
  assert.is(validateRows.length, 269);
  for (const [k, r] of validateRows) assert.ok(Math.abs((r[2] as number) - (want.get(k)![2] as number)) < 1e-9, k);
});

t('IterativeAffine: trains (AUC ≥ 0.98), the guest logs a WARNING that it is weaker than Paillier, the host sees only large integers', async () => {
  const data = await breast();
  const job = new InProcessJob();
  const params = { ...PARAMS, num_trees: 2, encrypt_param: { method: 'IterativeAffine', key_length: 1024 } };
  const log: Sent[] = [];
  const input = (role: string, table: DataTable<Instance>) => componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: table } });
  const g = job.context(GUEST);
  const [guest] = await Promise.all([
    heteroSecureBoost(input('guest', data.guest), { ...g, federation: recording(g.federation, GUEST, log) }),
    heteroSecureBoost(input('host', data.host), job.context(HOST)),
  ]);
  const tracker = g.tracker as import('../../support/inProcessFederation.js').RecordingTracker;
  const warning = tracker.get('train', 'encrypt_param');
  assert.is(warning.meta.metric_type, 'WARNING');
  assert.match(String(warning.data[0]![1]), /much weaker than Paillier/);
  const gh = log.find((m) => m.name.endsWith('encrypted_grad_and_hess'))!.payload as { cts: bigint[] };
  assert.ok(gh.cts.every((c) => c > 2n ** 600n), 'IterativeAffine ciphertexts, not packed plaintexts');
  const rows = [...scoresOf(guest).values()];
  const a = auc(rows.map((r) => r[0] as number), rows.map((r) => r[2] as number));
  assert.ok(a >= 0.98, `auc ${a}`);
});

t.run();
