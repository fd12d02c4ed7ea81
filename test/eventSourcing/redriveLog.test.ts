// The re-drive check of `fedflow replay --check`: decisions recorded by handleCommand are decided
// again by today's deciders; a changed decider is named by stream, revision and event; events
// without a recorded command are counted, never failed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DECIDERS, type RegisteredDecider } from '../../src/domain/deciderRegistry.js';
import { taskDecider } from '../../src/domain/task/decider.js';
import { tableDecider } from '../../src/domain/table/decider.js';
import { taskStreamId } from '../../src/domain/task/events.js';
import { redriveLog } from '../../src/eventSourcing/redriveLog.js';
import { MemoryEventStore } from '../../src/store/memory/memoryEventStore.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqliteEventStore.js';
import { fixtureStore, readFixture } from '../store/audit/fixtureLog.js';
import { JOB, writeHistory } from '../support/redriveHistory.js';
import { FIXTURES } from '../support/fixtures.js';

const test = suite('redriveLog');

test('a log written by real commands re-drives to the same events (memory store)', async () => {
  const store = new MemoryEventStore();
  await writeHistory(store);
  const r = await redriveLog(store);
  assert.equal(r.differences, []);
  assert.is(r.different, 0);
  assert.is(r.redriven, 6);
  assert.is(r.matching, 6);
  assert.is(r.notRedrivable, 0);
  assert.is(r.undecided, 1, 'the tracking event has no decider');
  const first = (await store.readAll())[0]!;
  assert.equal((first.metadata as { command?: { type: string } }).command?.type, 'LoadTableData');
  assert.is(first.metadata.decider, 'table');
  assert.is(first.metadata.decisionEvents, 2);
  assert.is((await store.readAll())[1]!.metadata.command, undefined, 'one command per decision, on its first event');
  const started = (await store.readAll()).find((e) => e.type === 'TaskStarted')!;
  assert.equal(started.metadata.command, { type: 'StartTask', dataFromEvent: true }, 'a command whose data is its event\'s is not recorded twice');
});

test('the same through sqlite (commands and events round-trip through JSON)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redrive-'));
  const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  try {
    await writeHistory(store);
    const r = await redriveLog(store);
    assert.equal(r.differences, []);
    assert.is(r.matching, 6);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a decider that changed behaviour is named: stream, revision, event type, both sides', async () => {
  const store = new MemoryEventStore();
  await writeHistory(store);
  // Today's task decider records the elapsed time in seconds instead of milliseconds.
  const changed: RegisteredDecider[] = DECIDERS.map((r) => r.name !== 'task' ? r : {
    ...r,
    decider: {
      ...taskDecider,
      decide: (c: Parameters<typeof taskDecider.decide>[0], s: Parameters<typeof taskDecider.decide>[1]) =>
        taskDecider.decide(c, s).map((e) => e.type === 'TaskSucceeded' ? { ...e, data: { ...e.data, elapsed: e.data.elapsed / 1000 } } : e),
    } as RegisteredDecider['decider'],
  });
  const r = await redriveLog(store, { registry: changed });
  assert.is(r.redriven, 6);
  assert.is(r.matching, 5);
  assert.is(r.different, 1);
  assert.is(r.differences.length, 1);
  const d = r.differences[0]!;
  assert.is(d.streamId, taskStreamId(`${JOB}_reader_0`, 'guest', '9999'));
  assert.is(d.revision, '1');
  assert.is(d.command, 'SucceedTask');
  assert.match(d.message, /^TaskSucceeded: recorded .*"elapsed":1000.*, today .*"elapsed":1[,}]/);
});

test('a decider that now refuses, or no longer emits an event, is a difference', async () => {
  const store = new MemoryEventStore();
  await writeHistory(store);
  const refusing = DECIDERS.map((r) => r.name !== 'table' ? r : {
    ...r, decider: { ...tableDecider, decide: (c: { type: string }, s: unknown) => {
      if (c.type === 'DeleteTable') throw new Error('tables are forever now');
      return tableDecider.decide(c as Parameters<typeof tableDecider.decide>[0], s as Parameters<typeof tableDecider.decide>[1]).slice(1);
    } } as RegisteredDecider['decider'],
  });
  const r = await redriveLog(store, { registry: refusing });
  const messages = r.differences.map((d) => `${d.revision} ${d.message}`);
  assert.is(r.differences.length, 3, messages.join('\n'));
  assert.match(messages[0]!, /^0 event 1 of the decision: recorded TableCreated, today TableDataLoaded/);
  assert.match(messages[1]!, /^2 today's decider no longer produces TableDataLoaded/);
  assert.match(messages[2]!, /^3 today's decider refuses the command \(tables are forever now\)/);
});

test('events without a recorded command are counted as not re-drivable, not failed', async () => {
  const store = new MemoryEventStore();
  await writeHistory(store);
  // An event appended without a decision (as every event of an older log was).
  await store.appendToStream(taskStreamId(`${JOB}_reader_0`, 'guest', '10000'), [{ type: 'TaskFailed', data: { jobId: JOB, taskId: `${JOB}_reader_0`, componentName: 'reader_0', role: 'guest', partyId: '10000', reason: 'x', at: 4500, elapsed: 1500 } }]);
  const r = await redriveLog(store);
  assert.equal(r.differences, []);
  assert.is(r.notRedrivable, 1);
  assert.is(r.matching, 6);
});

test('a recorded event today\'s decider cannot fold is a difference, not a crash', async () => {
  const store = new MemoryEventStore();
  await writeHistory(store);
  const task = taskStreamId(`${JOB}_reader_0`, 'guest', '10000');
  await store.appendToStream(task, [{ type: 'TaskPaused', data: { at: 1 } }]);
  await store.appendToStream(task, [{ type: 'TaskSucceeded', data: {} }], );
  const r = await redriveLog(store);
  assert.is(r.different, 1);
  assert.is(r.differences[0]!.streamId, task);
  assert.is(r.differences[0]!.revision, '1');
  assert.match(r.differences[0]!.message, /^today's task decider cannot fold the recorded TaskPaused \(/);
  assert.is(r.notRedrivable, 2, 'the unfoldable event and the one after it');
  assert.is(r.matching, 6);
});

test('the committed 0.1.0 log: nothing re-drivable, nothing failed', async () => {
  const lines = readFixture(join(FIXTURES, 'audit', 'log-0.1.0.jsonl'));
  const r = await redriveLog(fixtureStore(lines));
  assert.is(r.redriven, 0);
  assert.equal(r.differences, []);
  assert.ok(r.notRedrivable > 0);
  assert.is(r.notRedrivable + r.undecided, lines.length);
});

test.run();
