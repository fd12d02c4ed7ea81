// The task worker pool: a job's tasks share one worker (its parties interleave at federation
// awaits), other jobs get their own, and a stopped task ends even when it waits forever.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { PartyRef } from '../../src/components/contract.js';
import { Mailbox, mailboxKey } from '../../src/scheduler/mailbox.js';
import type { TaskRequest } from '../../src/scheduler/taskProtocol.js';
import { WORKER_TERMINATED_FOR_ANOTHER_TASK, WorkerPool, type RunHooks } from '../../src/scheduler/workerPool.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeTable } from '../../src/store/tables/writeTable.js';
import { tempDir } from '../support/http.js';
import { paramDefaults } from '../../src/domain/dsl/paramDefaults.js';

const t = suite('scheduler: task worker pool');
const dir = tempDir('pool');
const tables = new TableStore(dir);
const guest: PartyRef = { role: 'guest', partyId: '9999' };
const host: PartyRef = { role: 'host', partyId: '10000' };
const schema = { header: ['x0'], sid_name: 'id' };
const table = (ids: string[]): string => {
  const location = tables.newLocation();
  writeTable(tables, location, ids.map((id) => [id, JSON.stringify({ features: [Number(id)] })] as const));
  return location;
};
const guestTable = table(['1', '2', '3', '5']);
const hostTable = table(['2', '3', '4', '5']);

/** An Intersection(raw) task of `party` in job `jobId`, over `location`. */
const request = (jobId: string, party: PartyRef, location: string): TaskRequest => ({
  tablesDir: dir, jobId, taskId: `${jobId}_intersection_0`, componentName: 'intersection_0', module: 'Intersection',
  role: party.role, partyId: party.partyId, roles: { guest: [guest.partyId], host: [host.partyId] },
  params: { intersect_method: 'raw' }, inputs: { data: { location, format: 'json', schema } }, outputLocation: tables.newLocation(),
});

/** The standalone federation, as the party actor serves it. */
const hooks = (mailbox: Mailbox, jobId: string, me: PartyRef, signal: AbortSignal, shared = false): RunHooks => ({
  signal,
  affinity: jobId,
  shared,
  onMessage: (message, reply) => {
    if (message.type === 'remote') for (const to of message.to) mailbox.put(mailboxKey(jobId, 'intersection_0', message.name, message.tag, me, to), message.payload);
    if (message.type === 'get') {
      mailbox.take(mailboxKey(jobId, 'intersection_0', message.name, message.tag, message.from, me)).then(
        (payload) => reply({ type: 'got', id: message.id, payload }),
        (error: Error) => reply({ type: 'getFailed', id: message.id, message: error.message }),
      );
    }
  },
});

t.after(() => rmSync(dir, { recursive: true, force: true }));

t('the parties of one job run side by side in one worker; another job gets its own', async () => {
  const pool = new WorkerPool();
  const mailbox = new Mailbox();
  const never = new AbortController().signal;
  try {
    const jobA = Promise.all([
      pool.run(request('a', guest, guestTable), hooks(mailbox, 'a', guest, never)),
      pool.run(request('a', host, hostTable), hooks(mailbox, 'a', host, never)),
    ]);
    assert.is(pool.size, 1);
    const jobB = Promise.all([
      pool.run(request('b', guest, guestTable), hooks(mailbox, 'b', guest, never)),
      pool.run(request('b', host, hostTable), hooks(mailbox, 'b', host, never)),
    ]);
    assert.is(pool.size, 2);
    for (const [g, h] of await Promise.all([jobA, jobB])) {
      assert.is(g.data?.count, 3);
      assert.is(h.data?.count, 3);
      assert.equal([...tables.read(g.data!.location)].map(([k]) => k), ['2', '3', '5']);
    }
    assert.is(pool.running, 0);
  } finally {
    await pool.close();
  }
});

t('a stopped task that waits for a peer ends at once, and its worker is not handed out again', async () => {
  const pool = new WorkerPool({ maxIdle: 8, graceMs: 1000 });
  const stop = new AbortController();
  try {
    // The guest never comes: the host waits on its get until the stop.
    const waiting = pool.run(request('c', host, hostTable), hooks(new Mailbox(), 'c', host, stop.signal));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    stop.abort();
    await waiting.then(() => assert.unreachable('a stopped task must fail'), (error: Error) => assert.match(error.message, /task stopped/));
    assert.ok(Date.now() - started < 900, `took ${Date.now() - started} ms (the cancel, not the hard kill, ended it)`);
    assert.is(pool.size, 0);
  } finally {
    await pool.close();
  }
});

t('a worker that dies by itself is reported with the reason its tasks fail with (a big job must not end silently)', async () => {
  const lost: [string, number][] = [];
  const pool = new WorkerPool({ onWorkerLost: (reason, tasks) => lost.push([reason, tasks]) });
  try {
    // The guest never comes: the host waits in its worker, which then ends without the pool asking
    // (as an out-of-memory worker does).
    const waiting = pool.run(request('lost', host, hostTable), hooks(new Mailbox(), 'lost', host, new AbortController().signal));
    await new Promise((r) => setTimeout(r, 200));
    const [pooled] = [...(pool as unknown as { workers: Set<{ worker: { terminate(): Promise<number> } }> }).workers];
    await pooled!.worker.terminate();
    await waiting.then(() => assert.unreachable('its task must fail'), (error: Error) => assert.match(error.message, /task worker exited with code 1/));
    assert.equal(lost, [['task worker exited with code 1', 1]]);
    assert.is(pool.size, 0);
  } finally {
    await pool.close();
  }
  // A worker the pool ends itself (close, a stop) is not reported.
  assert.is(lost.length, 1);
});

/** A DataIO task over `rows` rows × 10 columns: parsed (and written) without a pause. */
const bigDataIO = (jobId: string, rows = 100_000): TaskRequest => {
  const location = tables.newLocation();
  const cells = Array.from({ length: 10 }, (_, i) => String(i + 0.5)).join(',');
  writeTable(tables, location, Array.from({ length: rows }, (_, i) => [String(i), cells] as const));
  return {
    ...request(jobId, host, location), taskId: `${jobId}_dataio_0`, componentName: 'dataio_0', module: 'DataIO',
    params: { ...paramDefaults('DataIO'), with_label: false },
    inputs: { data: { location, format: 'raw', schema: { header: Array.from({ length: 10 }, (_, i) => `x${i}`), sid_name: 'id' } } },
  };
};

t('a stop that arrives during a task\'s synchronous load and parse ends it stopped, not done (the worker yields before its checks)', async () => {
  const pool = new WorkerPool({ maxIdle: 8, graceMs: 60_000 });
  const stop = new AbortController();
  stop.abort();
  try {
    // A fresh worker gets the run and the cancel queued together. DataIO loads and parses without a
    // single await, so without a yield the cancel would only be read after 'done' had been sent.
    await pool.run(bigDataIO('stopped-sync', 2_000), hooks(new Mailbox(), 'stopped-sync', host, stop.signal)).then(
      () => assert.unreachable('a task stopped before it ran must not report success'),
      (error: Error) => assert.match(error.message, /task stopped/),
    );
  } finally {
    await pool.close();
  }
});

/** Both parties of an intersection job; resolves to their output counts. */
const job = (pool: WorkerPool, mailbox: Mailbox, jobId: string, signal: AbortSignal, shared: boolean) =>
  Promise.all([
    pool.run(request(jobId, guest, guestTable), hooks(mailbox, jobId, guest, signal, shared)),
    pool.run(request(jobId, host, hostTable), hooks(mailbox, jobId, host, signal, shared)),
  ]).then(([g, h]) => [g.data?.count, h.data?.count]);

t('a long list of ids crosses the main thread packed and reaches the other party as the same list (Intersection of 30,000 ids)', async () => {
  const pool = new WorkerPool();
  const mailbox = new Mailbox();
  const never = new AbortController().signal;
  const big = (from: number) => table(Array.from({ length: 30_000 }, (_, i) => String(from + i)));
  const [guestBig, hostBig] = [big(0), big(10_000)];
  const seen: unknown[] = [];
  const watching = (me: PartyRef): RunHooks => {
    const inner = hooks(mailbox, 'p', me, never);
    return { ...inner, onMessage: (message, reply) => (message.type === 'remote' && seen.push(message.payload), inner.onMessage(message, reply)) };
  };
  try {
    const [g, h] = await Promise.all([pool.run(request('p', guest, guestBig), watching(guest)), pool.run(request('p', host, hostBig), watching(host))]);
    assert.is(g.data?.count, 20_000);
    assert.is(h.data?.count, 20_000);
    // The host's 30,000 ids and the guest's 20,000 back: each one string on the main thread.
    assert.is(seen.length, 2);
    for (const payload of seen) assert.type((payload as { fedflowPackedStrings?: unknown }).fedflowPackedStrings, 'string');
    const kept = tables.readValues(h.data!.location).map(([k]) => k).sort((a, b) => Number(a) - Number(b));
    assert.equal(kept, Array.from({ length: 20_000 }, (_, i) => String(10_000 + i)));
  } finally {
    await pool.close();
  }
});

t('a payload that only looks packed (a wrong count) fails that task with a reason; the worker lives on for the next job', async () => {
  const pool = new WorkerPool();
  const mailbox = new Mailbox();
  const never = new AbortController().signal;
  // The guest's "host ids" arrive forged: a packed list whose count does not match its strings.
  const forging = (me: PartyRef): RunHooks => ({
    ...hooks(mailbox, 'f', me, never),
    onMessage: (message, reply) => {
      if (message.type === 'get') reply({ type: 'got', id: message.id, payload: { fedflowPackedStrings: 'a\nb', count: 5 } });
    },
  });
  try {
    await pool.run(request('f', guest, guestTable), forging(guest)).then(
      () => assert.unreachable('a forged packed list must fail the task'),
      (error: Error) => assert.match(error.message, /a packed list of 5 strings holds 2/),
    );
    assert.is(pool.size, 1, 'the worker that got the forged payload still lives (a throw in its message handler would end it)');
    const counts = await job(pool, mailbox, 'after-forgery', never, false);
    assert.equal(counts, [3, 3]);
  } finally {
    await pool.close();
  }
});

t('light (shared) tasks of many jobs run on at most maxShared workers; heavy ones get their own', async () => {
  const pool = new WorkerPool({ maxShared: 2 });
  const mailbox = new Mailbox();
  try {
    const light = ['l1', 'l2', 'l3', 'l4', 'l5'].map((id) => job(pool, mailbox, id, new AbortController().signal, true));
    assert.is(pool.size, 2, 'five light jobs, two workers');
    const heavy = job(pool, mailbox, 'h1', new AbortController().signal, false);
    assert.is(pool.size, 3, 'a heavy job is not put with the light ones');
    for (const counts of await Promise.all([...light, heavy])) assert.equal(counts, [3, 3]);
  } finally {
    await pool.close();
  }
});

t('a stopped task that holds a shared worker ends in time; the other job in that worker still succeeds', async () => {
  const pool = new WorkerPool({ maxShared: 1, graceMs: 100, stuckMs: 30_000 });
  const mailbox = new Mailbox();
  const stop = new AbortController();
  try {
    // Job s1's DataIO parses a big table in one synchronous stretch (the cancel cannot get in);
    // job s2 is queued behind it in the same (only) shared worker.
    const stuck = pool.run(bigDataIO('s1'), hooks(mailbox, 's1', host, stop.signal, true));
    const other = job(pool, mailbox, 's2', new AbortController().signal, true);
    assert.is(pool.size, 1);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = Date.now();
    stop.abort();
    await stuck.then(() => assert.unreachable('a stopped task must fail'), (error: Error) => assert.match(error.message, /^task stopped \(its worker ends once/));
    assert.ok(Date.now() - stopped < 500, `ended ${Date.now() - stopped} ms after the stop`);
    assert.equal(await other, [3, 3]);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(pool.size, 0, 'the worker ended once its other tasks were done');
  } finally {
    await pool.close();
  }
});

t('a stuck stopped task that holds a shared worker too long: the worker is terminated and the other job is told why', async () => {
  const pool = new WorkerPool({ maxShared: 1, graceMs: 100, stuckMs: 300 });
  const mailbox = new Mailbox();
  const stop = new AbortController();
  try {
    const stuck = pool.run(bigDataIO('s3'), hooks(mailbox, 's3', host, stop.signal, true));
    // Job s4's host waits for a guest that never comes: it never ends by itself.
    const waiting = pool.run(request('s4', host, hostTable), hooks(mailbox, 's4', host, new AbortController().signal, true));
    stop.abort();
    await stuck.catch(() => undefined);
    await waiting.then(() => assert.unreachable('it lost its worker'), (error: Error) => assert.is(error.message, WORKER_TERMINATED_FOR_ANOTHER_TASK));
    assert.is(pool.size, 0);
  } finally {
    await pool.close();
  }
});

t.run();
