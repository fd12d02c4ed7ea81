// The partition workers' rule (partitionWorkers.ts): the cores over the component's parties running
// on this node, at least 1, or the configured count; and the config's setting, by its three spellings.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionWorkersFor } from '../../src/scheduler/partitionWorkers.js';
import { buildConfig, configFromEnv } from '../../src/config.js';

const t = suite('partition workers');
const party = (partyId: number, needRun = true) => ({ partyId, needRun });

t('standalone: the cores shared by every party of the component', () => {
  assert.is(partitionWorkersFor([party(9999), party(10000)], { cores: 2 }), 1, 'guest + host on 2 cores: the inline path');
  assert.is(partitionWorkersFor([party(9999), party(10000)], { cores: 8 }), 4);
  assert.is(partitionWorkersFor([party(9999), party(10000), party(10001)], { cores: 2 }), 1, 'never 0');
  assert.is(partitionWorkersFor([party(9999), party(10000, false)], { cores: 2 }), 2, 'a party with need_run false does nothing');
});

t('cluster: only the node\'s own party runs here', () => {
  assert.is(partitionWorkersFor([party(9999), party(10000)], { cores: 2, localPartyId: '10000' }), 2);
  assert.is(partitionWorkersFor([party(9999), party(9999), party(10000)], { cores: 4, localPartyId: '9999' }), 2, 'one party id in two roles');
});

t('the configured count replaces the rule', () => {
  assert.is(partitionWorkersFor([party(9999), party(10000)], { cores: 2, configured: 3 }), 3);
  assert.is(buildConfig(configFromEnv({ FEDFLOW_PARTITION_WORKERS: '2' })).partitionWorkers, 2);
  assert.is(buildConfig({ partitionWorkers: 1 }).partitionWorkers, 1);
  assert.is(buildConfig({}).partitionWorkers, undefined);
  assert.throws(() => buildConfig({ partitionWorkers: 0 }), /partitionWorkers must be a positive integer/);
});

t.run();
