import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { auc } from '../../../src/components/evaluation/binaryMetrics.js';
import { binFeatures } from '../../../src/components/heteroSecureBoost/binning.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { InProcessJob, componentInput, type RecordingTracker } from '../../support/inProcessFederation.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';

const t = suite('HeteroSecureBoost');

const ROLES = { guest: ['9999'], host: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };

/** The examples' SecureBoost params (hetero_secureboost_conf.json), all features every tree. */
const EXAMPLE = {
  task_type: 'classification',
  objective_param: { objective: 'cross_entropy' },
  num_trees: 5,
  subsample_feature_rate: 1,
  tree_param: { max_depth: 3 },
};
const PLAIN = { method: null, key_length: 512 };
const PAILLIER = { method: 'Paillier', key_length: 512 };

async function run(params: Record<string, unknown>, data?: { guest: DataTable<Instance>; host: DataTable<Instance> }, log?: Sent[]) {
  const { guest, host } = data ?? (await breast());
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return log ? { ...c, federation: recording(c.federation, self, log) } : c;
  };
  const g = ctx(GUEST);
  const h = ctx(HOST);
  const input = (role: string, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: table } });
  const started = Date.now();
  const [go, ho] = await Promise.all([heteroSecureBoost(input('guest', guest), g), heteroSecureBoost(input('host', host), h)]);
  const ms = Date.now() - started;
  assert.is(job.undelivered(), 0);
  return { guest: go, host: ho, guestTracker: g.tracker as RecordingTracker, ms };
}

type PredictRow = [number, number, number, Record<string, number>, string];
const rowsOf = (out: ComponentOutput) => out.data!.rows as [string, PredictRow][];
const guestParam = (out: ComponentOutput) => out.model!.HeteroSecureBoostingTreeGuestParam as Record<string, any>;
const hostParam = (out: ComponentOutput) => out.model!.HeteroSecureBoostingTreeHostParam as Record<string, any>;
const trainAuc = (out: ComponentOutput) => {
  const rows = rowsOf(out);
  return auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2]));
};

let plainOut: Awaited<ReturnType<typeof run>> | null = null;

t('given breast in plaintext mode with the example params (5 trees, depth 3), then AUC ≥ 0.98, the loss falls every tree and the outputs have FATE shape', async () => {
  const out = await run({ ...EXAMPLE, encrypt_param: PLAIN });
  plainOut = out;
  const a = trainAuc(out.guest);
  const loss = out.guestTracker.get('train', 'loss');
  const values = loss.data.map(([, v]) => v as number);
  console.log(`    plaintext 5 trees: AUC ${a.toFixed(6)}, loss ${values.map((v) => v.toFixed(4)).join(' → ')}, ${out.ms} ms`);
  assert.ok(a >= 0.98, `auc ${a}`);
  assert.equal(loss.meta, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: 'loss' });
  assert.equal(loss.data.map(([k]) => k), [0, 1, 2, 3, 4]);
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! < values[i - 1]!, `loss ${values}`);
  assert.ok(values[0]! < Math.LN2, 'the first tree already beats the constant model');

  assert.equal(out.guest.data!.schema, { header: ['label', 'predict_result', 'predict_score', 'predict_detail', 'type'], sid_name: 'id' });
  assert.is(out.guest.data!.rows.length, 569);
  for (const [, r] of rowsOf(out.guest)) {
    assert.is(r[4], 'train');
    assert.is(r[3]['1'], r[2]);
    assert.ok(Math.abs(r[3]['0']! + r[3]['1']! - 1) < 1e-12);
    assert.is(r[1], r[2] > 0.5 ? 1 : 0);
  }
  assert.is(out.host.data, undefined);
  assert.is(out.guest.modelModule, 'HeteroSecureBoost');

  const gp = guestParam(out.guest);
  assert.is(gp.treeNum, 5);
  assert.equal(gp.losses, values);
  assert.equal([gp.treeDim, gp.numClasses, gp.classes, gp.initScore, gp.bestIteration], [1, 2, ['0', '1'], [0], -1]);
  assert.is(gp.featureNameFidMapping['0'], 'x0');
  const meta = out.guest.model!.HeteroSecureBoostingTreeGuestMeta as Record<string, any>;
  assert.equal([meta.numTrees, meta.learningRate, meta.treeMeta.maxDepth, meta.objectiveMeta.objective, meta.quantileMeta.binNum], [5, 0.3, 3, 'cross_entropy', 32]);
  // Each tree: a root split, at most depth 3 (≤ 15 nodes), children ids pointing inside the tree.
  let hostNodes = 0;
  for (const tree of gp.trees as { tree: any[]; splitMaskdict: Record<string, number>; leafCount: Record<string, number> }[]) {
    assert.ok(tree.tree.length >= 3 && tree.tree.length <= 15);
    assert.is(tree.tree[0].isLeaf, false);
    const leaves = tree.tree.filter((n) => n.isLeaf);
    assert.is(Object.values(tree.leafCount).reduce((s, c) => s + c, 0), 569);
    assert.is(leaves.length, Object.keys(tree.leafCount).length);
    for (const n of tree.tree) {
      if (n.isLeaf) continue;
      assert.ok(tree.tree[n.leftNodeid] && tree.tree[n.rightNodeid]);
      if (n.sitename === 'host:10000') {
        hostNodes++;
        assert.is(n.bid, -1, 'the guest does not know the host bin');
        assert.not.ok(String(n.id) in tree.splitMaskdict, 'the guest has no host threshold');
      } else {
        assert.is(n.sitename, 'guest:9999');
        assert.ok(String(n.id) in tree.splitMaskdict);
      }
    }
  }
  assert.ok(hostNodes > 0, 'some splits use host features');
  // Feature importance: split counts that add up to the number of internal nodes, from both sites.
  const importances = gp.featureImportances as { sitename: string; fid: number; importance: number; importance2: number; fullname: string; main: string }[];
  const internal = (gp.trees as { tree: any[] }[]).reduce((s, tr) => s + tr.tree.filter((n) => !n.isLeaf).length, 0);
  assert.is(importances.reduce((s, f) => s + f.importance, 0), internal);
  assert.ok(importances.some((f) => f.sitename === 'host:10000') && importances.some((f) => f.sitename === 'guest:9999'));
  for (let i = 1; i < importances.length; i++) assert.ok(importances[i - 1]!.importance >= importances[i]!.importance);
  assert.ok(importances.every((f) => f.main === 'split' && f.importance2 > 0));
  // The host's model: its own split nodes with feature, bin and threshold; the same tree shapes.
  const hp = hostParam(out.host);
  assert.is(hp.treeNum, 5);
  let hostOwn = 0;
  (hp.trees as { tree: any[]; splitMaskdict: Record<string, number> }[]).forEach((tree, k) => {
    assert.is(tree.tree.length, gp.trees[k].tree.length);
    for (const n of tree.tree) {
      if (n.sitename !== 'host:10000' || n.isLeaf) continue;
      hostOwn++;
      assert.ok(n.fid >= 0 && n.bid >= 0 && typeof tree.splitMaskdict[String(n.id)] === 'number');
      assert.is(n.fid, gp.trees[k].tree[n.id].fid, 'the guest knows which host feature, not where');
    }
  });
  assert.is(hostOwn, hostNodes);
});

let paillierLog: Sent[] = [];

t('given Paillier (512-bit) mode, then AUC ≥ 0.98 and the predictions equal plaintext mode', async () => {
  assert.ok(plainOut, 'the plaintext test must run first');
  paillierLog = [];
  const he = await run({ ...EXAMPLE, encrypt_param: PAILLIER }, undefined, paillierLog);
  const a = trainAuc(he.guest);
  console.log(`    Paillier 512-bit, 5 trees: AUC ${a.toFixed(6)}, ${he.ms} ms (plaintext ${plainOut.ms} ms)`);
  assert.ok(a >= 0.98, `auc ${a}`);
  const plainRows = rowsOf(plainOut.guest);
  rowsOf(he.guest).forEach(([k, r], i) => {
    assert.is(k, plainRows[i]![0]);
    assert.ok(Math.abs(r[2] - plainRows[i]![1][2]) < 1e-9, `row ${k}: ${r[2]} vs ${plainRows[i]![1][2]}`);
  });
  assert.equal(guestParam(he.guest).losses.map((l: number) => l.toFixed(9)), guestParam(plainOut.guest).losses.map((l: number) => l.toFixed(9)));
});

t('privacy: no label, no raw guest or host feature value and no host threshold crosses the federation', async () => {
  assert.ok(paillierLog.length > 0, 'the Paillier test must run first');
  const { guest, host } = await breast();
  const leaves = (v: unknown, out: unknown[] = []): unknown[] => {
    if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => leaves(x, out));
    else out.push(v);
    return out;
  };
  const labels = guest.rows.map(([, i]) => i.label!);
  const rawGuest = new Set(guest.rows.flatMap(([, i]) => i.features));
  const rawHost = new Set(host.rows.flatMap(([, i]) => i.features));
  // The host's bin upper bounds are raw values too, but check them by name: they are what a host split reveals.
  const thresholds = new Set(binFeatures(host.rows.map(([, i]) => i.features), host.schema.header.length, 32).splitPoints.flat());
  const asNumbers = (v: unknown): number[] => (typeof v === 'number' ? [v] : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? [Number(v)] : []);
  const names = new Set(paillierLog.map((m) => m.name));
  for (const expected of ['HeteroSecureBoostingTreeTransferVariable.encrypted_grad_and_hess', 'HeteroDecisionTreeTransferVariable.encrypted_splitinfo_host',
    'HeteroDecisionTreeTransferVariable.federated_best_splitinfo_host', 'HeteroDecisionTreeTransferVariable.dispatch_node_host_result']) {
    assert.ok(names.has(expected), `no ${expected} was sent`);
  }
  let checked = 0;
  let ciphertexts = 0;
  for (const m of paillierLog) {
    const values = leaves(m.payload);
    // Ids are the intersection's output, which both parties already hold: skip the id list itself.
    if (m.name.endsWith('.sample_ids')) continue;
    for (const v of values) {
      for (const x of asNumbers(v)) {
        checked++;
        // Integers are node ids, indices and counts; breast's standardised features are never integers.
        if (Number.isInteger(x)) continue;
        assert.not.ok(rawGuest.has(x), `${m.name} from ${m.from.role} carries a raw guest feature ${x}`);
        assert.not.ok(rawHost.has(x), `${m.name} from ${m.from.role} carries a raw host feature ${x}`);
        assert.not.ok(thresholds.has(x), `${m.name} from ${m.from.role} carries a host threshold ${x}`);
        assert.unreachable(`${m.name} from ${m.from.role} carries a plain float ${x}`);
      }
    }
    // No list of per-instance values equals the labels (0/1, ±1 or booleans).
    for (const list of [m.payload, ...(m.payload && typeof m.payload === 'object' ? Object.values(m.payload) : [])]) {
      if (!Array.isArray(list) || list.length !== labels.length) continue;
      assert.not.equal(list.map(Number), labels, `${m.name} carries the labels`);
      assert.not.equal(list.map(Number), labels.map((y) => 1 - y), `${m.name} carries the labels`);
    }
    if (m.name.endsWith('.encrypted_grad_and_hess') || m.name.endsWith('.encrypted_splitinfo_host')) {
      const big = values.filter((v): v is bigint => typeof v === 'bigint');
      assert.ok(big.length > 0 && big.every((c) => c > 2n ** 900n), `${m.name} is not all ciphertexts of a 512-bit key (n² ≈ 2^1024)`);
      ciphertexts += big.length;
    }
  }
  assert.ok(checked > 1000 && ciphertexts > 569 * 5, `checked ${checked} values, ${ciphertexts} ciphertexts`);
  // Everything the host sends: ciphertexts, node ids, counts, feature indices and left/right flags.
  for (const m of paillierLog.filter((x) => x.from.role === 'host')) {
    for (const v of leaves(m.payload)) assert.ok(typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v)), `${m.name}: ${String(v)}`);
  }
});

t('given a regression task with objective lse, then the loss (MSE) falls every tree and the output is the value', async () => {
  // y = 3·x0 + 2·[h0 > 0] − h1 + noise; x0 at the guest, h0 and h1 at the host.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const n = 200;
  const guestRows: [string, Instance][] = [];
  const hostRows: [string, Instance][] = [];
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(4, '0');
    const x0 = rand() * 2 - 1;
    const h0 = rand() * 2 - 1;
    const h1 = rand() * 2 - 1;
    guestRows.push([id, { features: [x0, rand()], label: 3 * x0 + 2 * (h0 > 0 ? 1 : 0) - h1 + 0.1 * (rand() - 0.5) }]);
    hostRows.push([id, { features: [h0, h1] }]);
  }
  const data = {
    guest: { schema: { header: ['x0', 'x1'], sid_name: 'id', label_name: 'y' }, rows: guestRows },
    host: { schema: { header: ['h0', 'h1'], sid_name: 'id' }, rows: hostRows },
  };
  const params = { task_type: 'regression', objective_param: { objective: 'lse' }, num_trees: 10, learning_rate: 0.3, subsample_feature_rate: 1, tree_param: { max_depth: 3 }, encrypt_param: PAILLIER };
  const out = await run(params, data);
  const values = out.guestTracker.get('train', 'loss').data.map(([, v]) => v as number);
  const labels = guestRows.map(([, i]) => i.label!);
  const mean = labels.reduce((s, y) => s + y, 0) / n;
  const variance = labels.reduce((s, y) => s + (y - mean) ** 2, 0) / n;
  console.log(`    lse 10 trees: MSE ${values[0]!.toFixed(4)} → ${values[values.length - 1]!.toFixed(4)} (variance ${variance.toFixed(4)}), ${out.ms} ms`);
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! < values[i - 1]!, `loss ${values}`);
  assert.ok(values[values.length - 1]! < variance / 5, `final MSE ${values[values.length - 1]} vs variance ${variance}`);
  const gp = guestParam(out.guest);
  assert.ok(Math.abs(gp.initScore[0] - mean) < 1e-12);
  assert.equal([gp.numClasses, gp.classes], [1, []]);
  let mse = 0;
  for (const [k, r] of out.guest.data!.rows as [string, [number, number, number, Record<string, number>, string]][]) {
    assert.is(r[1], r[2]);
    assert.equal(r[3], { label: r[2] });
    assert.is(r[0], data.guest.rows.find(([id]) => id === k)![1].label);
    mse += (r[1] - r[0]) ** 2;
  }
  assert.ok(Math.abs(mse / n - values[values.length - 1]!) < 1e-9);
  assert.ok((gp.featureImportances as { sitename: string }[]).some((f) => f.sitename === 'host:10000'), 'the host features matter');
});

t('given two hosts in plaintext mode, then each host is asked for its own splits and AUC ≥ 0.98', async () => {
  const { guest, host } = await breast();
  const split = (lo: number, hi: number): DataTable<Instance> => ({
    schema: { ...host.schema, header: host.schema.header.slice(lo, hi) },
    rows: host.rows.map(([k, i]) => [k, { features: i.features.slice(lo, hi) }]),
  });
  const roles = { guest: ['9999'], host: ['10000', '10001'] };
  const job = new InProcessJob();
  const params = { ...EXAMPLE, encrypt_param: PLAIN };
  const input = (role: string, partyId: string, data: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, partyId, roles, params, data: { train_data: data } });
  const [go, h1, h2] = await Promise.all([
    heteroSecureBoost(input('guest', '9999', guest), job.context(GUEST)),
    heteroSecureBoost(input('host', '10000', split(0, 10)), job.context({ role: 'host', partyId: '10000' })),
    heteroSecureBoost(input('host', '10001', split(10, 20)), job.context({ role: 'host', partyId: '10001' })),
  ]);
  assert.is(job.undelivered(), 0);
  const a = trainAuc(go);
  console.log(`    two hosts: AUC ${a.toFixed(6)}`);
  assert.ok(a >= 0.98, `auc ${a}`);
  const sites = new Set((guestParam(go).trees as { tree: { sitename: string; isLeaf: boolean }[] }[]).flatMap((tr) => tr.tree.filter((n) => !n.isLeaf).map((n) => n.sitename)));
  for (const [out, id] of [[h1, '10000'], [h2, '10001']] as const) {
    const own = (hostParam(out).trees as { tree: { sitename: string; isLeaf: boolean; fid: number }[] }[]).flatMap((tr) => tr.tree.filter((n) => n.sitename === `host:${id}` && !n.isLeaf));
    assert.ok(own.every((n) => n.fid >= 0 && n.fid < 10), `host ${id} knows its own split features`);
    if (sites.has(`host:${id}`)) assert.ok(own.length > 0);
  }
  assert.ok(sites.has('host:10000') || sites.has('host:10001'));
});

t('given n_iter_no_change with a large tol, then boosting stops after the second tree on both sides', async () => {
  const out = await run({ ...EXAMPLE, num_trees: 5, n_iter_no_change: true, tol: 10, encrypt_param: PLAIN });
  assert.is(guestParam(out.guest).treeNum, 2);
  assert.is(hostParam(out.host).treeNum, 2);
});

t('given a single class or an unsupported objective, then it fails clearly', async () => {
  const { guest, host } = await breast();
  const bad: DataTable<Instance> = { schema: guest.schema, rows: guest.rows.map(([k, i]) => [k, { ...i, label: 1 }]) };
  const job = new InProcessJob();
  const stop = new AbortController();
  const input = (role: string, data: DataTable<Instance>, params: Record<string, unknown> = { ...EXAMPLE, encrypt_param: PLAIN }) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: data } });
  const hostRun = heteroSecureBoost(input('host', host), job.context(HOST, stop.signal));
  try {
    await heteroSecureBoost(input('guest', bad), job.context(GUEST));
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /at least 2 classes/);
  }
  stop.abort(new Error('canceled'));
  await hostRun.then(() => assert.unreachable('the host should be canceled'), () => undefined);
  try {
    await heteroSecureBoost(input('guest', guest, { task_type: 'regression', objective_param: { objective: 'quantile' } }), job.context(GUEST));
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, /objective "quantile" is not a regression objective/);
  }
});

t.run();
