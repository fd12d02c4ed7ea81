// npm run bench:audit — the cost of the audit trail, in one run:
//   1. append throughput through the sqlite adapter with and without the hash chain (same
//      workload, alternated, best of 3 each): durable group commits through the writer thread,
//      and the in-thread path on an in-memory database (no fsync: the worst case for the chain's
//      relative cost, since hashing is then most of the work);
//   2. `fedflow audit verify` speed over a log of BENCH_AUDIT_EVENTS events (default 200,000).
// Goals: verify ≥ 200,000 events/s; appends with the chain ≤ 10 % slower.
import { mkdirSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/store/sqlite/sqliteEventStore.js';
import { nodeKeySigner } from '../src/store/audit/nodeKey.js';
import { verifyEventLog } from '../src/store/audit/verifyLog.js';
import { runInScope } from '../src/store/audit/auditScope.js';
import { tempDir } from '../test/support/http.js';

const VERIFY_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 200_000);
const APPENDS = Number(process.env.BENCH_AUDIT_APPENDS ?? 10_000);
const dir = tempDir('bench-audit');
let runs = 0;

/** A task-status-sized event: ids, a status, a time, a short reason. */
const event = (i: number) => ({ type: 'TaskStatusReported', data: { jobId: `202612061400000000${i % 100}`, taskId: `task_${i}`, role: 'guest', partyId: '9999', status: 'running', at: 1765000000000 + i, reason: null } });
const scope = { correlationId: 'bench-correlation', causationId: 'bench-cause', actor: { kind: 'node', process: 'job-scheduler' } } as const;

/** APPENDS appends of 2 events, 64 in flight at a time (group commit), durable. */
async function durable(hashChain: boolean): Promise<number> {
  const dataDir = join(dir, `run-${++runs}`);
  mkdirSync(dataDir, { recursive: true });
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'), { hashChain, ...(hashChain ? { signer: nodeKeySigner(dataDir) } : {}), node: { partyId: '9999' } });
  const started = performance.now();
  await runInScope(scope, async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < APPENDS) {
        const i = next++;
        await store.appendToStream(`task-${i % 500}`, [event(2 * i), event(2 * i + 1)]);
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return (2 * APPENDS) / seconds;
}

/** The same appends one by one on this thread, in-memory database: CPU only. */
async function inThread(hashChain: boolean): Promise<number> {
  const store = SqliteEventStore.open(':memory:', { hashChain, node: { partyId: '9999' } });
  const started = performance.now();
  runInScope(scope, () => {
    for (let i = 0; i < APPENDS; i++) store.appendToStreamSync(`task-${i % 500}`, [event(2 * i), event(2 * i + 1)]);
  });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return (2 * APPENDS) / seconds;
}

async function bestOf(n: number, f: () => Promise<number>): Promise<number> {
  let best = 0;
  for (let i = 0; i < n; i++) best = Math.max(best, await f());
  return best;
}

async function compare(name: string, f: (hashChain: boolean) => Promise<number>): Promise<void> {
  let without = 0;
  let withChain = 0;
  // Alternated so that machine noise hits both alike.
  for (let i = 0; i < 3; i++) {
    without = Math.max(without, await f(false));
    withChain = Math.max(withChain, await f(true));
  }
  const slower = (1 - withChain / without) * 100;
  console.log(`${name.padEnd(44)} without chain ${Math.round(without).toLocaleString('en').padStart(9)} ev/s   with chain ${Math.round(withChain).toLocaleString('en').padStart(9)} ev/s   ${slower >= 0 ? `${slower.toFixed(1)} % slower` : `${(-slower).toFixed(1)} % faster (noise)`}`);
}

async function verifySpeed(): Promise<void> {
  const dataDir = join(dir, 'verify');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  const store = SqliteEventStore.open(file, { signer: nodeKeySigner(dataDir), node: { partyId: '9999' } });
  await runInScope(scope, async () => {
    for (let i = 0; i < VERIFY_EVENTS; i += 1000) {
      await store.appendToStream(`task-${(i / 1000) % 50}`, Array.from({ length: Math.min(1000, VERIFY_EVENTS - i) }, (_, k) => event(i + k)));
    }
  });
  await store.close();
  const best = await bestOf(3, async () => {
    const report = verifyEventLog(file);
    if (!report.ok) throw new Error(`bench log does not verify: ${JSON.stringify(report.firstBroken)}`);
    return report.events / (report.ms / 1000);
  });
  // Baseline from the same run: only reading the rows, nothing hashed.
  const readOnly = await bestOf(3, async () => {
    const db = new Database(file, { readonly: true });
    const started = performance.now();
    let n = 0;
    for (const _row of db.prepare('SELECT position, stream_id, revision, event_id, type, data, metadata, created, hash FROM events ORDER BY position').raw().iterate()) n++;
    const seconds = (performance.now() - started) / 1000;
    db.close();
    return n / seconds;
  });
  console.log(`${'read the rows only (baseline, no hashing)'.padEnd(44)} ${VERIFY_EVENTS.toLocaleString('en')} events: ${Math.round(readOnly).toLocaleString('en')} events/s`);
  const goal = 200_000;
  console.log(`${'audit verify (re-hash + checkpoints)'.padEnd(44)} ${VERIFY_EVENTS.toLocaleString('en')} events: ${Math.round(best).toLocaleString('en')} events/s (goal ≥ ${goal.toLocaleString('en')}: ${best >= goal ? 'met' : 'NOT met'})`);
}

try {
  console.log(`bench:audit — ${APPENDS.toLocaleString('en')} appends of 2 events per run, best of 3 each, alternated`);
  await compare('durable appends (writer thread, group commit)', durable);
  await compare('in-thread appends (in-memory db, no fsync)', inThread);
  await verifySpeed();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
