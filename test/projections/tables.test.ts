import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tablesProjection } from '../../projections/tables/projection.js';
import { getTable, liveLocations } from '../../projections/tables/query.js';
import { trackingProjection } from '../../projections/tracking/projection.js';
import { allMetrics } from '../../projections/tracking/query.js';
import { givenEvents } from '../support/projectionSpec.js';

const id = { namespace: 'experiment', name: 'guest' };
const loaded = (location: string, count: number) => ({
  type: 'TableDataLoaded',
  data: { ...id, location, previousLocation: null, mode: 'create', partition: 8, countUpload: count + 1, countActual: count, meta: { header: 'y,x0', sid: 'id' }, jobId: 'j1', at: 20 },
});
const created = { type: 'TableCreated', data: { ...id, partition: 8, jobId: 'j1', at: 10 } };

const t = suite('projection: t_table and metrics');
t('created + loaded: count, partition, meta and location', () => {
  const db = givenEvents([tablesProjection], [created, loaded('a', 569)]);
  assert.equal(getTable(db, 'experiment', 'guest'), {
    namespace: 'experiment', name: 'guest', location: 'a', partition: 8, count: 569, countUpload: 570, meta: { header: 'y,x0', sid: 'id' }, jobId: 'j1',
  });
  assert.equal([...liveLocations(db)], ['a']);
});
t('deleted: gone from the view, its location no longer live', () => {
  const db = givenEvents([tablesProjection], [created, loaded('a', 5), { type: 'TableDeleted', data: { ...id, location: 'a', at: 30 } }]);
  assert.is(getTable(db, 'experiment', 'guest'), undefined);
  assert.is(liveLocations(db).size, 0);
});
t('metrics: data sorted by key, meta keeps the last value per key', () => {
  const scope = { jobId: 'j', componentName: 'c', taskId: 'j_c', role: 'arbiter', partyId: '10001' };
  const db = givenEvents([trackingProjection], [
    { type: 'MetricDataLogged', data: { ...scope, namespace: 'train', name: 'loss', points: [[2, 0.5], [0, 0.69]], at: 1 } },
    { type: 'MetricDataLogged', data: { ...scope, namespace: 'train', name: 'loss', points: [[1, 0.58]], at: 2 } },
    { type: 'MetricMetaLogged', data: { ...scope, namespace: 'train', name: 'loss', meta: { name: 'train', metric_type: 'LOSS' }, at: 1 } },
    { type: 'MetricMetaLogged', data: { ...scope, namespace: 'train', name: 'loss', meta: { metric_type: 'LOSS2' }, at: 2 } },
  ]);
  assert.equal(allMetrics(db, { jobId: 'j', componentName: 'c', role: 'arbiter', partyId: '10001' }), {
    train: { loss: { data: [[0, 0.69], [1, 0.58], [2, 0.5]], meta: { name: 'train', metric_type: 'LOSS2' } } },
  });
});
t.run();
