// npm run bench:upload — upload throughput through the HTTP API against the practical limit.
// Generates a CSV of BENCH_ROWS rows (default 1,000,000) × (id + 30 floats), then in one run:
//   1. a plain Node loop that only reads the file and splits each line at its first comma;
//   2. a real node (child process, embedded store) loading it via POST /v1/data/upload;
// and prints rows/s of both, their ratio and the node's peak RSS. Ratios, not absolute times,
// are what to compare across runs: these machines are shared and noisy.
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { post, tempDir, waitForJob } from '../test/support/http.js';
import { spawnNode } from '../test/support/nodeProcess.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = tempDir('bench-upload');
const file = join(dir, 'bench.csv');

async function generate(): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write('id,' + Array.from({ length: 30 }, (_, i) => `x${i}`).join(',') + '\n');
  let batch = '';
  for (let i = 0; i < ROWS; i++) {
    let line = String(i);
    for (let c = 0; c < 30; c++) line += ',' + (Math.random() * 4 - 2).toFixed(6);
    batch += line + '\n';
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
}

/** The limit: read + split into lines + split off the key, nothing stored. */
async function plainLoop(): Promise<number> {
  const started = performance.now();
  let rows = 0;
  let rest = '';
  let chars = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      const comma = line.indexOf(',');
      const key = line.slice(0, comma);
      const value = line.slice(comma + 1);
      chars += key.length + value.length;
      rows++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (chars === 0) throw new Error('nothing read');
  return (rows - 1) / ((performance.now() - started) / 1000);
}

function peakRssMb(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

/** The process's user + system CPU so far, seconds (/proc/<pid>/stat utime and stime, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function viaHttp(): Promise<{ rowsPerSecond: number; peakMb: number; seconds: number; cpu: number }> {
  const node = await spawnNode({ FEDFLOW_DATA_DIR: join(dir, 'node'), FEDFLOW_DATA_ROOTS: dir });
  try {
    const cpuBefore = cpuSeconds(node.child.pid!);
    const started = performance.now();
    const answer = await post(node.url, '/v1/data/upload', { file, head: 1, partition: 16, work_mode: 0, namespace: 'bench', table_name: 'rows' });
    if (answer.body.retcode !== 0) throw new Error(answer.body.retmsg);
    console.log(`  POST /v1/data/upload answered in ${(performance.now() - started).toFixed(0)} ms`);
    const row = await waitForJob(node.url, answer.body.jobId, 600_000, 10);
    const seconds = (performance.now() - started) / 1000;
    if (row.f_status !== 'success') throw new Error(`upload ${row.f_status}: ${row.f_reason}`);
    const info = await post(node.url, '/v1/table/table_info', { namespace: 'bench', table_name: 'rows' });
    if (info.body.data.count !== ROWS) throw new Error(`table has ${info.body.data.count} rows, expected ${ROWS}`);
    const task = (await post(node.url, '/v1/job/task/query', { job_id: answer.body.jobId })).body.data[0];
    console.log(
      `  server side: created→started ${row.f_start_time - row.f_create_time} ms, task ${task.f_elapsed} ms, ` +
        `started→job end ${row.f_end_time - row.f_start_time} ms`,
    );
    return { rowsPerSecond: ROWS / seconds, peakMb: peakRssMb(node.child.pid!), seconds, cpu: cpuSeconds(node.child.pid!) - cpuBefore };
  } finally {
    await node.kill('SIGTERM');
  }
}

try {
  await generate();
  console.log(`file: ${ROWS} rows x (id + 30 floats), ${(statSync(file).size / 1e6).toFixed(0)} MB`);
  const plain = await plainLoop();
  console.log(`plain read+split loop: ${Math.round(plain)} rows/s`);
  const http = await viaHttp();
  console.log(`upload via POST /v1/data/upload (JSON, server path): ${Math.round(http.rowsPerSecond)} rows/s (${http.seconds.toFixed(2)} s from request to job success)`);
  console.log(`ratio upload / plain loop: ${((http.rowsPerSecond / plain) * 100).toFixed(1)} %`);
  console.log(`node peak RSS (VmHWM): ${http.peakMb.toFixed(0)} MB; node CPU during the upload (user + system, all threads): ${http.cpu.toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
