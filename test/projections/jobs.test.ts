import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jobsProjection } from '../../projections/jobs/projection.js';
import { queryJobs, recognisedJobFilters } from '../../projections/jobs/query.js';
import { openViewDatabase, ProjectionRunner } from '../../projections/runner.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { givenEvents, recorded } from '../support/projectionSpec.js';

const key = { jobId: 'j1', role: 'guest', partyId: '9999' };
const created = {
  type: 'JobCreated',
  data: {
    ...key, initiator: { role: 'guest', partyId: '9999' }, isInitiator: true, workMode: 0, roles: { guest: [9999] },
    dsl: { components: {} }, runtimeConf: { a: 1 }, trainRuntimeConf: {}, runIp: '127.0.0.1:9380', tag: '', at: 1000,
  },
};

const t = suite('projection: t_job');
t('JobCreated inserts a waiting row with FATE columns, JSON columns as strings', () => {
  const [row] = queryJobs(givenEvents([jobsProjection], [created]), { job_id: 'j1' });
  assert.equal(row, {
    f_job_id: 'j1', f_name: '', f_description: '', f_tag: '', f_role: 'guest', f_party_id: '9999', f_roles: '{"guest":[9999]}',
    f_work_mode: 0, f_initiator_party_id: '9999', f_is_initiator: 1, f_dsl: '{"components":{}}', f_runtime_conf: '{"a":1}',
    f_train_runtime_conf: '{}', f_run_ip: '127.0.0.1:9380', f_status: 'waiting', f_current_steps: null, f_current_tasks: null,
    f_progress: 0, f_create_time: 1000, f_update_time: 1000, f_start_time: null, f_end_time: null, f_elapsed: null, f_reason: null,
  });
});
t('a conf asking backend 1 (Spark): the row says from the start that fedflow ran it on its own engine', () => {
  const spark = { ...created, data: { ...created.data, runtimeConf: { job_parameters: { work_mode: 0, backend: 1 } } } };
  const [row] = queryJobs(givenEvents([jobsProjection], [spark]), { job_id: 'j1' });
  assert.match(String(row!.f_description), /backend 1 \(FATE: Spark\) was asked; fedflow ran this job on its own engine/);
  const eggroll = { ...created, data: { ...created.data, runtimeConf: { job_parameters: { backend: 0 } } } };
  assert.is(queryJobs(givenEvents([jobsProjection], [eggroll]), { job_id: 'j1' })[0]!.f_description, '');
});
t('start, progress, success: status, times, progress 100 and tag job_end', () => {
  const db = givenEvents([jobsProjection], [
    created,
    { type: 'JobStarted', data: { ...key, at: 2000 } },
    { type: 'JobProgressed', data: { ...key, progress: 50, currentTasks: ['j1_x_0'], at: 2500 } },
    { type: 'JobSucceeded', data: { ...key, at: 4000, elapsed: 2000 } },
  ]);
  const [row] = queryJobs(db, { job_id: 'j1', party_id: 9999 });
  assert.is(row!.f_status, 'success');
  assert.is(row!.f_progress, 100);
  assert.is(row!.f_tag, 'job_end');
  assert.is(row!.f_current_tasks, '["j1_x_0"]');
  assert.is(row!.f_start_time, 2000);
  assert.is(row!.f_end_time, 4000);
  assert.is(row!.f_elapsed, 2000);
});
t('a failure keeps its reason', () => {
  const db = givenEvents([jobsProjection], [created, { type: 'JobFailed', data: { ...key, reason: 'file vanished', at: 3000, elapsed: null } }]);
  assert.is(queryJobs(db, { job_id: 'j1' })[0]!.f_reason, 'file vanished');
});
t('filters: unknown keys are ignored, none recognised means none', () => {
  assert.equal(recognisedJobFilters({ job_id: 'j', bogus: 1 }), ['job_id']);
  assert.equal(recognisedJobFilters({ bogus: 1 }), []);
  const db = givenEvents([jobsProjection], [created]);
  assert.is(queryJobs(db, { job_id: 'j1', bogus: 'x' }).length, 1);
  assert.is(queryJobs(db, { job_id: 'j1', role: 'host' }).length, 0);
});
t('idempotent: events at or below the checkpoint are skipped', () => {
  const db = openViewDatabase(':memory:');
  const runner = new ProjectionRunner(db, [jobsProjection], {} as EventStore);
  runner.applyBatch([recorded(created, 1)]);
  runner.applyBatch([recorded(created, 1)]);
  assert.is(queryJobs(db, { job_id: 'j1' }).length, 1);
  assert.is(runner.position, 1n);
});
t.run();
