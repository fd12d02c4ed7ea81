// npm run bench:scale — big tables (issue 17): a vertical synthetic data set of BENCH_ROWS ids
// (default 1,000,000) through a standalone node in a child process, as a user runs it:
//   upload guest (id,y + 10 features) and host (id + 20 features), then one job
//   DataIO → Intersection (raw) → FeatureScale → HeteroLR (plaintext, 5 iterations, batch 100,000) → Evaluation
// printing each stage's time (the task's own elapsed time from the task view), the job's wall time,
// the node's peak RSS (VmHWM of the child), the AUC, and in the same run the embedded columnar engine's
// (DuckDB) plain join of the same two CSV files: the practical floor of the intersection.
//
// The data: guest ids 0..n-1 in order, host ids n/10..n+n/10-1 shuffled (90 % overlap); every feature a
// deterministic hash of (id, column) on a 1/1000 grid in [-1, 1]; y = 1 when a fixed linear score of all
// 30 features plus noise is > 0, so the label is learnable only from both parties together.
//
// env: BENCH_ROWS (default 1,000,000), BENCH_KEEP=1 keeps the temporary directory,
//      BENCH_DATA_DIR=<dir> keeps the generated CSV files there (scale_{guest,host}_<rows>.csv) and reuses
//        them in later runs (10M rows take minutes to generate; the files are the same every time),
//      BENCH_HUGEPAGES=0 runs the node without GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (said in the output),
//      BENCH_UPLOADS=concurrent uploads both tables at once (said in the output; default: one after the other),
//      BENCH_FLOOR=0 skips the DuckDB floor (it reads both files again: ~50 s at 10M rows),
//      FEDFLOW_NODE_ARGS (extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
//      FEDFLOW_NODE_STDOUT=<file> keeps the child's stdout there (e.g. its `--trace-gc` lines),
//      BENCH_LR=validate|cv|sqn (or several: cv,sqn) runs HeteroLR with validate data, cross-validation or sqn
//        (scaleLRMode.ts; prints a digest of HeteroLR's metrics to compare builds),
//      BENCH_DATAIO_FILL=min|max|mean|designated gives both parties' DataIO a missing fill (missing_fill,
//        missing_fill_method; the data has no missing cell: the fit's passes are what is measured; said in the output),
//      BENCH_RSS_TRACE=<file> writes the child's VmRSS / CPU samples (every 50 ms) and each stage's window
//        (also when the job fails or the node dies).
// If the node dies, the bench says how (exit code or signal) and prints the tail of its stderr and log.
// Per stage it prints the node's CPU seconds (all threads) in the stage's window and its peak VmRSS there;
// the uploads' CPU seconds likewise (steadier than their wall time on a shared machine).
//
// Baseline (today's code before issue 17, commit 8f6ccdb, BENCH_ROWS=1000000, 2 shared cores):
//   see README "Big tables" — figures recorded there from this bench.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { post, tempDir, waitForJob } from '../test/support/http.js';
import { spawnNode, type NodeProcess } from '../test/support/nodeProcess.js';
import { lrMode, withLRMode } from './scaleLRMode.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
/**
 * BENCH_UPLOADS=concurrent uploads the two parties' tables at the same time (each party uploads on
 * its own node in a real federation, so neither waits for the other); the default uploads them one
 * after the other, as the figures before stop 16 were taken. The output says which.
 */
const CONCURRENT_UPLOADS = process.env.BENCH_UPLOADS === 'concurrent';
/**
 * The node runs with glibc's malloc on transparent huge pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`,
 * as deploy/Dockerfile sets for a node): a million-row table's typed columns and buffers are fresh
 * memory, which this VM faults in at ~20-25 µs a 4 KiB page. BENCH_HUGEPAGES=0 runs it without (the
 * figures before stop 16 were). The output says which.
 */
const HUGE_PAGES = process.env.BENCH_HUGEPAGES === '0' ? undefined : 'glibc.malloc.hugetlb=1';
const GUEST_FEATURES = 10;
const HOST_FEATURES = 20;
const dir = tempDir('bench-scale');
const dataDir = process.env.BENCH_DATA_DIR || dir;
mkdirSync(dataDir, { recursive: true });
const guestFile = join(dataDir, `scale_guest_${ROWS}.csv`);
const hostFile = join(dataDir, `scale_host_${ROWS}.csv`);

/** A 32-bit integer hash of (id, column): the synthetic feature values without storing them. */
function hash(id: number, column: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(column + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
/** Feature j of id as an integer k in [-1000, 1000]; the value is k / 1000. */
const grid = (id: number, column: number): number => (hash(id, column) % 2001) - 1000;
const formatted = Array.from({ length: 2001 }, (_, k) => String((k - 1000) / 1000));
const weights = Array.from({ length: GUEST_FEATURES + HOST_FEATURES }, (_, j) => ((j * 7) % 11) / 5 - 1);

function label(id: number): number {
  let score = 0;
  for (let j = 0; j < GUEST_FEATURES + HOST_FEATURES; j++) score += weights[j]! * grid(id, j);
  score += ((hash(id, 99) % 2001) - 1000) * 1.5; // noise: the AUC stays below 1
  return score > 0 ? 1 : 0;
}

/** Writes to `path`.tmp and renames it when complete, so a file found in BENCH_DATA_DIR is whole. */
async function writeLines(path: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(`${path}.tmp`, { highWaterMark: 1 << 20 });
  let batch = header + '\n';
  for (let i = 0; i < count; i++) {
    batch += line(i) + '\n';
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  renameSync(`${path}.tmp`, path);
}

async function generate(): Promise<boolean> {
  if (existsSync(guestFile) && existsSync(hostFile)) return false;
  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, j) => `${prefix}${j}`).join(',');
  await writeLines(guestFile, `id,y,${names('x', GUEST_FEATURES)}`, ROWS, (id) => {
    let line = `${id},${label(id)}`;
    for (let j = 0; j < GUEST_FEATURES; j++) line += ',' + formatted[grid(id, j) + 1000];
    return line;
  });
  // Host ids: a deterministic shuffle (a multiplicative permutation modulo a prime > n) of n/10..n+n/10-1.
  const offset = Math.floor(ROWS / 10);
  const prime = nextPrime(ROWS);
  let k = 0;
  await writeLines(hostFile, `id,${names('x', HOST_FEATURES)}`, ROWS, () => {
    let p: number;
    do p = (k++ * 48271) % prime;
    while (p >= ROWS);
    const id = p + offset;
    let line = String(id);
    for (let j = 0; j < HOST_FEATURES; j++) line += ',' + formatted[grid(id, GUEST_FEATURES + j) + 1000];
    return line;
  });
  return true;
}

function nextPrime(n: number): number {
  const isPrime = (m: number) => {
    if (m < 2) return false;
    for (let d = 2; d * d <= m; d++) if (m % d === 0) return false;
    return true;
  };
  let m = n + 1;
  while (!isPrime(m)) m++;
  return m;
}

/** The floor: DuckDB reads both CSV files and joins them on id (count of matches). */
async function duckdbJoin(): Promise<{ ms: number; matches: number; quantileMs: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const started = performance.now();
    const reader = await connection.runAndReadAll(
      `SELECT count(*)::BIGINT AS n FROM read_csv('${guestFile}') g JOIN read_csv('${hostFile}') h ON g.id = h.id`,
    );
    const ms = performance.now() - started;
    const matches = Number(reader.getRows()[0]![0]);
    const q = performance.now();
    await connection.runAndReadAll(`SELECT quantile_cont(x0, [0.1, 0.25, 0.5, 0.75, 0.9]) FROM read_csv('${hostFile}')`);
    return { ms, matches, quantileMs: performance.now() - q };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const plainDsl = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'] } },
    feature_scale_0: { module: 'FeatureScale', input: { data: { data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['scale'] } },
    hetero_lr_0: { module: 'HeteroLR', input: { data: { train_data: ['feature_scale_0.train'] } }, output: { data: ['train'], model: ['hetero_lr'] } },
    evaluation_0: { module: 'Evaluation', input: { data: { data: ['hetero_lr_0.train'] } }, output: { data: ['evaluate'] } },
  },
};
const table = (name: string) => ({ args: { data: { train_data: [{ name, namespace: 'bench' }] } } });
const plainConf = {
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0 },
  role: { guest: [9999], host: [10000], arbiter: [10001] },
  role_parameters: {
    guest: {
      ...table('scale_guest'),
      dataio_0: { with_label: [true], label_name: ['y'], label_type: ['int'], output_format: ['dense'] },
      evaluation_0: { eval_type: ['binary'], pos_label: [1] },
    },
    host: { ...table('scale_host'), dataio_0: { with_label: [false], output_format: ['dense'] }, evaluation_0: { need_run: [false] } },
  },
  algorithm_parameters: {
    intersection_0: { intersect_method: 'raw' },
    feature_scale_0: { method: 'standard_scale' },
    hetero_lr_0: {
      penalty: 'L2', optimizer: 'rmsprop', alpha: 0.01, learning_rate: 0.15, max_iter: 5, early_stop: 'diff', tol: 0.0001,
      batch_size: 100_000, init_param: { init_method: 'zeros' }, encrypt_param: { method: null },
    },
  },
};

const LR_MODE = lrMode();
const DATAIO_FILL = process.env.BENCH_DATAIO_FILL;
const { dsl, conf } = withLRMode(LR_MODE, plainDsl, DATAIO_FILL ? withDataIOFill(plainConf, DATAIO_FILL) : plainConf);

/** The conf with a missing fill in both parties' DataIO (BENCH_DATAIO_FILL). */
function withDataIOFill(base: typeof plainConf, method: string): typeof plainConf {
  const fill = { missing_fill: [true], missing_fill_method: [method] };
  const { guest, host } = base.role_parameters;
  return { ...base, role_parameters: { guest: { ...guest, dataio_0: { ...guest.dataio_0, ...fill } }, host: { ...host, dataio_0: { ...host.dataio_0, ...fill } } } };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** CPU seconds (user + system, all threads) the node process has used: steadier than wall time on a shared machine. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const peakRssMb = (pid: number): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
/** VmRSS and CPU seconds of the child every 50 ms (wall-clock ms, MB, s): where the peak and the CPU fall by stage. */
function sampleRss(pid: number): { samples: [number, number, number][]; stop: () => void } {
  const samples: [number, number, number][] = [];
  const timer = setInterval(() => {
    try {
      samples.push([Date.now(), rssMb(pid), cpuSeconds(pid)]);
    } catch {
      /* the child has exited */
    }
  }, 50);
  return { samples, stop: () => clearInterval(timer) };
}
const peakBetween = (samples: readonly [number, number, number][], from: number, to: number): number =>
  samples.reduce((m, [t, v]) => (t >= from && t <= to && v > m ? v : m), 0);
/** The node's CPU seconds (all threads) between two times: steadier than a stage's wall time under load. */
const cpuBetween = (samples: readonly [number, number, number][], from: number, to: number): number => {
  const inside = samples.filter(([t]) => t >= from && t <= to);
  return inside.length < 2 ? NaN : inside[inside.length - 1]![2] - inside[0]![2];
};

/** The last `n` lines of a file, or '' when it does not exist. */
const tailOf = (file: string, n: number): string =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-n - 1).join('\n') : '';

/**
 * `work` raced against the node's death: if the node exits first, the error says how (its exit
 * code or signal) and carries the tail of its stderr and of its log, instead of a bare refused connection.
 */
async function whileAlive<T>(node: NodeProcess, logFile: string, work: Promise<T>): Promise<T> {
  const death = async (): Promise<never> => {
    const { code, signal } = await node.exited;
    const stderr = node.stderrTail().trim();
    const log = tailOf(logFile, 20).trim();
    throw new Error(`the node exited (code ${code}, signal ${signal})\n--- node stderr (tail) ---\n${stderr || '(empty)'}\n--- node log (tail) ---\n${log || '(empty)'}`);
  };
  try {
    return await Promise.race([work, death()]);
  } catch (error) {
    // A request cut by the node's death (ECONNRESET, ECONNREFUSED) fails before the exit is seen
    // (a process of GBs takes a while to go): when the node is gone within 5 s, its exit is the
    // error to show.
    const gone = await Promise.race([node.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
    if (gone) return death();
    throw error;
  }
}

/**
 * waitForJob that survives a failed poll. Two 10M-row runs ended with `read ECONNRESET` on a status
 * poll (at HeteroLR's end, the node's main thread busy with big payloads; node 20's global agent
 * reuses keep-alive sockets), and the bench's `finally` then stopped the node, which looked like
 * the node dying silently. A failed poll is retried while the node lives (whileAlive reports a
 * real death with its exit code or signal).
 */
async function pollJob(url: string, jobId: string, timeoutMs: number, pollMs: number): Promise<Record<string, any>> {
  for (let failures = 0; ; ) {
    try {
      return await waitForJob(url, jobId, timeoutMs, pollMs);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(code ?? '') || ++failures > 20) throw error;
      console.log(`  (a status poll failed with ${code}; retrying)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const stages: string[] = [];
let uploadsMs = 0;
let rss: ReturnType<typeof sampleRss> | undefined;
try {
  const g0 = performance.now();
  const generated = await generate();
  const mb = (f: string) => (statSync(f).size / 1e6).toFixed(0);
  console.log(`scale bench: ${ROWS} rows, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 shared cores: figures are noisy)${LR_MODE ? `; HeteroLR with BENCH_LR=${LR_MODE}` : ''}${CONCURRENT_UPLOADS ? '; uploads CONCURRENT' : ''}${DATAIO_FILL ? `; DataIO missing_fill_method ${DATAIO_FILL}` : ''}; node ${HUGE_PAGES ? `GLIBC_TUNABLES=${HUGE_PAGES}` : 'without GLIBC_TUNABLES (BENCH_HUGEPAGES=0)'}`);
  console.log(`  ${generated ? 'generated' : 'reused'} guest ${mb(guestFile)} MB, host ${mb(hostFile)} MB in ${s(performance.now() - g0)}`);

  if (process.env.BENCH_FLOOR !== '0') {
    const duck = await duckdbJoin();
    console.log(`  floor: DuckDB join of the two CSV files ${s(duck.ms)} (${duck.matches} matches); quantiles of one column ${s(duck.quantileMs)}`);
  }

  // The node's log (warnings and errors: a task worker's death, a failed task) goes to a file the bench can show.
  const logFile = join(dir, 'node.log');
  const node = await spawnNode({
    FEDFLOW_DATA_DIR: join(dir, 'node'), FEDFLOW_DATA_ROOTS: dataDir, FEDFLOW_LOG_LEVEL: 'warn', FEDFLOW_TEST_LOG_FILE: logFile,
    ...(HUGE_PAGES ? { GLIBC_TUNABLES: HUGE_PAGES } : {}),
  });
  const alive = <T>(work: Promise<T>) => whileAlive(node, logFile, work);
  try {
    const started = performance.now();
    rss = sampleRss(node.child.pid!);
    const cpuBeforeUploads = cpuSeconds(node.child.pid!);
    const upload = async (file: string, name: string): Promise<void> => {
      const t = performance.now();
      const from = Date.now();
      const r = await alive(post(node.url, '/v1/data/upload', { file, head: 1, partition: 8, work_mode: 0, namespace: 'bench', table_name: name }));
      if (r.body.retcode !== 0) throw new Error(r.body.retmsg);
      const row = await alive(pollJob(node.url, r.body.jobId, 3600_000, 20));
      stages.push(`upload_${name} ${from} ${Date.now()}`);
      if (row.f_status !== 'success') throw new Error(`upload ${name}: ${row.f_reason}`);
      console.log(`  upload ${name.padEnd(22)} ${s(performance.now() - t)}   (RSS ≤ ${peakBetween(rss!.samples, from, Date.now()).toFixed(0)} MB)`);
    };
    if (CONCURRENT_UPLOADS) await Promise.all([upload(guestFile, 'scale_guest'), upload(hostFile, 'scale_host')]);
    else for (const [file, name] of [[guestFile, 'scale_guest'], [hostFile, 'scale_host']] as const) await upload(file, name);
    uploadsMs = performance.now() - started;
    const cpuBeforeJob = cpuSeconds(node.child.pid!);
    console.log(`  uploads: ${s(uploadsMs)} ${CONCURRENT_UPLOADS ? 'CONCURRENT (BENCH_UPLOADS=concurrent: both parties at once on this one node)' : 'one after the other'}; node CPU ${(cpuBeforeJob - cpuBeforeUploads).toFixed(1)} s (all threads)`);
    const jobStarted = performance.now();
    const submit = await alive(post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf }));
    if (submit.body.retcode !== 0) throw new Error(submit.body.retmsg);
    const jobId = submit.body.jobId as string;
    const row = await alive(pollJob(node.url, jobId, 4 * 3600_000, 50));
    const jobMs = performance.now() - jobStarted;
    const totalMs = performance.now() - started;
    const jobCpu = cpuSeconds(node.child.pid!) - cpuBeforeJob;
    const tasks = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
    for (const component of Object.keys(dsl.components)) {
      const mine = tasks.filter((t) => t.f_component_name === component && t.f_start_time);
      if (mine.length === 0) continue;
      const parts = mine.map((t) => `${t.f_role} ${s(Number(t.f_elapsed))}`).join(', ');
      const [from, to] = [Math.min(...mine.map((t) => Number(t.f_start_time))), Math.max(...mine.map((t) => Number(t.f_end_time) || Date.now()))];
      const cpu = cpuBetween(rss.samples, from, to).toFixed(1);
      console.log(`  ${component.padEnd(29)} ${s(Math.max(...mine.map((t) => Number(t.f_elapsed))))}   (${parts}; node CPU ${cpu} s, RSS ≤ ${peakBetween(rss.samples, from, to).toFixed(0)} MB)`);
      stages.push(`${component} ${from} ${to}`);
      // Each party's own window too (the gaps between stages are read from these).
      for (const t of mine) stages.push(`${component}:${t.f_role} ${Number(t.f_start_time)} ${Number(t.f_end_time) || Date.now()}`);
    }
    if (row.f_status !== 'success') {
      throw new Error(`job ${jobId}: ${row.f_status} ${row.f_reason ?? ''}\n--- node log (tail) ---\n${tailOf(logFile, 20)}`);
    }
    if (LR_MODE) {
      const lrMetrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'hetero_lr_0', role: 'guest', party_id: 9999 });
      console.log(`  HeteroLR's metrics (sha256)       ${createHash('sha256').update(JSON.stringify(lrMetrics.body.data ?? lrMetrics.body)).digest('hex').slice(0, 16)}   (${Object.keys(lrMetrics.body.data ?? {}).join(', ')})`);
    }
    const metrics = dsl.components.evaluation_0 ? await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' }) : undefined;
    const summary: Record<string, number> = metrics ? Object.fromEntries(metrics.body.data.train.hetero_lr_0.data as [string, number][]) : {};
    console.log(`  job wall time (submit → success)  ${s(jobMs)}   (node CPU time during the job ${jobCpu.toFixed(1)} s; load average now ${loadavg()[0]!.toFixed(1)})`);
    console.log(`  end to end (uploads + job)        ${s(totalMs)}${CONCURRENT_UPLOADS ? '   (uploads CONCURRENT)' : ''}`);
    console.log(`  node peak RSS (VmHWM)             ${peakRssMb(node.child.pid!).toFixed(0)} MB`);
    console.log(`  AUC                               ${Number(summary.auc).toFixed(6)}   (KS ${Number(summary.ks).toFixed(6)})`);
  } finally {
    rss?.stop();
    await node.kill('SIGTERM');
  }
} finally {
  // BENCH_RSS_TRACE=<file>: the samples (ms, MB, CPU s) and the stages' windows, for a closer look.
  if (process.env.BENCH_RSS_TRACE && rss) writeFileSync(process.env.BENCH_RSS_TRACE, [...stages, ...rss.samples.map((x) => x.join(' '))].join('\n'));
  if (process.env.BENCH_KEEP === '1') console.log(`  kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
