// Lossless, proven: federated SecureBoost (plaintext and Paillier modes) grows the same trees as a
// plaintext central trainer on the joined table (test/support/centralBoost.ts), and its training and
// predict-job scores equal the central ones within 1e-9 — binary, multi-class, regression (every FATE
// objective: lse, lae, huber, fair, log_cosh, tweedie), two hosts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { predictionOf } from '../../../src/components/heteroSecureBoost/predictResult.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { centralBoost } from '../../support/centralBoost.js';
import { heteroTables, type HeteroTables } from '../../support/boostTables.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost: federated = central plaintext trainer');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const hostRefs = (k: number): PartyRef[] => Array.from({ length: k }, (_, j) => ({ role: 'host', partyId: String(10000 + j) }));

const stored = (model: ModelBuffers): ModelBuffers => Object.fromEntries(Object.entries(model).map(([name, json]) => [name, decodeBuffer(name, encodeBuffer(name, json))]));

async function federated(params: Record<string, unknown>, data: HeteroTables, models?: { guest: ModelBuffers; hosts: ModelBuffers[] }) {
  const hosts = hostRefs(data.hosts.length);
  const roles = { guest: [GUEST.partyId], host: hosts.map((h) => h.partyId) };
  const job = new InProcessJob();
  const input = (self: PartyRef, table: DataTable<Instance>, model?: ModelBuffers) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: self.role, partyId: self.partyId, roles, params, data: model ? { data: table } : { train_data: table }, ...(model ? { model } : {}) });
  const [guest, ...hostOuts] = await Promise.all([
    heteroSecureBoost(input(GUEST, data.guest, models?.guest), job.context(GUEST)),
    ...hosts.map((h, j) => heteroSecureBoost(input(h, data.hosts[j]!, models?.hosts[j]), job.context(h))),
  ]);
  assert.is(job.undelivered(), 0);
  return { guest: guest!, hosts: hostOuts };
}

function assertSameTrees(fed: { guest: ComponentOutput; hosts: ComponentOutput[] }, central: ReturnType<typeof centralBoost>, missing = false) {
  const gp = fed.guest.model!.HeteroSecureBoostingTreeGuestParam as Record<string, any>;
  const hps = fed.hosts.map((h) => h.model!.HeteroSecureBoostingTreeHostParam as Record<string, any>);
  assert.is(gp.trees.length, central.trees.length, 'tree count');
  assert.is(gp.treeDim, central.treeDim);
  central.trees.forEach((nodes, k) => {
    const tree = gp.trees[k];
    assert.is(tree.tree.length, nodes.length, `tree ${k}: node count`);
    nodes.forEach((c, j) => {
      const f = tree.tree[j];
      const where = `tree ${k} node ${j}`;
      assert.is(f.isLeaf, c.isLeaf, where);
      if (c.isLeaf) {
        assert.ok(Math.abs(f.weight - c.weight) <= 1e-12, `${where}: weight ${f.weight} vs ${c.weight}`);
        return;
      }
      assert.equal([f.leftNodeid, f.rightNodeid], [c.left, c.right], where);
      if (c.party === 0) {
        assert.is(f.sitename, 'guest:9999', where);
        assert.is(f.fid, c.fid, where);
        assert.is(tree.splitMaskdict[String(j)], c.threshold, where);
        if (missing) assert.is(tree.missingDirMaskdict[String(j)], c.missingDir, where);
      } else {
        assert.is(f.sitename, `host:${10000 + c.party - 1}`, where);
        assert.is(f.fid, c.fid, where);
        assert.not.ok(String(j) in tree.splitMaskdict, `${where}: the guest holds no host threshold`);
        assert.is(hps[c.party - 1]!.trees[k].splitMaskdict[String(j)], c.threshold, where);
        if (missing) assert.is(hps[c.party - 1]!.trees[k].missingDirMaskdict[String(j)], c.missingDir, where);
        assert.not.ok(String(j) in tree.missingDirMaskdict, `${where}: the guest holds no host missing direction`);
      }
    });
  });
}

type Shape = { taskType: string; objective?: string; numClasses: number; classes: string[] };

function assertScores(out: ComponentOutput, central: ReturnType<typeof centralBoost>, shape: Shape, threshold = 0.5) {
  const dim = central.treeDim;
  (out.data!.rows as [string, unknown[]][]).forEach(([key, r], i) => {
    const want = predictionOf(shape, Array.from(central.scores.subarray(i * dim, (i + 1) * dim)), threshold);
    assert.ok(Math.abs((r[2] as number) - want.score) <= 1e-9, `${key}: ${r[2]} vs ${want.score}`);
    assert.is(r[1], want.result, key);
    for (const [c, v] of Object.entries(want.detail)) assert.ok(Math.abs((r[3] as Record<string, number>)[c]! - v) <= 1e-9);
  });
}

interface Case {
  name: string;
  data: () => Promise<HeteroTables>;
  params: Record<string, unknown>;
  shape: Shape;
}

const PLAIN = { method: null, key_length: 512 };
const PAILLIER = { method: 'Paillier', key_length: 512 };
const cases: Case[] = [
  {
    name: 'binary (breast)', data: () => heteroTables('breast_hetero_guest', ['breast_hetero_host'], 'y'),
    params: { task_type: 'classification', num_trees: 5, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 } },
    shape: { taskType: 'classification', numClasses: 2, classes: ['0', '1'] },
  },
  {
    name: 'multi-class, 4 classes (vehicle_scale)', data: () => heteroTables('vehicle_scale_hetero_guest', ['vehicle_scale_hetero_host'], 'y'),
    params: { task_type: 'classification', num_trees: 2, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 } },
    shape: { taskType: 'classification', numClasses: 4, classes: ['0', '1', '2', '3'] },
  },
  {
    name: 'regression lse (student)', data: () => heteroTables('student_hetero_guest', ['student_hetero_host'], 'y', 'float'),
    params: { task_type: 'regression', objective_param: { objective: 'lse' }, num_trees: 5, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 } },
    shape: { taskType: 'regression', numClasses: 1, classes: [] },
  },
  {
    name: 'missing values, use_missing (ionosphere_scale)', data: () => heteroTables('ionosphere_scale_hetero_guest', ['ionosphere_scale_hetero_host'], 'label'),
    params: { task_type: 'classification', num_trees: 5, learning_rate: 0.1, bin_num: 50, use_missing: true, tree_param: { max_depth: 3 } },
    shape: { taskType: 'classification', numClasses: 2, classes: ['0', '1'] },
  },
  {
    name: 'missing values, use_missing + zero_as_missing (ionosphere_scale)', data: () => heteroTables('ionosphere_scale_hetero_guest', ['ionosphere_scale_hetero_host'], 'label'),
    params: { task_type: 'classification', num_trees: 3, learning_rate: 0.1, bin_num: 50, use_missing: true, zero_as_missing: true, tree_param: { max_depth: 3 } },
    shape: { taskType: 'classification', numClasses: 2, classes: ['0', '1'] },
  },
];

// FATE's other regression objectives (objective_param.params: huber δ, fair c, tweedie ρ), on student.
const OBJECTIVES: [string, number[] | undefined][] = [['lae', undefined], ['huber', [2]], ['fair', [1.5]], ['log_cosh', undefined], ['tweedie', [1.5]]];
for (const [objective, params] of OBJECTIVES) {
  cases.push({
    name: `regression ${objective} (student)`, data: () => heteroTables('student_hetero_guest', ['student_hetero_host'], 'y', 'float'),
    params: { task_type: 'regression', objective_param: { objective, ...(params ? { params } : {}) }, num_trees: 5, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 } },
    shape: { taskType: 'regression', objective, numClasses: 1, classes: [] },
  });
}

const AFFINE = { method: 'IterativeAffine', key_length: 1024 };

for (const [k, c] of cases.entries()) {
  // IterativeAffine on the binary and the missing-value cases (the suite's conf uses it there).
  const modes = [['plaintext', PLAIN], ['Paillier 512', PAILLIER], ...(k === 0 || k === 3 ? [['IterativeAffine 1024', AFFINE]] : [])] as const;
  for (const [mode, enc] of modes) {
    t(`${c.name}, ${mode}: the same trees as the central trainer; training and predict-job scores = central within 1e-9`, async () => {
      const data = await c.data();
      const params = { ...c.params, encrypt_param: enc };
      const central = centralBoost(params, data.guest, data.hosts);
      const fed = await federated(params, data);
      assertSameTrees(fed, central, c.params.use_missing === true);
      if (c.params.use_missing) {
        const dirs = central.trees.flat().filter((n) => !n.isLeaf).map((n) => n.missingDir);
        console.log(`    splits sending missing values left: ${dirs.filter((d) => d === -1).length} of ${dirs.length}`);
      }
      const gp = fed.guest.model!.HeteroSecureBoostingTreeGuestParam as Record<string, any>;
      assert.equal(gp.classes, c.shape.classes);
      assert.is(gp.numClasses, c.shape.numClasses);
      assert.equal(gp.losses, central.losses);
      const gm = fed.guest.model!.HeteroSecureBoostingTreeGuestMeta as Record<string, any>;
      const op = (c.params.objective_param ?? {}) as { objective?: string; params?: number[] };
      if (op.objective) assert.equal(gm.objectiveMeta, { objective: op.objective, param: op.params ?? [] }, 'FATE\'s objective_meta');
      assertScores(fed.guest, central, c.shape);
      const predicted = await federated(params, data, { guest: stored(fed.guest.model!), hosts: fed.hosts.map((h) => stored(h.model!)) });
      assertScores(predicted.guest, central, c.shape);
    });
  }
}

t('two hosts (motor, regression, plaintext): the same trees and scores as the central trainer', async () => {
  const data = await heteroTables('motor_hetero_guest', ['motor_hetero_host_1', 'motor_hetero_host_2'], 'motor_speed', 'float');
  const params = { task_type: 'regression', objective_param: { objective: 'lse' }, num_trees: 5, learning_rate: 0.1, bin_num: 50, tree_param: { max_depth: 3 }, encrypt_param: PLAIN };
  const central = centralBoost(params, data.guest, data.hosts);
  const fed = await federated(params, data);
  assertSameTrees(fed, central);
  const sites = new Set(central.trees.flat().filter((n) => !n.isLeaf).map((n) => n.party));
  console.log(`    split parties: ${[...sites].sort().join(', ')}`);
  const shape = { taskType: 'regression', numClasses: 1, classes: [] };
  assertScores(fed.guest, central, shape);
  const predicted = await federated(params, data, { guest: stored(fed.guest.model!), hosts: fed.hosts.map((h) => stored(h.model!)) });
  assertScores(predicted.guest, central, shape);
});

t.run();
