// HeteroSecureBoost on sparse input: the guest's table uploaded in DataIO's sparse (libsvm) format —
// zeros left out, as a sparse file holds them — trains the same trees with the same scores as the
// plaintext central trainer on the dense table, also with zero_as_missing (absent entries are then
// missing values, FATE's sparse reading of them).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { dataIO } from '../../../src/components/dataio/dataIO.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { centralBoost } from '../../support/centralBoost.js';
import { heteroTables } from '../../support/boostTables.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost: sparse input');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ROLES = { guest: ['9999'], host: ['10000'] };

/** The dense guest table as a head-0 libsvm upload: `label fid:value…`, zeros omitted. */
function libsvm(table: DataTable<Instance>): DataTable<string> {
  return {
    schema: { header: [], sid_name: 'sid' },
    rows: table.rows.map(([key, inst]) => [key, [String(inst.label), ...inst.features.flatMap((v, fid) => (v === 0 ? [] : [`${fid}:${v}`]))].join(' ')]),
  };
}

for (const missing of [{}, { use_missing: true, zero_as_missing: true }]) {
  t(`student, regression lse${missing.use_missing ? ', use_missing + zero_as_missing' : ''}: sparse guest input = central trainer on the dense table (trees and scores within 1e-9)`, async () => {
    const data = await heteroTables('student_hetero_guest', ['student_hetero_host'], 'y', 'float');
    const zeros = data.guest.rows.reduce((s, [, inst]) => s + inst.features.filter((v) => v === 0).length, 0);
    assert.ok(zeros > 100, `the sparse file leaves out ${zeros} zeros`);
    const sparse = (await dataIO(
      componentInput({ module: 'DataIO', componentName: 'dataio_0', role: 'guest', params: { input_format: 'sparse', delimitor: ' ', label_name: 'y', label_type: 'float' }, data: { data: libsvm(data.guest) } }),
      new InProcessJob().context(GUEST),
    )).data as DataTable<Instance>;
    assert.equal(sparse.schema.header, data.guest.schema.header.map((_, i) => String(i)));
    const params = { task_type: 'regression', objective_param: { objective: 'lse' }, num_trees: 4, learning_rate: 0.1, bin_num: 32, tree_param: { max_depth: 3 }, encrypt_param: { method: null }, ...missing };
    const central = centralBoost(params, data.guest, data.hosts);
    const job = new InProcessJob();
    const input = (role: string, table: DataTable<Instance>) => componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: { train_data: table } });
    const [guest] = await Promise.all([heteroSecureBoost(input('guest', sparse), job.context(GUEST)), heteroSecureBoost(input('host', data.hosts[0]!), job.context(HOST))]);
    assert.is(job.undelivered(), 0);
    const gp = guest.model!.HeteroSecureBoostingTreeGuestParam as Record<string, any>;
    assert.is(gp.trees.length, central.trees.length);
    central.trees.forEach((nodes, k) => nodes.forEach((c, j) => {
      const f = gp.trees[k].tree[j];
      assert.is(f.isLeaf, c.isLeaf, `tree ${k} node ${j}`);
      if (c.isLeaf) assert.ok(Math.abs(f.weight - c.weight) <= 1e-12);
      else assert.equal([f.fid, f.sitename, f.leftNodeid, f.rightNodeid], [c.fid, c.party === 0 ? 'guest:9999' : 'host:10000', c.left, c.right]);
    }));
    const byKey = new Map(guest.data!.rows as [string, unknown[]][]);
    data.guest.rows.forEach(([key], i) => assert.ok(Math.abs((byKey.get(key)![2] as number) - central.scores[i]!) <= 1e-9, key));
    const guestSplits = central.trees.flat().filter((n) => !n.isLeaf && n.party === 0).length;
    console.log(`    ${central.trees.flat().filter((n) => !n.isLeaf).length} splits, ${guestSplits} on the sparse guest's features`);
    assert.ok(guestSplits > 0);
  });
}

t.run();
