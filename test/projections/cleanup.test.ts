// The views' side of /v1/job/clean and metric/delete: MetricsDeleted and OutputsCleaned remove
// exactly the party's rows they name; a component output is a data view too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dataViewProjection } from '../../projections/dataView/projection.js';
import { queryDataViews } from '../../projections/dataView/query.js';
import { outputsProjection } from '../../projections/outputs/projection.js';
import { outputData } from '../../projections/outputs/query.js';
import { trackingProjection } from '../../projections/tracking/projection.js';
import { allMetrics } from '../../projections/tracking/query.js';
import { givenEvents } from '../support/projectionSpec.js';

const host = { jobId: 'j', componentName: 'intersect_0', taskId: 'j_intersect_0', role: 'host', partyId: '9999' };
const arbiter = { ...host, role: 'arbiter' };
const guest = { ...host, role: 'guest', partyId: '10000' };
const metric = (scope: typeof host, name: string) => ({ type: 'MetricDataLogged', data: { ...scope, namespace: 'train', name, points: [['k', 1]], at: 1 } });
const output = (scope: typeof host) => ({
  type: 'OutputDataRecorded',
  data: { ...scope, dataName: 'data', tableNamespace: `output_data_${scope.taskId}_${scope.role}_${scope.partyId}`, tableName: 'data', location: `loc-${scope.role}`, count: 7, schema: { header: ['x'], sid_name: 'id' }, at: 2 },
});
const t = suite('projections: job clean and metric delete');

t('MetricsDeleted removes the named party\'s metrics only (host 9999, not arbiter 9999), narrowed by name', () => {
  const db = givenEvents([trackingProjection], [
    metric(host, 'a'), metric(host, 'b'), metric(arbiter, 'a'), metric(guest, 'a'),
    { type: 'MetricsDeleted', data: { jobId: 'j', role: 'host', partyId: '9999', componentName: 'intersect_0', name: 'a', at: 3 } },
  ]);
  assert.equal(Object.keys(allMetrics(db, host).train ?? {}), ['b']);
  assert.equal(Object.keys(allMetrics(db, arbiter).train ?? {}), ['a']);
  const all = givenEvents([trackingProjection], [metric(host, 'a'), metric(guest, 'a'), { type: 'MetricsDeleted', data: { jobId: 'j', role: 'host', partyId: '9999', at: 3 } }]);
  assert.equal(allMetrics(all, host), {});
  assert.equal(Object.keys(allMetrics(all, guest).train ?? {}), ['a']);
});

t('an output table is a data view; OutputsCleaned removes the party\'s output and data-view rows', () => {
  const events = [output(host), output(guest)];
  const before = givenEvents([dataViewProjection, outputsProjection], events);
  assert.equal(queryDataViews(before, { job_id: 'j' }).map((v) => [v.f_role, v.f_table_namespace, v.f_table_count_actual]), [
    ['host', 'output_data_j_intersect_0_host_9999', 7], ['guest', 'output_data_j_intersect_0_guest_10000', 7],
  ]);
  const after = givenEvents([dataViewProjection, outputsProjection], [
    ...events,
    { type: 'OutputsCleaned', data: { jobId: 'j', componentName: 'intersect_0', role: 'host', partyId: '9999', tables: [{ namespace: 'output_data_j_intersect_0_host_9999', name: 'data' }], at: 3 } },
  ]);
  assert.equal(queryDataViews(after, { job_id: 'j' }).map((v) => v.f_role), ['guest']);
  assert.is(outputData(after, host), undefined);
  assert.is(outputData(after, guest)?.location, 'loc-guest');
});
t.run();
