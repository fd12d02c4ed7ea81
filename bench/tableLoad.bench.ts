// Upload throughput: a plain read-and-split loop vs runUploadTask on the same CSV, in one run.
// Targets: upload >= 300,000 rows/s, >= 30% of the plain loop's rows/s, peak RSS < 300 MB.
//
//   node .build/tables/bench/tableLoad.bench.js
// env: BENCH_ROWS (default 1,000,000), BENCH_SHUFFLE=1 (ids in random order),
//      BENCH_FILE=<csv> (use this file, head=1, instead of generating one; it is not deleted).
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUploadTask, type UploadWorkerStats } from '../src/components/upload/runUploadTask.js';
import { TableStore } from '../src/store/tables/tableStore.js';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const COLUMNS = 30;
const MiB = 1 << 20;

/** id + 30 random floats with 6 decimals; ids 0..n-1 in order, or shuffled. */
function generate(path: string, rows: number, shuffle: boolean): void {
  // A pool of formatted floats: toFixed for 30M values would dominate the run.
  const pool = Array.from({ length: 65536 }, () => (Math.random() * 2 - 1).toFixed(6));
  const ids = new Int32Array(rows);
  for (let i = 0; i < rows; i++) ids[i] = i;
  if (shuffle) {
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = ids[i]!;
      ids[i] = ids[j]!;
      ids[j] = t;
    }
  }
  const fd = openSync(path, 'w');
  try {
    let out = 'id,' + Array.from({ length: COLUMNS }, (_, i) => `x${i}`).join(',') + '\n';
    for (let i = 0; i < rows; i++) {
      let line = String(ids[i]);
      for (let c = 0; c < COLUMNS; c++) line += ',' + pool[(Math.random() * 65536) | 0];
      out += line + '\n';
      if (out.length > 4 * MiB) {
        writeSync(fd, out);
        out = '';
      }
    }
    writeSync(fd, out);
  } finally {
    closeSync(fd);
  }
}

/** The baseline: read, decode, split lines, split off the first column; nothing kept. */
async function plainReadSplit(path: string): Promise<{ rows: number; ms: number }> {
  const t0 = performance.now();
  let rows = 0;
  let rest = '';
  let sink = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB, encoding: 'utf8' }) as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      const line = text.slice(start, nl);
      start = nl + 1;
      const comma = line.indexOf(',');
      const key = line.slice(0, comma);
      const value = line.slice(comma + 1);
      sink += key.length + value.length;
      rows++;
    }
    rest = text.slice(start);
  }
  if (sink < 0) console.log(sink); // keeps the work observable
  return { rows: rows - 1, ms: performance.now() - t0 }; // minus the header line
}

/** Resets the kernel's peak-RSS counter (Linux); false when not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const maxRssMiB = (kib: number): string => (kib / 1024).toFixed(0);
const perSecond = (rows: number, ms: number): number => Math.round((rows / ms) * 1000);

/** Generation runs in its own thread, so that its garbage is gone before the upload is measured. */
function generateInWorker(path: string, rows: number, shuffle: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { path, rows, shuffle } });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generator exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fedflow-tableload-'));
  try {
    const shuffle = process.env.BENCH_SHUFFLE === '1';
    const file = process.env.BENCH_FILE ?? join(dir, 'rows.csv');
    if (!process.env.BENCH_FILE) {
      const t = performance.now();
      await generateInWorker(file, ROWS, shuffle);
      console.log(`generated: ${ROWS} rows, ${(statSync(file).size / MiB).toFixed(0)} MiB in ${Math.round(performance.now() - t)} ms${shuffle ? ' (shuffled ids)' : ''}`);
    }

    // The upload first: the plain loop's garbage would otherwise count in the upload's peak RSS.
    const peakReset = resetPeakRss();
    const tables = new TableStore(join(dir, 'tables'));
    const location = tables.newLocation();
    let stats: UploadWorkerStats | undefined;
    const t0 = performance.now();
    const result = await runUploadTask({ tablesDir: tables.dir, location, file, head: 1 }, { onWorkerStats: (s) => (stats = s) });
    const uploadMs = performance.now() - t0;
    const uploadRss = process.resourceUsage().maxRSS;
    const tableMiB = statSync(tables.pathOf(location)).size / MiB;
    tables.drop(location);

    const plain1 = await plainReadSplit(file);
    const plain2 = await plainReadSplit(file);
    const plainRate = Math.max(perSecond(plain1.rows, plain1.ms), perSecond(plain2.rows, plain2.ms));
    const uploadRate = perSecond(result.countUpload, uploadMs);

    console.log(`plain read+split: ${plainRate} rows/s (best of 2 runs: ${Math.round(plain1.ms)} ms, ${Math.round(plain2.ms)} ms)`);
    console.log(`upload: ${uploadRate} rows/s (${Math.round(uploadMs)} ms, countUpload ${result.countUpload}, countActual ${result.countActual}, table file ${tableMiB.toFixed(0)} MiB)`);
    console.log(`ratio upload/plain: ${(uploadRate / plainRate).toFixed(3)}`);
    console.log(`peak RSS during the upload (process: main + reader + writer threads): ${maxRssMiB(uploadRss)} MiB${peakReset ? '' : ' (peak counter could not be reset: includes the generation)'}`);
    if (stats) console.log(`writer at its end: process peak RSS ${maxRssMiB(stats.maxRssKiB)} MiB, writer V8 heap ${(stats.heapTotalBytes / MiB).toFixed(0)} MiB`);
    console.log(`peak RSS of this process, upload and plain loops: ${maxRssMiB(process.resourceUsage().maxRSS)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) await main();
else {
  const { path, rows, shuffle } = workerData as { path: string; rows: number; shuffle: boolean };
  generate(path, rows, shuffle);
}
