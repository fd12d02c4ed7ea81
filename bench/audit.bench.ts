// npm run bench:audit — the cost of the audit trail, in one run:
//   1. append cost through the sqlite adapter, the modes interleaved over BENCH_AUDIT_ROUNDS rounds
//      (default 9; each round runs its modes in the reverse order of the round before, so a load
//      that drifts over the run falls on every mode alike). Every repetition is printed, then each
//      mode's median; the chain's cost is the median of the rounds' own ratios (each round's two
//      runs sit next to each other in time, so they share the machine's load). Modes: the in-thread
//      path on an in-memory database (no fsync: the worst case for the chain's relative cost)
//      without any audit, with metadata, with metadata + chain; then durable group commits through
//      the writer thread with and without the chain — the goal's figure.
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

/** Untimed appends before each durable repetition's clock starts (BENCH_AUDIT_WARMUP, default 1,000). */
const WARMUP = Number(process.env.BENCH_AUDIT_WARMUP ?? 1_000);

/** `count` appends of 2 events to `prefix`-named streams, 64 in flight at a time (group commit). */
async function appendMany(store: SqliteEventStore, prefix: string, count: number): Promise<void> {
  await runInScope(scope, async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        await store.appendToStream(`${prefix}-${i % 500}`, [event(2 * i), event(2 * i + 1)]);
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
  });
}

/**
 * APPENDS appends of 2 events, durable, timed once the writer thread is up and warm: a node's
 * writer runs for as long as the node, so its start (a new thread loading its modules: 90–240 ms,
 * a tenth to a quarter of a repetition) and the first thousand appends through code the JIT has not
 * optimised yet are not what an append costs. Timing them added the same start-up to both modes,
 * which made the chain's share look smaller, and their spread to both.
 */
async function durable(hashChain: boolean): Promise<Run> {
  const dataDir = join(dir, `run-${++runs}`);
  mkdirSync(dataDir, { recursive: true });
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'), { hashChain, ...(hashChain ? { signer: nodeKeySigner(dataDir) } : {}), node: { partyId: '9999' } });
  await appendMany(store, 'warmup', WARMUP);
  const before = bytesWritten();
  const run = await timed(2 * APPENDS, () => appendMany(store, 'task', APPENDS));
  const after = bytesWritten();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
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

const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 9);
const rate = (n: number) => Math.round(n).toLocaleString('en').padStart(9);
/** How much slower `a` is than `b`, as a percentage (negative: faster, i.e. noise). */
const slowdown = (a: number, b: number) => (a / b - 1) * 100;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
const pct = (a: number, b: number) => {
  const slower = slowdown(a, b);
  return slower >= 0 ? `+${slower.toFixed(1)} %` : `${slower.toFixed(1)} % (noise)`;
};
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Every mode once per round, the order reversed from one round to the next (A B, B A, …), so a
 * load that rises or falls during the run weighs on every mode alike. Returns each mode's runs in
 * round order.
 */
async function rounds<M extends string>(modes: readonly M[], f: (mode: M) => Promise<Run>): Promise<Record<M, Run[]>> {
  const runsOf = Object.fromEntries(modes.map((m) => [m, [] as Run[]])) as Record<M, Run[]>;
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of r % 2 ? [...modes].reverse() : modes) runsOf[m].push(await f(m));
  }
  return runsOf;
}

/** A mode's median figures over its runs. */
function medianRun(runs: readonly Run[]): Run {
  const bytes = runs.map((r) => r.bytesPerEvent).filter((b): b is number => b !== undefined);
  return {
    eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
    cpuMicrosPerEvent: median(runs.map((r) => r.cpuMicrosPerEvent)),
    ...(bytes.length === runs.length ? { bytesPerEvent: median(bytes) } : {}),
  };
}

function line(name: string, r: Run, baseline?: Run): void {
  const vs = baseline ? `   CPU ${pct(r.cpuMicrosPerEvent, baseline.cpuMicrosPerEvent).padStart(8)}, wall ${pct(baseline.eventsPerSecond, r.eventsPerSecond).padStart(8)}` : '   (baseline)';
  console.log(`  ${name.padEnd(34)} ${rate(r.eventsPerSecond)} ev/s  ${r.cpuMicrosPerEvent.toFixed(2).padStart(6)} µs CPU/event${vs}`);
}

/** One repetition, as printed under its round. */
const cell = (r: Run) => `${rate(r.eventsPerSecond)} ev/s ${r.cpuMicrosPerEvent.toFixed(1).padStart(5)} µs CPU${r.bytesPerEvent !== undefined ? ` ${Math.round(r.bytesPerEvent).toLocaleString('en').padStart(6)} B` : ''}`;

async function compareAppends(): Promise<void> {
  const goal = 10;
  console.log(`in-thread appends (in-memory db, no fsync: the chain's worst case, CPU only); medians of ${ROUNDS} rounds`);
  const t = await rounds(['bare', 'metadata', 'metadata + chain'] as const, inThread);
  const [bare, metadata, chained] = [medianRun(t.bare), medianRun(t.metadata), medianRun(t['metadata + chain'])];
  line('no audit (bare write path)', bare);
  line('metadata only', metadata, bare);
  line('metadata + hash chain', chained, metadata);
  const chainCost = slowdown(chained.cpuMicrosPerEvent, metadata.cpuMicrosPerEvent);
  const auditCost = slowdown(chained.cpuMicrosPerEvent, bare.cpuMicrosPerEvent);
  console.log(`  → hash chain: ${signed(chainCost)} CPU per append (goal ≤ ${goal} %: ${chainCost <= goal ? 'met' : 'NOT met'}); chain + metadata vs no audit: ${signed(auditCost)} (${auditCost <= goal ? 'met' : 'NOT met'})`);
  console.log(`durable appends (writer thread, group commit, fsync: what a node does); per repetition ${APPENDS.toLocaleString('en')} appends timed after ${WARMUP.toLocaleString('en')} untimed ones`);
  const d = await rounds(['none', 'chain'] as const, (m) => durable(m === 'chain'));
  // Each round's own cost of the chain: its two runs were next to each other in time.
  const wallCosts = d.none.map((none, r) => slowdown(none.eventsPerSecond, d.chain[r]!.eventsPerSecond));
  const cpuCosts = d.none.map((none, r) => slowdown(d.chain[r]!.cpuMicrosPerEvent, none.cpuMicrosPerEvent));
  for (let r = 0; r < ROUNDS; r++) {
    console.log(`  round ${String(r + 1).padStart(2)}${r % 2 ? ' (chain first)' : '              '}  no chain ${cell(d.none[r]!)} | chain ${cell(d.chain[r]!)} | wall ${signed(wallCosts[r]!).padStart(8)}, CPU ${signed(cpuCosts[r]!).padStart(8)}`);
  }
  const [none, chain] = [medianRun(d.none), medianRun(d.chain)];
  line('metadata, no chain (median)', none);
  line('metadata + hash chain (median)', chain, none);
  const slower = median(wallCosts);
  console.log(`  → hash chain: ${signed(slower)} wall time per append, median of the ${ROUNDS} rounds' own figures (goal ≤ ${goal} %: ${slower <= goal ? 'met' : 'NOT met'}); ratio of the medians ${signed(slowdown(none.eventsPerSecond, chain.eventsPerSecond))}; CPU ${signed(median(cpuCosts))} (${median(d.none.map((n, r) => d.chain[r]!.cpuMicrosPerEvent - n.cpuMicrosPerEvent)).toFixed(1)} µs per event, median of the rounds); rounds within the goal: ${wallCosts.filter((c) => c <= goal).length} of ${ROUNDS}`);
  if (none.bytesPerEvent !== undefined && chain.bytesPerEvent !== undefined) {
    const extra = chain.bytesPerEvent - none.bytesPerEvent;
    console.log(`  → bytes written per event (median): ${Math.round(none.bytesPerEvent)} without the chain, ${Math.round(chain.bytesPerEvent)} with it (${extra >= 0 ? '+' : ''}${Math.round(extra)}, ${pct(chain.bytesPerEvent, none.bytesPerEvent)})`);
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
  console.log(`bench:audit — ${APPENDS.toLocaleString('en')} appends of 2 events per run, ${ROUNDS} rounds, modes interleaved (order reversed every round); every repetition and the medians (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start)`);
  await compareAppends();
  await verifySpeed();
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
