// npm run bench:scheduler — the standalone scheduler under load. A node (child process) holds the
// breast tables; BENCH_JOBS jobs (default 200) of 4 light components (DataIO → FeatureScale →
// Intersection raw → LocalBaseline, guest + host) are submitted in a closed loop that keeps
// `maxConcurrentJobs` of them in flight, so every job finds a free slot and submit→running is the
// scheduler's own latency (FATE-Flow ticks every 2 s and starts one job per tick). While they run,
// /v1/job/query is probed every 20 ms. Prints p50/p99 of submit→running, job wall time and query
// latency, and jobs completed per second.
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DATA } from '../test/support/fixtures.js';
import { post, tempDir, waitForJob } from '../test/support/http.js';
import { spawnNode } from '../test/support/nodeProcess.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 5);
const dir = tempDir('bench-scheduler');

const dsl = {
  components: {
    dataio_0: { module: 'DataIO', input: { data: { data: ['args.train_data'] } }, output: { data: ['train'], model: ['dataio'] } },
    feature_scale_0: { module: 'FeatureScale', input: { data: { data: ['dataio_0.train'] } }, output: { data: ['train'], model: ['scale'] } },
    intersection_0: { module: 'Intersection', input: { data: { data: ['feature_scale_0.train'] } }, output: { data: ['train'] } },
    local_baseline_0: { module: 'LocalBaseline', input: { data: { train_data: ['intersection_0.train'] } }, output: { data: ['train'], model: ['baseline'] } },
  },
};
const table = (name: string) => ({ args: { data: { train_data: [{ name, namespace: 'bench' }] } } });
const conf = {
  initiator: { role: 'guest', party_id: 9999 },
  job_parameters: { work_mode: 0 },
  role: { guest: [9999], host: [10000] },
  role_parameters: { guest: { ...table('guest'), dataio_0: { with_label: [true], label_name: ['y'] } }, host: { ...table('host'), dataio_0: { with_label: [false] } } },
};

/** CPU seconds (user + system) the node process has used, all threads or only the main one; Linux only. */
const cpuSeconds = (pid: number | undefined, mainThreadOnly = false): number | undefined => {
  try {
    const fields = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const fmt = (values: number[]): string => `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms (n=${values.length})`;

/** Sum of every sample of a metric (all label sets), or of one exact series when `name` has labels. */
function sum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const series = line.slice(0, line.lastIndexOf(' '));
    if (series === name || (!name.includes('{') && series.startsWith(`${name}{`))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
const scrape = async (url: string): Promise<string> => (await fetch(`${url}/metrics`)).text();

const node = await spawnNode({ FEDFLOW_DATA_DIR: join(dir, 'node'), FEDFLOW_DATA_ROOTS: dir, FEDFLOW_MAX_CONCURRENT_JOBS: String(IN_FLIGHT) });
try {
  for (const [file, name] of [['breast_hetero_guest.csv', 'guest'], ['breast_hetero_host.csv', 'host']] as const) {
    copyFileSync(join(FIXTURE_DATA, file), join(dir, file));
    const r = await post(node.url, '/v1/data/upload', { file, head: 1, partition: 4, work_mode: 0, namespace: 'bench', table_name: name });
    await waitForJob(node.url, r.body.jobId);
  }
  const submitToRunning: number[] = [];
  const wall: number[] = [];
  const queryLatency: number[] = [];
  let failed = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const t0 = performance.now();
      await post(node.url, '/v1/job/query', { status: 'running' });
      queryLatency.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let next = 0;
  let completed = 0;
  /** [jobs completed, node CPU seconds] every SEGMENT jobs: the first jobs pay for cold JITs in every worker. */
  const SEGMENT = 50;
  const cpuMarks: [number, number][] = [];
  const metricsBefore = await scrape(node.url);
  const cpuBefore = cpuSeconds(node.child.pid);
  const mainCpuBefore = cpuSeconds(node.child.pid, true);
  cpuMarks.push([0, cpuBefore ?? NaN]);
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < JOBS) {
      next++;
      const r = await post(node.url, '/v1/job/submit', { job_dsl: dsl, job_runtime_conf: conf });
      if (r.body.retcode !== 0) throw new Error(r.body.retmsg);
      const row = await waitForJob(node.url, r.body.jobId, 120_000);
      if (row.f_status !== 'success') {
        failed++;
        console.error(`job ${r.body.jobId} ${row.f_status}: ${row.f_reason}`);
      }
      if (++completed % SEGMENT === 0) cpuMarks.push([completed, cpuSeconds(node.child.pid) ?? NaN]);
      submitToRunning.push(row.f_start_time - row.f_create_time);
      wall.push(row.f_end_time - row.f_create_time);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(node.child.pid);
  const mainCpuAfter = cpuSeconds(node.child.pid, true);
  running = false;
  await probe;
  // /metrics scraped before and after the load: the counters an operator would alert on, moving.
  const metricsAfter = await scrape(node.url);
  const moved = (series: string) => sum(metricsAfter, series) - sum(metricsBefore, series);
  const appends = moved('fedflow_event_append_duration_seconds_count');
  console.log(
    `/metrics moved during the run: http requests +${moved('fedflow_http_requests_total')}, events appended +${moved('fedflow_events_appended_total')} ` +
    `in ${appends} appends (mean ${((1000 * moved('fedflow_event_append_duration_seconds_sum')) / Math.max(1, appends)).toFixed(2)} ms), ` +
    `tasks timed +${moved('fedflow_task_duration_seconds_count')}, jobs success +${moved('fedflow_jobs{status="success"}')}, ` +
    `events applied +${moved('fedflow_events_applied_total')}, projection lag now ${sum(metricsAfter, 'fedflow_projection_lag_events')}`,
  );
  console.log(`jobs: ${JOBS} x 4 components (guest + host), ${IN_FLIGHT} in flight, ${failed} not successful`);
  console.log(`submit -> running (f_start_time - f_create_time): ${fmt(submitToRunning)}`);
  console.log(`job wall time (f_end_time - f_create_time): ${fmt(wall)}`);
  console.log(`jobs completed per second: ${(JOBS / seconds).toFixed(1)} (${seconds.toFixed(1)} s in all)`);
  console.log(`/v1/job/query latency while jobs run: ${fmt(queryLatency)}`);
  // The machine may be shared: CPU per job is steadier than jobs/s when other work competes.
  if (cpuBefore !== undefined && cpuAfter !== undefined) {
    console.log(`node CPU per job (all threads): ${((1000 * (cpuAfter - cpuBefore)) / JOBS).toFixed(0)} ms (${(cpuAfter - cpuBefore).toFixed(1)} s in all)`);
    if (mainCpuBefore !== undefined && mainCpuAfter !== undefined) {
      console.log(`  of which the main thread (HTTP, events, views, scheduling): ${((1000 * (mainCpuAfter - mainCpuBefore)) / JOBS).toFixed(0)} ms`);
    }
    const perSegment = cpuMarks.slice(1).map(([n, cpu], i) => `${n}: ${((1000 * (cpu - cpuMarks[i]![1])) / (n - cpuMarks[i]![0])).toFixed(0)}`);
    console.log(`node CPU per job by ${SEGMENT} jobs completed, ms: ${perSegment.join(', ')}`);
  }
} finally {
  await node.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
