// npm run bench:secureboost-stored — HeteroSecureBoost on big stored tables (issue 17, stop 18): what
// training (and a predict job with its model) cost in time and memory when each party's table is read
// through the computing API a piece at a time (binned a piece at a time, walked a piece at a time),
// against the same tables loaded whole first.
//
// Two stored instances tables of BENCH_ROWS rows (default 3,000,000) with the same keys (storedBench.ts
// synthetic grid values, the store's partitions): the guest's labelled with BENCH_GUEST_WIDTH features
// (default 10), the host's with BENCH_HOST_WIDTH (default 10; the grid's columns, so its values are the
// guest's first columns: the protocol's work does not depend on that). Each way runs in a child process
// of its own (same cold heap), reads both tables as the runtime hands a big stored table to a task
// (storedColumns.ts: values unread), and runs guest and host in that one process over the in-process
// federation (test/support/inProcessFederation.js: both parties' memory and CPU in one figure), with
// BENCH_PARAMS (default: 2 trees of depth 3, bin_num 32, no encryption — encrypt_param.method null,
// the plaintext maths of the same protocol: Paillier at millions of rows takes hours on 2 cores),
// then (BENCH_PREDICT=1, the default) a predict job with the trained model on the same tables:
//   stored    today's code on the stored tables
//   loaded    today's code on the same tables loaded whole first (their values read before training)
//   baseline  when BENCH_BASELINE names the dist/ of another build (e.g. main's): that build's code
//             on the stored tables, as the runtime would hand them over
// It prints each one's wall and CPU time, its peak RSS and the digests of both models and of the
// training and predict outputs' columns: equal digests mean the same results (the harness: storedBench.ts).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digestOf, benchModules, measureChild, runWays, writeSyntheticTable, type Way } from './storedBench.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
const GUEST_WIDTH = Number(process.env.BENCH_GUEST_WIDTH ?? 10);
const HOST_WIDTH = Number(process.env.BENCH_HOST_WIDTH ?? 10);
const PARAMS: Record<string, unknown> = JSON.parse(
  process.env.BENCH_PARAMS ?? '{"task_type":"classification","num_trees":2,"learning_rate":0.3,"bin_num":32,"tree_param":{"max_depth":3},"encrypt_param":{"method":null}}',
);
const PREDICT = process.env.BENCH_PREDICT !== '0';
const BASELINE = process.env.BENCH_BASELINE;
const DIST = fileURLToPath(new URL('..', import.meta.url));

/** The digest of a predict output's columns (keys, labels, results, scores): their bytes, no row built. */
function digestOfPredict(columns: { keys: readonly string[]; labels: Float64Array | null; results: Float64Array; scores: Float64Array } | undefined): string {
  if (!columns) return 'rows';
  const hash = createHash('sha256');
  for (let i = 0; i < columns.keys.length; i += 1 << 16) hash.update(columns.keys.slice(i, i + (1 << 16)).join('\n'));
  for (const a of [columns.labels, columns.results, columns.scores]) if (a) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex').slice(0, 16);
}

/** One way's run, in this (child) process. */
async function child(way: Way, dir: string): Promise<void> {
  const { load, storedColumns, columnarTable, InProcessJob, componentInput } = await benchModules(way === 'baseline' ? BASELINE! : DIST);
  const { predictColumnsOf } = await load('src/tableData/predictColumns.js');
  const { heteroSecureBoost } = await load('src/components/heteroSecureBoost/heteroSecureBoost.js');
  const roles = { guest: ['9999'], host: ['10000'] };
  const header = (width: number, prefix: string) => Array.from({ length: width }, (_, c) => `${prefix}${c}`);
  const tables = () => {
    const guest = storedColumns(join(dir, 'guest.arrow'));
    const host = storedColumns(join(dir, 'host.arrow'));
    if (way === 'loaded') void [guest.features, guest.labels, host.features];
    return {
      guest: columnarTable({ header: header(GUEST_WIDTH, 'g'), sid_name: 'id', label_name: 'y' }, guest),
      host: columnarTable({ header: header(HOST_WIDTH, 'h'), sid_name: 'id' }, host),
    };
  };
  const run = async (model?: { guest: unknown; host: unknown }) => {
    const job = new InProcessJob();
    const { guest, host } = tables();
    const input = (role: string, partyId: string, table: unknown, m: unknown) =>
      componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, partyId, roles, params: PARAMS, data: m ? { data: table } : { train_data: table }, ...(m ? { model: m } : {}) });
    const [g, h] = await Promise.all([
      heteroSecureBoost(input('guest', '9999', guest, model?.guest), job.context({ role: 'guest', partyId: '9999' })),
      heteroSecureBoost(input('host', '10000', host, model?.host), job.context({ role: 'host', partyId: '10000' })),
    ]);
    return { guest: g, host: h };
  };
  await measureChild(async () => {
    const trained = await run();
    const digests: Record<string, string> = {
      guestModel: digestOf(trained.guest.model),
      hostModel: digestOf(trained.host.model),
      train: digestOfPredict(predictColumnsOf(trained.guest.data)),
    };
    if (PREDICT) {
      const predicted = await run({ guest: trained.guest.model, host: trained.host.model });
      digests.predict = digestOfPredict(predictColumnsOf(predicted.guest.data));
    }
    return digests;
  });
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'child') await child(process.argv[3] as Way, process.argv[4]!);
else {
  await runWays(self, `secureboost-stored bench: ${ROWS} rows, guest ${GUEST_WIDTH} features + labels, host ${HOST_WIDTH} features, params ${JSON.stringify(PARAMS)}${PREDICT ? ', then a predict job' : ''}`,
    ['stored', 'loaded', ...(BASELINE ? ['baseline' as const] : [])], BASELINE,
    async (dir) => {
      await writeSyntheticTable(join(dir, 'guest.arrow'), ROWS, GUEST_WIDTH, true);
      await writeSyntheticTable(join(dir, 'host.arrow'), ROWS, HOST_WIDTH);
    });
}
