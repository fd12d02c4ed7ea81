// npm run bench:homo-stored — HomoLR on big stored tables (issue 17, stop 18): what the fit costs in
// time and memory when the guest's and the host's tables are read through the computing API a piece
// at a time (homoLR/tableRows.ts), against the same tables loaded whole first.
//
// Two labelled stored instances tables of BENCH_ROWS rows (default 3,000,000) × 20 features are
// written once in a temporary directory: the guest's is storedBench's synthetic table, the host's the
// next BENCH_ROWS ids of the same grid (another slice: its own rows and labels). Then each way runs in a
// child process of its own: guest, host and arbiter of one plaintext HomoLR job (secure aggregation,
// BENCH_PARAMS, default sgd, L2, batch_size 100,000, max_iter 3) over the in-process federation, the
// tables handed over as the runtime hands a big stored table to a task (storedColumns.ts: values unread):
//   stored    today's code: mini-batches, losses and predictions read a piece at a time
//   loaded    today's code on the same tables loaded whole first (the values read before the fit)
//   baseline  when BENCH_BASELINE names the dist/ of another build (e.g. main's): that build's code
//             on the stored tables, as the runtime would hand them over
// (BENCH_WAYS=baseline,stored,… picks the ways and their order) and prints each one's wall and CPU
// time, its peak RSS (both parties' tables, fits and predictions in one process) and the digests of
// the three parties' models, of the arbiter's loss curve and of the two parties' predictions as their
// tasks write them (the predict table's partition files, written in the way's time): equal digests
// mean the same bytes (the harness: storedBench.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digestOf, digestOfDir, benchModules, measureChild, runWays, writeSyntheticTable, type Way } from './storedBench.js';
import { grid } from './syntheticGrid.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
const WIDTH = 20;
const PARAMS: Record<string, unknown> = JSON.parse(
  process.env.BENCH_PARAMS ??
    '{"penalty":"L2","optimizer":"sgd","alpha":0.01,"learning_rate":0.15,"batch_size":100000,"max_iter":3,"early_stop":"diff","tol":1e-5,"init_param":{"init_method":"zeros"},"encrypt_param":{"method":null}}',
);
const BASELINE = process.env.BENCH_BASELINE;
const DIST = fileURLToPath(new URL('..', import.meta.url));
const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };

/** The host's table: ids ROWS…2·ROWS − 1 of the same grid and label rule as writeSyntheticTable (keys in key order). */
async function writeHostTable(dir: string, rows: number, width: number): Promise<void> {
  const { writeColumnarColumns } = await import('../src/store/tables/columnarTable.js');
  const id = (r: number) => rows + r;
  const keys = Array.from({ length: rows }, (_, r) => String(id(r)).padStart(10, '0'));
  const features = Array.from({ length: width }, (_, c) => Float64Array.from({ length: rows }, (_, r) => grid(id(r), c)));
  const labels = Float64Array.from({ length: rows }, (_, r) => (features[0]![r]! + 0.5 * features[1]![r]! - 0.25 * features[2]![r]! + 0.3 * grid(id(r), 97) > 0 ? 1 : 0));
  writeColumnarColumns(dir, { keys, features, labels });
}

/** One way's run, in this (child) process. */
async function child(way: Way, dir: string): Promise<void> {
  const { load, storedColumns, columnarTable, InProcessJob, componentInput } = await benchModules(way === 'baseline' ? BASELINE! : DIST);
  const { homoLR } = await load('src/components/homoLR/homoLR.js');
  const { predictColumnsOf } = await load('src/tableData/predictColumns.js');
  const { writePredictColumns } = await load('src/store/tables/predictTableFile.js');
  const header = Array.from({ length: WIDTH }, (_, c) => `x${c}`);
  await measureChild(async () => {
    const table = (name: string) => {
      const columns = storedColumns(join(dir, name));
      if (way === 'loaded') void columns.features;
      return columnarTable({ header, sid_name: 'id' }, columns);
    };
    const job = new InProcessJob();
    const input = (role: string, data: Record<string, unknown>) => componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params: PARAMS, data });
    const arbiter = job.context({ role: 'arbiter', partyId: '10001' });
    const [guest, host, arb] = await Promise.all([
      homoLR(input('guest', { train_data: table('guest.arrow') }), job.context({ role: 'guest', partyId: '9999' })),
      homoLR(input('host', { train_data: table('host.arrow') }), job.context({ role: 'host', partyId: '10000' })),
      homoLR(input('arbiter', {}), arbiter),
    ]);
    // Each party's predictions written as its task writes them (a predict table's partitions: the keys are read then).
    const written = (party: string, data: unknown) => {
      const out = join(dir, `${party}-${way}.predict`);
      writePredictColumns(out, predictColumnsOf(data));
      const digest = digestOfDir(out);
      rmSync(out, { recursive: true, force: true });
      return digest;
    };
    return {
      models: digestOf([guest.model, host.model, arb.model]),
      loss: digestOf(arbiter.tracker.get('train', 'loss').data),
      guest: written('guest', guest.data),
      host: written('host', host.data),
    };
  });
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'child') await child(process.argv[3] as Way, process.argv[4]!);
else {
  await runWays(self, `homo-stored bench: guest and host ${ROWS} rows × ${WIDTH} features each, params ${JSON.stringify(PARAMS)}`, ['stored', 'loaded', ...(BASELINE ? ['baseline' as const] : [])], BASELINE, async (dir) => {
    await writeSyntheticTable(join(dir, 'guest.arrow'), ROWS, WIDTH, true);
    await writeHostTable(join(dir, 'host.arrow'), ROWS, WIDTH);
  });
}
