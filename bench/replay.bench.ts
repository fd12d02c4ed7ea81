// npm run bench:replay — `fedflow events export` and `fedflow replay` over a log of
// BENCH_REPLAY_EVENTS events (default 100,000), next to `audit verify` over the same log in the
// same run (the baseline: reading and re-hashing every row, which both also do). Memory: the
// largest RSS growth seen while exporting and replaying, sampled every 20 ms, for the log and for
// a log four times smaller (flat memory means both are alike).
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/store/sqlite/sqliteEventStore.js';
import { nodeKeySigner } from '../src/store/audit/nodeKey.js';
import { verifyEventLog } from '../src/store/audit/verifyLog.js';
import { exportEventLog } from '../src/store/audit/exportLog.js';
import { replayExport } from '../src/store/audit/replayLog.js';
import { runInScope } from '../src/store/audit/auditScope.js';
import { tempDir } from '../test/support/http.js';

const EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 100_000);
const dir = tempDir('bench-replay');
const scope = { correlationId: 'bench-correlation', causationId: 'bench-cause', actor: { kind: 'node', process: 'job-scheduler' } } as const;
const event = (i: number) => ({ type: 'BenchStep', data: { jobId: `202612061400000000${i % 100}`, taskId: `task_${i}`, role: 'guest', partyId: '9999', status: 'running', at: 1765000000000 + i, reason: null } });

async function writeLog(name: string, events: number): Promise<string> {
  const dataDir = join(dir, name);
  mkdirSync(dataDir, { recursive: true });
  const store = SqliteEventStore.open(join(dataDir, 'events.sqlite'), { signer: nodeKeySigner(dataDir), node: { partyId: '9999' } });
  await runInScope(scope, async () => {
    for (let i = 0; i < events; i += 1000) {
      await store.appendToStream(`job-${(i / 1000) % 50}`, Array.from({ length: Math.min(1000, events - i) }, (_, k) => event(i + k)));
    }
  });
  await store.close();
  return dataDir;
}

/** Runs f, sampling RSS; returns its seconds and the largest growth over the RSS before it (MiB). */
async function measured(f: () => Promise<void>): Promise<{ seconds: number; rssGrowthMiB: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    await f();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds: (performance.now() - started) / 1000, rssGrowthMiB: (peak - base) / 2 ** 20 };
}

async function exportTo(dataDir: string, file: string, selection = {}): Promise<void> {
  // As the CLI writes it: lines gathered into 64 KiB chunks.
  const out = createWriteStream(file);
  let chunk = '';
  await exportEventLog(join(dataDir, 'events.sqlite'), selection, async (line) => {
    chunk += line;
    if (chunk.length < 1 << 16) return;
    const full = chunk;
    chunk = '';
    if (!out.write(full)) await once(out, 'drain');
  });
  await new Promise<void>((resolve) => out.end(chunk, resolve));
}

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en').padStart(9)} events/s`;

async function run(events: number): Promise<void> {
  const dataDir = await writeLog(`log-${events}`, events);
  const verify = verifyEventLog(join(dataDir, 'events.sqlite'));
  if (!verify.ok) throw new Error('bench log does not verify');
  const file = join(dir, `export-${events}.jsonl`);
  const exported = await measured(() => exportTo(dataDir, file));
  const replayed = await measured(async () => {
    await replayExport(file, join(dir, `replay-${events}`));
  });
  const job = await measured(() => exportTo(dataDir, join(dir, `job-${events}.jsonl`), { jobId: '2026120614000000007' }));
  const mib = (x: number) => `${x.toFixed(0).padStart(4)} MiB RSS growth`;
  console.log(`${events.toLocaleString('en')} events, export ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
  console.log(`  audit verify (baseline: read + re-hash)   ${rate(events, verify.ms / 1000)}`);
  console.log(`  events export (whole log)                ${rate(events, exported.seconds)}   ${mib(exported.rssGrowthMiB)}`);
  console.log(`  events export -j (1 job in 100, 2 passes) ${rate(events, job.seconds)}   ${mib(job.rssGrowthMiB)}`);
  console.log(`  replay (check every line + write the log) ${rate(events, replayed.seconds)}   ${mib(replayed.rssGrowthMiB)}`);
}

try {
  console.log('bench:replay — export and replay next to audit verify, same run');
  await run(Math.max(1000, Math.round(EVENTS / 4)));
  await run(EVENTS);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
