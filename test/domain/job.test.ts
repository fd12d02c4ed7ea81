import { suite } from 'uvu';
import { jobDecider } from '../../src/domain/job/decider.js';
import type { JobCreatedData, JobEvent } from '../../src/domain/job/events.js';
import { deciderSpec } from '../support/deciderSpec.js';

const spec = deciderSpec(jobDecider);
const key = { jobId: '202611270101010000001', role: 'local', partyId: '0' };
const created: JobCreatedData = {
  ...key, initiator: { role: 'local', partyId: '0' }, isInitiator: true, workMode: 0, roles: { local: [0] },
  dsl: {}, runtimeConf: {}, trainRuntimeConf: {}, runIp: '127.0.0.1:9380', tag: '', at: 1000,
};
const wasCreated: JobEvent = { type: 'JobCreated', data: created };
const wasStarted: JobEvent = { type: 'JobStarted', data: { ...key, at: 2000 } };
const succeeded: JobEvent = { type: 'JobSucceeded', data: { ...key, at: 5000, elapsed: 3000 } };

const whenAbsent = suite('job: when absent');
whenAbsent('create records the job as created (waiting)', () => {
  spec.given([]).when({ type: 'CreateJob', data: created }).then([wasCreated]);
});
whenAbsent('any other command is refused', () => {
  spec.given([]).when({ type: 'StartJob', data: { at: 1 } }).thenThrows(/does not exist/);
});
whenAbsent.run();

const whenWaiting = suite('job: when waiting');
whenWaiting('creating it again is refused', () => {
  spec.given([wasCreated]).when({ type: 'CreateJob', data: created }).thenThrows(/already exists/);
});
whenWaiting('start makes it run', () => {
  spec.given([wasCreated]).when({ type: 'StartJob', data: { at: 2000 } }).then([wasStarted]);
});
whenWaiting('a failure before start has no elapsed time', () => {
  spec.given([wasCreated]).when({ type: 'FailJob', data: { reason: 'node restarted', at: 3000 } })
    .then([{ type: 'JobFailed', data: { ...key, reason: 'node restarted', at: 3000, elapsed: null } }]);
});
whenWaiting('cancel ends it', () => {
  spec.given([wasCreated]).when({ type: 'CancelJob', data: { reason: 'stopped by user', at: 3000 } })
    .then([{ type: 'JobCanceled', data: { ...key, reason: 'stopped by user', at: 3000, elapsed: null } }]);
});
whenWaiting.run();

const whenRunning = suite('job: when running');
whenRunning('starting again changes nothing', () => {
  spec.given([wasCreated, wasStarted]).when({ type: 'StartJob', data: { at: 2500 } }).thenNothingHappened();
});
whenRunning('progress is clamped to 0..100 and floored', () => {
  spec.given([wasCreated, wasStarted]).when({ type: 'ReportJobProgress', data: { progress: 140.7, at: 3000 } })
    .then([{ type: 'JobProgressed', data: { ...key, progress: 100, at: 3000 } }]);
});
whenRunning('the same progress twice is recorded once', () => {
  const p: JobEvent = { type: 'JobProgressed', data: { ...key, progress: 42, at: 3000 } };
  spec.given([wasCreated, wasStarted, p]).when({ type: 'ReportJobProgress', data: { progress: 42, at: 3100 } }).thenNothingHappened();
});
whenRunning('success carries the elapsed time since start', () => {
  spec.given([wasCreated, wasStarted]).when({ type: 'SucceedJob', data: { at: 5000 } }).then([succeeded]);
});
whenRunning('failure carries its reason', () => {
  spec.given([wasCreated, wasStarted]).when({ type: 'FailJob', data: { reason: 'file vanished', at: 4000 } })
    .then([{ type: 'JobFailed', data: { ...key, reason: 'file vanished', at: 4000, elapsed: 2000 } }]);
});
whenRunning('a party acknowledges a stop once, naming the tasks it stopped', () => {
  const ack: JobEvent = { type: 'JobStopAcknowledged', data: { ...key, reason: 'stopped by user', stoppedTasks: ['t_1'], at: 3000 } };
  spec.given([wasCreated, wasStarted]).when({ type: 'AcknowledgeStop', data: { reason: 'stopped by user', stoppedTasks: ['t_1'], at: 3000 } }).then([ack]);
  spec.given([wasCreated, wasStarted, ack]).when({ type: 'AcknowledgeStop', data: { reason: 'again', stoppedTasks: [], at: 3100 } }).thenNothingHappened();
});
whenRunning.run();

const whenEnded = suite('job: when ended (end states are sticky)');
for (const command of [
  { type: 'FailJob', data: { reason: 'late', at: 6000 } },
  { type: 'CancelJob', data: { reason: 'stop', at: 6000 } },
  { type: 'TimeOutJob', data: { at: 6000 } },
  { type: 'SucceedJob', data: { at: 6000 } },
  { type: 'StartJob', data: { at: 6000 } },
  { type: 'ReportJobProgress', data: { progress: 10, at: 6000 } },
  { type: 'AcknowledgeStop', data: { reason: 'stop', stoppedTasks: [], at: 6000 } },
] as const) {
  whenEnded(`${command.type} on a successful job changes nothing`, () => {
    spec.given([wasCreated, wasStarted, succeeded]).when(command).thenNothingHappened();
  });
}
whenEnded('notes can still be written', () => {
  spec.given([wasCreated, wasStarted, succeeded]).when({ type: 'UpdateJobNotes', data: { notes: 'checked', at: 7000 } })
    .then([{ type: 'JobNotesUpdated', data: { ...key, notes: 'checked', at: 7000 } }]);
});
whenEnded.run();

const tagging = suite('job: why it waits');
tagging('a waiting job takes the reason as its tag', () => {
  spec.given([wasCreated]).when({ type: 'TagJob', data: { tag: 'waiting: limit reached', at: 1500 } })
    .then([{ type: 'JobTagged', data: { ...key, tag: 'waiting: limit reached', at: 1500 } }]);
});
tagging('a running job keeps its tag', () => {
  spec.given([wasCreated, wasStarted]).when({ type: 'TagJob', data: { tag: 'waiting: late', at: 2500 } }).thenNothingHappened();
});
tagging.run();
