// Which tasks share a worker thread: a job's light components do (and with other jobs' light
// tasks), crypto-heavy parties do not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partyArgTables, workerPlacement } from '../../src/scheduler/partyActor.js';
import type { ComponentPlan, PartyPlan } from '../../src/domain/dsl/plan.js';

const component = (module: string) => ({ module }) as unknown as ComponentPlan;
const party = (parameters: Record<string, unknown> = {}) => ({ parameters }) as unknown as PartyPlan;
const guest = { role: 'guest', partyId: '9999' };
const host = { role: 'host', partyId: '10000' };

test('light components: every party of the job shares the job\'s worker, which other jobs\' light tasks may share', () => {
  for (const module of ['DataIO', 'FeatureScale', 'LocalBaseline', 'Evaluation']) {
    assert.equal(workerPlacement('j1', component(module), party(), guest), { affinity: 'j1', shared: true });
    assert.equal(workerPlacement('j1', component(module), party(), host), { affinity: 'j1', shared: true });
  }
  assert.equal(workerPlacement('j1', component('Intersection'), party({ intersect_method: 'raw' }), host), { affinity: 'j1', shared: true });
});

test('crypto-heavy components (HeteroLR, SecureBoost, HomoLR, HeteroFeatureBinning, RSA intersection): one worker per party, never shared', () => {
  for (const [module, params] of [['HeteroLR', {}], ['HeteroSecureBoost', {}], ['HomoLR', {}], ['HeteroFeatureBinning', {}], ['Intersection', { intersect_method: 'RSA' }]] as const) {
    const g = workerPlacement('j1', component(module), party(params), guest);
    const h = workerPlacement('j1', component(module), party(params), host);
    assert.is.not(g.affinity, h.affinity, module);
    assert.is.not(g.affinity, 'j1', module);
    assert.is(g.shared, false, module);
    assert.is.not(workerPlacement('j2', component(module), party(params), guest).affinity, g.affinity, 'another job never shares');
  }
});

test('a party whose job reads a big table: every component of the job runs in that party\'s own worker', () => {
  for (const module of ['DataIO', 'Intersection', 'FeatureScale', 'HeteroLR', 'Evaluation']) {
    const g = workerPlacement('j1', component(module), party(), guest, true);
    const h = workerPlacement('j1', component(module), party(), host, true);
    assert.equal(g, workerPlacement('j1', component('HeteroLR'), party(), guest), `${module}: the guest's worker, the one its HeteroLR gets`);
    assert.is.not(g.affinity, h.affinity, module);
    assert.is(g.shared, false, module);
  }
});

test('the tables a party\'s job reads: its entry of every args.data list of its role', () => {
  const conf = {
    role_parameters: {
      guest: { args: { data: { train_data: [{ name: 'g0', namespace: 'ns' }, { name: 'g1', namespace: 'ns' }], eval_data: [{ name: 'e0', namespace: 'ns' }] } } },
      host: { args: { data: { train_data: [{ name: 'h0', namespace: 'ns' }] } } },
    },
  };
  assert.equal(partyArgTables(conf, 'guest', 0), [{ namespace: 'ns', name: 'g0' }, { namespace: 'ns', name: 'e0' }]);
  assert.equal(partyArgTables(conf, 'guest', 1), [{ namespace: 'ns', name: 'g1' }]);
  assert.equal(partyArgTables(conf, 'host', 0), [{ namespace: 'ns', name: 'h0' }]);
  assert.equal(partyArgTables(conf, 'arbiter', 0), []);
  assert.equal(partyArgTables({}, 'guest', 0), []);
  assert.equal(partyArgTables({ role_parameters: { guest: { args: { data: 'x' } } } }, 'guest', 0), []);
});

test.run();
