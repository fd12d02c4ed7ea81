// npm run bench:binning-stored — HeteroFeatureBinning on big stored tables (issue 17, stop 18): what
// the fit (split points, the guest's counts, the host's label sums) and the transform cost in time
// and memory when each party's table is read through the computing API a piece at a time
// (src/compute/), against the same tables loaded whole first.
//
// Two stored instances tables of BENCH_ROWS rows (default 3,000,000; the same keys): the guest's,
// labelled, with BENCH_GUEST_WIDTH features (default 10), the host's, unlabelled, with
// BENCH_HOST_WIDTH (default 20) (bench:columnar's synthetic grid values, the store's partitions),
// written once in a temporary directory; then each way runs in a child process of its own, reads
// both tables as the runtime hands a big stored table to a task (storedColumns.ts: values unread),
// runs the guest and the host at once in the in-process federation of the tests (one thread: both
// parties' CPU adds up) with quantile binning, bin_num 10, every column transformed by
// BENCH_TRANSFORM (woe, the default, or bin_num) and the labels crossing in plaintext mode
// (encrypt_param.method null: 3M Paillier encryptions would take hours of CPU on this machine, and
// the cipher's cost is the same whatever the table's storage), then writes both outputs as the task
// worker would (a partition at a time):
//   stored    today's code: passes over the pieces, outputs mapped as written
//   loaded    today's code on the same tables loaded whole first
//   baseline  when BENCH_BASELINE names the dist/ of another build (e.g. main's): that build's code
//             on the stored tables, as the runtime would hand them over
// (BENCH_WAYS picks the ways and their order) and prints each one's wall and CPU time, peak RSS and
// the digests of both models, of what crossed the federation and of both written outputs (the
// harness: storedBench.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { digestOf, digestOfDir, benchModules, measureChild, runWays, writeSyntheticTable, type Way } from './storedBench.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
const GUEST_WIDTH = Number(process.env.BENCH_GUEST_WIDTH ?? 10);
const HOST_WIDTH = Number(process.env.BENCH_HOST_WIDTH ?? 20);
const TRANSFORM = process.env.BENCH_TRANSFORM ?? 'woe';
const PARAMS = { method: 'quantile', bin_num: 10, encrypt_param: { method: null }, transform_param: { transform_cols: -1, transform_type: TRANSFORM } };
const BASELINE = process.env.BENCH_BASELINE;
const DIST = fileURLToPath(new URL('..', import.meta.url));

/** One way's run, in this (child) process. */
async function child(way: Way, dir: string): Promise<void> {
  const { load, storedColumns, writeColumnarColumns, columnarTable, InProcessJob, componentInput } = await benchModules(way === 'baseline' ? BASELINE! : DIST);
  const { heteroFeatureBinning } = await load('src/components/featureBinning/featureBinning.js');
  const roles = { guest: ['9999'], host: ['10000'] };
  await measureChild(async () => {
    const job = new InProcessJob();
    const sent: unknown[] = [];
    const party = async (role: 'guest' | 'host', partyId: string, width: number) => {
      const columns = storedColumns(join(dir, `${role}.arrow`));
      if (way === 'loaded') void columns.features;
      const header = Array.from({ length: width }, (_, c) => `${role[0]}${c}`);
      const ctx = job.context({ role, partyId });
      // What crosses the federation, recorded for its digest (the payloads are cloned anyway).
      const federation = { ...ctx.federation, remote: (name: string, tag: string, payload: unknown, to: unknown[]) => (sent.push([name, role, digestOf(payload)]), ctx.federation.remote(name, tag, payload, to)) };
      const data = columnarTable({ header, sid_name: 'id' }, columns);
      return heteroFeatureBinning(componentInput({ module: 'HeteroFeatureBinning', role, partyId, roles, params: PARAMS, data: { data } }), { ...ctx, federation });
    };
    const [guest, host] = await Promise.all([party('guest', '9999', GUEST_WIDTH), party('host', '10000', HOST_WIDTH)]);
    const digests: Record<string, string> = { guestModel: digestOf(guest.model), hostModel: digestOf(host.model), messages: digestOf(sent) };
    for (const [role, out] of [['guest', guest], ['host', host]] as const) {
      const outDir = join(dir, `out-${role}-${way}.arrow`);
      writeColumnarColumns(outDir, out.data.columns);
      digests[`${role}Output`] = digestOfDir(outDir);
      rmSync(outDir, { recursive: true, force: true });
    }
    return digests;
  });
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === 'child') await child(process.argv[3] as Way, process.argv[4]!);
else {
  await runWays(
    self,
    `binning-stored bench: ${ROWS} rows, guest ${GUEST_WIDTH} features + labels, host ${HOST_WIDTH} features, params ${JSON.stringify(PARAMS)}`,
    ['stored', 'loaded', ...(BASELINE ? ['baseline' as const] : [])],
    BASELINE,
    async (dir) => {
      await writeSyntheticTable(join(dir, 'guest.arrow'), ROWS, GUEST_WIDTH, true);
      await writeSyntheticTable(join(dir, 'host.arrow'), ROWS, HOST_WIDTH);
    },
  );
}
