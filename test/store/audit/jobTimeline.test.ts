// The timeline fold: events of several parties' streams in log order → one story with actors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryEventStore } from '../../../src/store/memory/memoryEventStore.js';
import { runAsProcess, runInScope } from '../../../src/store/audit/auditScope.js';
import { jobTimeline, jsonDigest } from '../../../src/store/audit/jobTimeline.js';
import { queryLog } from '../../../src/store/audit/logQuery.js';

const t = suite('audit: a job\'s timeline');
const J = '202612061400000000001';
const guest = { jobId: J, role: 'guest', partyId: '9999' };
const host = { jobId: J, role: 'host', partyId: '10000' };

t('every state change of each party in order with its actor; a stop asked by another party names that party', async () => {
  const store = new MemoryEventStore({ node: { partyId: '9999' } });
  const dsl = { components: { dataio_0: { module: 'DataIO' } } };
  const conf = { initiator: { role: 'guest', party_id: 9999 } };
  const client = { correlationId: 'req-1', causationId: 'req-1', actor: { kind: 'client', address: '10.0.0.7' } } as const;
  await runInScope(client, () => store.appendToStream(`job-${J}-guest-9999`, [{ type: 'JobCreated', data: { ...guest, initiator: guest, isInitiator: true, workMode: 1, roles: {}, dsl, runtimeConf: conf, trainRuntimeConf: {}, runIp: 'x', tag: '', at: 1000 } }]));
  await runAsProcess('job-scheduler', async () => {
    await store.appendToStream(`job-${J}-guest-9999`, [{ type: 'JobStarted', data: { ...guest, at: 1100 } }]);
    await store.appendToStream(`task-${J}_dataio_0-guest-9999`, [{ type: 'TaskStarted', data: { ...guest, taskId: `${J}_dataio_0`, componentName: 'dataio_0', runIp: 'x', runPid: 1, at: 1200 } }]);
    await store.appendToStream(`tracking-${J}-guest-9999`, [{ type: 'MetricLogged', data: { ...guest, at: 1250 } }]);
    await store.appendToStream(`task-${J}_dataio_0-guest-9999`, [{ type: 'TaskSucceeded', data: { ...guest, taskId: `${J}_dataio_0`, at: 1700, elapsed: 500 } }]);
  }, { id: 'created-event', metadata: { correlationId: 'req-1' } });
  await runInScope({ correlationId: 'req-1', causationId: 'msg-7', actor: { kind: 'party', partyId: '10000', proven: true } }, () =>
    store.appendToStream(`job-${J}-guest-9999`, [{ type: 'JobStopAcknowledged', data: { ...guest, reason: 'stopped by user', stoppedTasks: [], at: 1800 } }]));
  await runAsProcess('job-scheduler', () => store.appendToStream(`job-${J}-guest-9999`, [{ type: 'JobCanceled', data: { ...guest, reason: 'stopped by user', at: 1900, elapsed: 800 } }]));
  await store.appendToStream('job-other-guest-9999', [{ type: 'JobStarted', data: { ...guest, jobId: 'other', at: 1 } }]);
  const { events } = await queryLog(store, { jobId: J }, { limit: 100, order: 'oldest' });
  const steps = jobTimeline(events);
  assert.equal(steps.map((s) => [s.party, s.what.replace(/[0-9a-f]{16}…/g, 'D'), s.actor]), [
    ['guest 9999', 'job created (this party initiates); dsl sha256 D, conf sha256 D', 'client 10.0.0.7'],
    ['guest 9999', 'job started', 'node job-scheduler'],
    ['guest 9999', 'task dataio_0 started', 'node job-scheduler'],
    ['guest 9999', 'task dataio_0 succeeded after 0.50 s', 'node job-scheduler'],
    ['guest 9999', 'stop asked (stopped by user); no task was running', 'party 10000'],
    ['guest 9999', 'job canceled: stopped by user', 'node job-scheduler'],
  ]);
  assert.is(steps[0]!.details!.dsl_sha256, jsonDigest(dsl));
  assert.is(steps[3]!.duration_ms, 500);
  assert.equal(steps.slice(0, 5).map((s) => s.correlation_id), Array(5).fill('req-1'), 'one conversation, across actors');
  void host;
});

t.run();
