// A small history written by real commands through handleCommand/handleCommands, for the re-drive
// check's tests (test/eventSourcing/redriveLog.test.ts, test/cli/replayCheck.test.ts).
import { taskDecider } from '../../src/domain/task/decider.js';
import { taskStreamId } from '../../src/domain/task/events.js';
import { tableDecider } from '../../src/domain/table/decider.js';
import { tableStreamId } from '../../src/domain/table/events.js';
import { trackingStreamId } from '../../src/domain/tracking/events.js';
import { handleCommand, handleCommands } from '../../src/eventSourcing/handleCommand.js';
import type { EventStore } from '../../src/store/eventStore.js';

export const JOB = '202612061700000000001';

/** A small history made by real commands: an upload (2 events), a re-upload, a task's life, a delete. */
export async function writeHistory(store: EventStore): Promise<void> {
  const table = tableStreamId('ns', 't');
  const load = (location: string, basedOn: string | null, at: number) => ({
    type: 'LoadTableData' as const,
    data: { namespace: 'ns', name: 't', location, mode: 'replace' as const, basedOn, partition: 4, countUpload: 10, countActual: 10, meta: { header: 'x,y' }, jobId: JOB, at },
  });
  await handleCommand(store, table, tableDecider, load('loc-1', null, 1000));
  await handleCommand(store, table, tableDecider, load('loc-2', 'loc-1', 2000));
  const started = (party: string) => ({
    streamId: taskStreamId(`${JOB}_reader_0`, 'guest', party), decider: taskDecider, assumeNew: true,
    command: { type: 'StartTask', data: { jobId: JOB, taskId: `${JOB}_reader_0`, componentName: 'reader_0', role: 'guest', partyId: party, runIp: '127.0.0.1', runPid: 1, at: 3000 } },
  });
  // Two decisions and a plain append in one unit (the multi-stream path).
  await handleCommands(store, [started('9999'), started('10000'), { streamId: trackingStreamId(JOB, 'guest', '9999'), events: [{ type: 'MetricLogged', data: { v: 1 } }] }]);
  await handleCommand(store, taskStreamId(`${JOB}_reader_0`, 'guest', '9999'), taskDecider, { type: 'SucceedTask', data: { at: 4000 } });
  await handleCommand(store, table, tableDecider, { type: 'DeleteTable', data: { at: 5000 } });
}

