// Which tasks share a worker thread: a job's light components do, crypto-heavy parties do not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { workerAffinity } from '../../src/scheduler/partyActor.js';
import type { ComponentPlan, PartyPlan } from '../../src/domain/dsl/plan.js';

const component = (module: string) => ({ module }) as unknown as ComponentPlan;
const party = (parameters: Record<string, unknown> = {}) => ({ parameters }) as unknown as PartyPlan;
const guest = { role: 'guest', partyId: '9999' };
const host = { role: 'host', partyId: '10000' };

test('light components: every party of the job shares the job\'s worker', () => {
  for (const module of ['DataIO', 'FeatureScale', 'LocalBaseline', 'Evaluation']) {
    assert.is(workerAffinity('j1', component(module), party(), guest), 'j1');
    assert.is(workerAffinity('j1', component(module), party(), host), 'j1');
  }
  assert.is(workerAffinity('j1', component('Intersection'), party({ intersect_method: 'raw' }), host), 'j1');
});

test('crypto-heavy components (HeteroLR, SecureBoost, HomoLR, RSA intersection): one worker per party', () => {
  for (const [module, params] of [['HeteroLR', {}], ['HeteroSecureBoost', {}], ['HomoLR', {}], ['Intersection', { intersect_method: 'RSA' }]] as const) {
    const g = workerAffinity('j1', component(module), party(params), guest);
    const h = workerAffinity('j1', component(module), party(params), host);
    assert.is.not(g, h, module);
    assert.is.not(g, 'j1', module);
    assert.is.not(workerAffinity('j2', component(module), party(params), guest), g, 'another job never shares');
  }
});

test.run();
