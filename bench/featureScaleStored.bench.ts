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
// output files: equal digests mean the same bytes (the harness: storedBench.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digestOf, digestOfDir, benchModules, measureChild, runWays, writeSyntheticTable, type Way } from './storedBench.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
const WIDTH = 20;
const PARAMS: Record<string, unknown> = JSON.parse(process.env.BENCH_PARAMS ?? '{"method":"standard_scale","mode":"cap","feat_upper":0.95,"feat_lower":0.05}');
const BASELINE = process.env.BENCH_BASELINE;
const DIST = fileURLToPath(new URL('..', import.meta.url));

/** One way's run, in this (child) process. */
async function child(way: Way, dir: string): Promise<void> {
  const { load, storedColumns, writeColumnarColumns, columnarTable, InProcessJob, componentInput } = await benchModules(way === 'baseline' ? BASELINE! : DIST);
  const { featureScale } = await load('src/components/featureScale/featureScale.js');
  const header = Array.from({ length: WIDTH }, (_, c) => `x${c}`);
  await measureChild(async () => {
    const columns = storedColumns(join(dir, 'input.arrow'));
    if (way === 'loaded') void columns.features;
    const ctx = new InProcessJob().context({ role: 'host', partyId: '10000' });
    const data = columnarTable({ header, sid_name: 'id' }, columns);
    const out = await featureScale(componentInput({ module: 'FeatureScale', role: 'host', params: PARAMS, data: { data } }), ctx);
    const outDir = join(dir, `out-${way}.arrow`);
    writeColumnarColumns(outDir, out.data.columns);
    const output = digestOfDir(outDir);
    rmSync(outDir, { recursive: true, force: true });
    return { model: digestOf(out.model), output };
  });
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'child') await child(process.argv[3] as Way, process.argv[4]!);
else {
  await runWays(self, `scale-stored bench: ${ROWS} rows × ${WIDTH} features, params ${JSON.stringify(PARAMS)}`, ['stored', 'loaded', ...(BASELINE ? ['baseline' as const] : [])], BASELINE,
    (dir) => writeSyntheticTable(join(dir, 'input.arrow'), ROWS, WIDTH));
}
