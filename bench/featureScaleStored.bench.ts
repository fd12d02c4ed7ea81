// npm run bench:scale-stored — FeatureScale on a big stored table (issue 17, stop 17): what the fit
// and the transform cost in time and memory when the table is read through the computing API a
// piece at a time (src/compute/), against the same table loaded whole first.
//
// A stored instances table of BENCH_ROWS rows (default 3,000,000) × 20 features (bench:columnar's
// synthetic grid values, keys in key order, the store's partitions) is written once in a temporary
// directory; then each way runs in a child process of its own (same cold heap for each), reads the
// table as the runtime hands a big stored table to a task (storedColumns.ts: values unread), runs
// FeatureScale with BENCH_PARAMS (default cap mode: standard_scale, feat_lower 0.05, feat_upper 0.95)
// and writes its output table as the task worker would (a partition at a time):
//   stored    today's code: statistics and cap mode's quantiles over the pieces, output mapped as written
//   loaded    today's code on the same table loaded whole first (the values read before the fit:
//             the path every table took in cap mode before this stop)
//   baseline  when BENCH_BASELINE names the dist/ of another build (e.g. main's): that build's code
//             on the stored table, as the runtime would hand it over
// (BENCH_WAYS=baseline,stored,… picks the ways and their order; a way may repeat) and prints each
// one's wall and CPU time (user + system, all threads), its peak RSS (the child's
// maxRSS: the table, the fit and the write) and the digests of the model and of the written
// output files: equal digests mean the same bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { grid } from './syntheticGrid.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
const WIDTH = 20;
const PARAMS: Record<string, unknown> = JSON.parse(process.env.BENCH_PARAMS ?? '{"method":"standard_scale","mode":"cap","feat_upper":0.95,"feat_lower":0.05}');
const BASELINE = process.env.BENCH_BASELINE;
const DIST = fileURLToPath(new URL('..', import.meta.url));

type Way = 'stored' | 'loaded' | 'baseline';

/** One way's run, in this (child) process: prints its figures as one JSON line. */
async function child(way: Way, dir: string): Promise<void> {
  const root = way === 'baseline' ? BASELINE! : DIST;
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const { storedColumns } = await load('src/store/tables/storedColumns.js');
  const { writeColumnarColumns } = await load('src/store/tables/columnarTable.js');
  const { columnarTable } = await load('src/components/columns.js');
  const { featureScale } = await load('src/components/featureScale/featureScale.js');
  const { InProcessJob, componentInput } = await load('test/support/inProcessFederation.js');
  const header = Array.from({ length: WIDTH }, (_, c) => `x${c}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const columns = storedColumns(join(dir, 'input.arrow'));
  if (way === 'loaded') void columns.features;
  const ctx = new InProcessJob().context({ role: 'host', partyId: '10000' });
  const data = columnarTable({ header, sid_name: 'id' }, columns);
  const out = await featureScale(componentInput({ module: 'FeatureScale', role: 'host', params: PARAMS, data: { data } }), ctx);
  const outDir = join(dir, `out-${way}.arrow`);
  writeColumnarColumns(outDir, out.data.columns);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  const files = readdirSync(outDir).sort();
  const output = createHash('sha256');
  for (const f of files) output.update(f).update(readFileSync(join(outDir, f)));
  rmSync(outDir, { recursive: true, force: true });
  console.log(JSON.stringify({
    wall,
    cpu: (used.user + used.system) / 1e3,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    model: createHash('sha256').update(JSON.stringify(out.model)).digest('hex').slice(0, 16),
    output: output.digest('hex').slice(0, 16),
  }));
}

async function main(): Promise<void> {
  const { writeColumnarColumns } = await import('../src/store/tables/columnarTable.js');
  const dir = mkdtempSync(join(tmpdir(), 'fedflow-scale-stored-'));
  try {
    console.log(`scale-stored bench: ${ROWS} rows × ${WIDTH} features, params ${JSON.stringify(PARAMS)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 shared cores)`);
    {
      const keys = Array.from({ length: ROWS }, (_, r) => String(r).padStart(9, '0'));
      const features = Array.from({ length: WIDTH }, (_, c) => Float64Array.from({ length: ROWS }, (_, r) => grid(r, c)));
      writeColumnarColumns(join(dir, 'input.arrow'), { keys, features });
    }
    const ways = (process.env.BENCH_WAYS?.split(',') ?? ['stored', 'loaded', ...(BASELINE ? ['baseline'] : [])]) as Way[];
    if (ways.includes('baseline') && !BASELINE) throw new Error('the baseline way needs BENCH_BASELINE=<dist of another build>');
    const self = fileURLToPath(import.meta.url);
    for (const way of ways) {
      const line = execFileSync(process.execPath, [self, 'child', way, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
      const r = JSON.parse(line.trim().split('\n').pop()!) as { wall: number; cpu: number; maxRssMB: number; model: string; output: string };
      console.log(`  ${way.padEnd(8)} wall ${(r.wall / 1e3).toFixed(2)} s, cpu ${(r.cpu / 1e3).toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB, model ${r.model}, output ${r.output}`);
    }
    console.log(`  load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') await child(process.argv[3] as Way, process.argv[4]!);
else await main();
