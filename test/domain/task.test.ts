import { suite } from 'uvu';
import { taskDecider } from '../../src/domain/task/decider.js';
import type { TaskEvent, TaskStartedData } from '../../src/domain/task/events.js';
import { deciderSpec } from '../support/deciderSpec.js';

const spec = deciderSpec(taskDecider);
const key = { jobId: 'j1', taskId: 'j1_upload_0', role: 'local', partyId: '0' };
const started: TaskStartedData = { ...key, componentName: 'upload_0', runIp: '127.0.0.1:9380', runPid: 42, at: 1000 };
const wasStarted: TaskEvent = { type: 'TaskStarted', data: started };

const t = suite('task');
t('absent: start records it running', () => {
  spec.given([]).when({ type: 'StartTask', data: started }).then([wasStarted]);
});
t('absent: success without a start is refused', () => {
  spec.given([]).when({ type: 'SucceedTask', data: { at: 2 } }).thenThrows(/has not started/);
});
t('running: success carries elapsed', () => {
  spec.given([wasStarted]).when({ type: 'SucceedTask', data: { at: 1500 } }).then([{ type: 'TaskSucceeded', data: { ...key, at: 1500, elapsed: 500 } }]);
});
t('running: failure carries its reason', () => {
  spec.given([wasStarted]).when({ type: 'FailTask', data: { reason: 'boom', at: 1200 } })
    .then([{ type: 'TaskFailed', data: { ...key, reason: 'boom', at: 1200, elapsed: 200 } }]);
});
t('ended: a later failure changes nothing', () => {
  spec.given([wasStarted, { type: 'TaskSucceeded', data: { ...key, at: 1500, elapsed: 500 } }])
    .when({ type: 'FailTask', data: { reason: 'late', at: 1600 } }).thenNothingHappened();
});
t('running: starting twice is refused', () => {
  spec.given([wasStarted]).when({ type: 'StartTask', data: started }).thenThrows(/already started/);
});
t.run();
