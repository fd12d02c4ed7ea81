// `fedflow replay --check` on a data dir: both checks run; a log whose recorded decision today's
// task decider would not make again fails (exit 1) naming the stream, revision, command and event,
// while the views still match the log.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { taskDecider } from '../../src/domain/task/decider.js';
import { taskStreamId } from '../../src/domain/task/events.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqliteEventStore.js';
import { tempDir } from '../support/http.js';
import { JOB, writeHistory } from '../support/redriveHistory.js';

test('replay --check: commands re-driven clean, then a recorded decision today\'s code would not make is named', async () => {
  const dir = tempDir('replay-check');
  try {
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    await writeHistory(store);
    await store.close();
    let out = '';
    let err = '';
    const ctx = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };
    assert.is(await main(['views', 'rebuild', '--data-dir', dir, '--log-level', 'silent'], ctx), 0, err);
    out = '';
    assert.is(await main(['replay', '--check', '--data-dir', dir], ctx), 0, out + err);
    assert.match(out, /^ok: the views match the log: .*\nok: today's deciders re-drove 6 recorded command\(s\) of 4 stream\(s\): 6 produce the recorded events, 0 do not; 1 event\(s\) of streams no decider writes \(tracking\)\n$/);

    // A decision recorded by an older decider: same command, a different elapsed time.
    const stream = taskStreamId(`${JOB}_reader_0`, 'guest', '10000');
    const command = { type: 'SucceedTask' as const, data: { at: 9000 } };
    const writer = SqliteEventStore.open(join(dir, 'events.sqlite'));
    const state = (await writer.readStream(stream)).map((e) => ({ type: e.type, data: e.data })).reduce(taskDecider.evolve as never, taskDecider.initialState());
    const [today] = taskDecider.decide(command, state);
    await writer.appendToStream(stream, [{ type: today!.type, data: { ...today!.data, elapsed: 1 }, metadata: { command, decider: 'task', decisionEvents: 1 } }]);
    await writer.close();
    assert.is(await main(['views', 'rebuild', '--data-dir', dir, '--log-level', 'silent'], ctx), 0, err);
    out = '';
    assert.is(await main(['replay', '--check', '--data-dir', dir], ctx), 1, out + err);
    assert.match(out, /^ok: the views match the log: /, 'the views are fine');
    assert.match(out, /\nDIFFERENT: today's deciders re-drove 7 recorded command\(s\) of 4 stream\(s\): 6 produce the recorded events, 1 do not/);
    assert.ok(out.includes(`  ${stream} revision 1 (SucceedTask): TaskSucceeded: recorded `), out);
    assert.match(out, /"elapsed":1,.*today .*"elapsed":6000/);
    out = '';
    assert.is(await main(['replay', '--check', '--data-dir', dir, '--json'], ctx), 1);
    const json = JSON.parse(out) as { ok: boolean; firstDifference: unknown; commands: { ok: boolean; different: number; differences: { streamId: string; revision: string }[] } };
    assert.equal([json.ok, json.firstDifference, json.commands.ok, json.commands.different], [false, null, false, 1]);
    assert.equal(json.commands.differences.map((d) => [d.streamId, d.revision]), [[stream, '1']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
