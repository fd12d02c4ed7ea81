// npm run bench:audit — the cost of the audit trail, in one run:
//   1. append cost through the sqlite adapter, modes alternated over BENCH_AUDIT_ROUNDS rounds
//      (default 5), each mode's best wall rate and lowest CPU time per event (CPU is what the
//      chain costs; it is also steadier than wall time on a shared machine): the in-thread path on
//      an in-memory database (no fsync: the worst case for the chain's relative cost) without any
//      audit, with metadata, with metadata + chain; then durable group commits through the writer
//      thread with and without the chain;
//   2. `fedflow audit verify` speed over a log of BENCH_AUDIT_EVENTS events (default 200,000), on
//      one thread and as the command runs it (ranges on every core), next to only reading the rows.
// Goals: verify ≥ 200,000 events/s; appends with the chain ≤ 10 % slower.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/store/sqlite/sqliteEventStore.js';
import { nodeKeySigner } from '../src/store/audit/nodeKey.js';
import { verifyEventLog, verifyEventLogParallel } from '../src/store/audit/verifyLog.js';
import { availableParallelism } from 'node:os';
import { runInScope } from '../src/store/audit/auditScope.js';
import { tempDir } from '../test/support/http.js';
import { loadavg } from 'node:os';
import { appender } from '../src/store/sqlite/appendBatch.js';
import { openEventsDatabase } from '../src/store/sqlite/eventsDatabase.js';

const VERIFY_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 200_000);
const APPENDS = Number(process.env.BENCH_AUDIT_APPENDS ?? 10_000);
const dir = tempDir('bench-audit');
let runs = 0;

/** A task-status-sized event: ids, a status, a time, a short reason. */
const event = (i: number) => ({ type: 'TaskStatusReported', data: { jobId: `202612061400000000${i % 100}`, taskId: `task_${i}`, role: 'guest', partyId: '9999', status: 'running', at: 1765000000000 + i, reason: null } });
const scope = { correlationId: 'bench-correlation', causationId: 'bench-cause', actor: { kind: 'node', process: 'job-scheduler' } } as const;

/** What one run measured: wall-clock throughput and CPU time (all threads of the process) per event. */
interface Run {
  readonly eventsPerSecond: number;
  readonly cpuMicrosPerEvent: number;
  /** Bytes the process handed to write() per event (WAL frames, checkpoints into the db): durable runs on Linux only. */
  readonly bytesPerEvent?: number;
}

/**
 * Bytes written so far by every thread of this process (/proc/self/io `wchar`), or undefined where
 * there is no such file. Unlike wall time, it does not move with the machine's load: it shows what
 * the chain adds to every commit's WAL writes.
 */
function bytesWritten(): number | undefined {
  try {
    const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Times `f` (which appends `events` events) by the wall clock and by the process's CPU time. */
async function timed(events: number, f: () => Promise<void> | void): Promise<Run> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await f();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { eventsPerSecond: events / seconds, cpuMicrosPerEvent: (used.user + used.system) / events };
}

/** APPENDS appends of 2 events, 64 in flight at a time (group commit), durable. */
async function durable(hashChain: boolean): Promise<Run> {
  const dataDir = join(dir, `run-${++runs}`);
  mkdirSync(dataDir, { recursive: true });
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'), { hashChain, ...(hashChain ? { signer: nodeKeySigner(dataDir) } : {}), node: { partyId: '9999' } });
  const before = bytesWritten();
  const run = await timed(2 * APPENDS, () => runInScope(scope, async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < APPENDS) {
        const i = next++;
        await store.appendToStream(`task-${i % 500}`, [event(2 * i), event(2 * i + 1)]);
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
  }));
  const after = bytesWritten();
  await store.close();
  return before === undefined || after === undefined ? run : { ...run, bytesPerEvent: (after - before) / (2 * APPENDS) };
}

type Audit = 'bare' | 'metadata' | 'metadata + chain';

/**
 * The same appends one by one on this thread, in-memory database: CPU only. `bare` is the write
 * path without any audit (the adapter's own serialise + insert, metadata `{}`, no hash): the
 * baseline for what the metadata and the chain cost together.
 */
async function inThread(audit: Audit): Promise<Run> {
  if (audit === 'bare') {
    const db = openEventsDatabase(':memory:');
    const { single } = appender(db, { hashChain: false });
    const bare = (i: number) => ({ type: event(i).type, data: JSON.stringify(event(i).data), metadata: '{}' });
    const run = await timed(2 * APPENDS, () => {
      for (let i = 0; i < APPENDS; i++) single([{ streamId: `task-${i % 500}`, expected: 'any', events: [bare(2 * i), bare(2 * i + 1)] }]);
    });
    db.close();
    return run;
  }
  const store = SqliteEventStore.open(':memory:', { hashChain: audit === 'metadata + chain', node: { partyId: '9999' } });
  const run = await timed(2 * APPENDS, () => runInScope(scope, () => {
    for (let i = 0; i < APPENDS; i++) store.appendToStreamSync(`task-${i % 500}`, [event(2 * i), event(2 * i + 1)]);
  }));
  await store.close();
  return run;
}

async function bestOf(n: number, f: () => Promise<number>): Promise<number> {
  let best = 0;
  for (let i = 0; i < n; i++) best = Math.max(best, await f());
  return best;
}

const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 5);
const rate = (n: number) => Math.round(n).toLocaleString('en').padStart(9);
const pct = (a: number, b: number) => {
  const slower = (a / b - 1) * 100;
  return slower >= 0 ? `+${slower.toFixed(1)} %` : `${slower.toFixed(1)} % (noise)`;
};

/** Each mode's best wall throughput and lowest CPU per event over ROUNDS rounds, modes alternated so noise hits all alike. */
async function rounds<M extends string>(modes: readonly M[], f: (mode: M) => Promise<Run>): Promise<Record<M, Run>> {
  const best = {} as Record<M, { eventsPerSecond: number; cpuMicrosPerEvent: number; bytesPerEvent?: number }>;
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of modes) {
      const run = await f(m);
      const b = (best[m] ??= { eventsPerSecond: 0, cpuMicrosPerEvent: Infinity });
      b.eventsPerSecond = Math.max(b.eventsPerSecond, run.eventsPerSecond);
      b.cpuMicrosPerEvent = Math.min(b.cpuMicrosPerEvent, run.cpuMicrosPerEvent);
      if (run.bytesPerEvent !== undefined) b.bytesPerEvent = Math.min(b.bytesPerEvent ?? Infinity, run.bytesPerEvent);
    }
  }
  return best;
}

function line(name: string, r: Run, baseline?: Run): void {
  const vs = baseline ? `   CPU ${pct(r.cpuMicrosPerEvent, baseline.cpuMicrosPerEvent).padStart(8)}, wall ${pct(baseline.eventsPerSecond, r.eventsPerSecond).padStart(8)}` : '   (baseline)';
  console.log(`  ${name.padEnd(34)} ${rate(r.eventsPerSecond)} ev/s  ${r.cpuMicrosPerEvent.toFixed(2).padStart(6)} µs CPU/event${vs}`);
}

async function compareAppends(): Promise<void> {
  const goal = 10;
  console.log('in-thread appends (in-memory db, no fsync: the chain\'s worst case, CPU only)');
  const t = await rounds(['bare', 'metadata', 'metadata + chain'] as const, inThread);
  line('no audit (bare write path)', t.bare);
  line('metadata only', t.metadata, t.bare);
  line('metadata + hash chain', t['metadata + chain'], t.metadata);
  const chainCost = (t['metadata + chain'].cpuMicrosPerEvent / t.metadata.cpuMicrosPerEvent - 1) * 100;
  const auditCost = (t['metadata + chain'].cpuMicrosPerEvent / t.bare.cpuMicrosPerEvent - 1) * 100;
  console.log(`  → hash chain: +${chainCost.toFixed(1)} % CPU per append (goal ≤ ${goal} %: ${chainCost <= goal ? 'met' : 'NOT met'}); chain + metadata vs no audit: +${auditCost.toFixed(1)} % (${auditCost <= goal ? 'met' : 'NOT met'})`);
  console.log('durable appends (writer thread, group commit, fsync: what a node does)');
  const d = await rounds([false, true].map((c) => (c ? 'chain' : 'none')) as ('none' | 'chain')[], (m) => durable(m === 'chain'));
  line('metadata, no chain', d.none);
  line('metadata + hash chain', d.chain, d.none);
  const slower = (d.none.eventsPerSecond / d.chain.eventsPerSecond - 1) * 100;
  console.log(`  → hash chain: ${slower >= 0 ? '+' : ''}${slower.toFixed(1)} % wall time per append (goal ≤ ${goal} %: ${slower <= goal ? 'met' : 'NOT met'})`);
  if (d.none.bytesPerEvent !== undefined && d.chain.bytesPerEvent !== undefined) {
    const extra = d.chain.bytesPerEvent - d.none.bytesPerEvent;
    console.log(`  → bytes written per event (fewest of the rounds): ${Math.round(d.none.bytesPerEvent)} without the chain, ${Math.round(d.chain.bytesPerEvent)} with it (${extra >= 0 ? '+' : ''}${Math.round(extra)}, ${pct(d.chain.bytesPerEvent, d.none.bytesPerEvent)})`);
  }
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
  const oneThread = await bestOf(3, async () => {
    const report = verifyEventLog(file);
    if (!report.ok) throw new Error(`bench log does not verify: ${JSON.stringify(report.firstBroken)}`);
    return report.events / (report.ms / 1000);
  });
  // What `fedflow audit verify` runs: ranges of the log re-hashed on every core.
  const best = await bestOf(3, async () => {
    const report = await verifyEventLogParallel(file);
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
  console.log(`${'verify on one thread'.padEnd(44)} ${VERIFY_EVENTS.toLocaleString('en')} events: ${Math.round(oneThread).toLocaleString('en')} events/s`);
  console.log(`${`audit verify (${availableParallelism()} threads, re-hash + checkpoints)`.padEnd(44)} ${VERIFY_EVENTS.toLocaleString('en')} events: ${Math.round(best).toLocaleString('en')} events/s (goal ≥ ${goal.toLocaleString('en')}: ${best >= goal ? 'met' : 'NOT met'})`);
}

try {
  console.log(`bench:audit — ${APPENDS.toLocaleString('en')} appends of 2 events per run, ${ROUNDS} rounds, modes alternated; best wall rate and lowest CPU per mode (load average ${loadavg()[0]!.toFixed(1)} at start)`);
  await compareAppends();
  await verifySpeed();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
