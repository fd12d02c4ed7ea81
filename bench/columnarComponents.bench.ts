// npm run bench:columnar — Intersection (raw), FeatureScale and HeteroFeatureBinning's fit on columns
// (issue 17), in process.
//
// The vertical data set of bench:scale at BENCH_ROWS ids (default 1,000,000): guest label + 10
// features, ids 0..n-1 in order; host 20 features, ids n/10..n+n/10-1 shuffled (90 % overlap). Each
// stage runs the component as the runtime calls it (guest and host concurrently on the in-process
// federation, which clones every payload as a node-to-node message would be copied):
//   Intersection raw (guest and host)  →  FeatureScale standard_scale (guest's intersected table)
//   →  HeteroFeatureBinning quantile, bin_num 10, guest local_only (quantile summaries, WOE/IV, woe transform)
// and prints the time of each run of the same stage, in the same process:
//   columns   today's code on columnar tables (what DataIO hands over once it produces columns)
//   threads   the same, with the parties' federation as a task worker's before the in-place reads:
//             long id lists cross packed and are split back into strings for the component, and
//             the kept rows are copied (takeRows)
//   inPlace   as today's task workers: the lists are read packed where they stand (getPacked) and
//             each party's input is its task's alone, so the kept rows are compacted within it
// BENCH_KEY_ORDER=1 puts both tables in key order first, as the job's tables are.
//   rows      (BENCH_ROWS_TOO=1) today's code on the same tables as row objects (converted with columnsOf)
//   baseline  the code before issue 17 on row objects, when BENCH_BASELINE names the dist/ of a
//             build of that commit, e.g.
//               git archive 5789e9a | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/
//               (cd /tmp/base && npx tsc -p tsconfig.json)
//               BENCH_BASELINE=/tmp/base/dist node dist/bench/columnarComponents.bench.js
// Each implementation runs in its own child process (same cold heap and allocator for all: a later
// run in one process would reuse the pages an earlier one freed), after a warm-up on 20,000 ids,
// BENCH_REPEATS times (default 3) on fresh tables; the best wall and the best CPU time (user +
// system, all threads, so GC counts) are printed.
// Each run's outputs are checked equal to the columnar run's (keys, a sample of values), so the
// figures compare the same work. The machine is shared: read the ratios, not the absolute times.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { columnarTable, instanceRows, markConsumable, untouchedColumns } from '../src/tableData/columns.js';
import type { Component, ComponentContext, Federation, PartyRef } from '../src/components/contract.js';
import type { DataTable } from '../src/tableData/dataTable.js';
import { heteroFeatureBinning } from '../src/components/featureBinning/featureBinning.js';
import { featureScale } from '../src/components/featureScale/featureScale.js';
import { intersection } from '../src/components/intersection/intersection.js';
import { packPayload, unpackPayload } from '../src/scheduler/packedPayload.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';
import { grid } from './syntheticGrid.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BASELINE = process.env.BENCH_BASELINE;
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };


function generate(ids: Int32Array, width: number, firstColumn: number, labelled: boolean): DataTable {
  const n = ids.length;
  const keys = Array.from(ids, String);
  const features = Array.from({ length: width }, (_, c) => {
    const column = new Float64Array(n);
    for (let r = 0; r < n; r++) column[r] = grid(ids[r]!, firstColumn + c);
    return column;
  });
  const labels = labelled ? Float64Array.from(ids, (id) => (grid(id, 99) > 0 ? 1 : 0)) : undefined;
  const header = Array.from({ length: width }, (_, c) => `x${firstColumn + c}`);
  return columnarTable({ header, sid_name: 'id', ...(labelled ? { label_name: 'y' } : {}) }, { keys, features, ...(labels ? { labels } : {}) });
}

/** The same table as plain row objects (no columns), as the runtime hands it over today. */
const asRows = (table: DataTable): DataTable => ({ schema: table.schema, rows: instanceRows(table.columns!) });

const roles = { guest: [GUEST.partyId], host: [HOST.partyId] };

/**
 * How the parties' federation behaves: `threads` as a task worker's (long id lists cross packed,
 * packedPayload.ts, and are unpacked for the component), plus `inPlace` as today's workers (the
 * component may take a list packed, `getPacked`, and each input is the task's alone, so its kept
 * rows are compacted within it).
 */
type Transport = 'plain' | 'threads' | 'inPlace';

function contextOf(job: InProcessJob, self: PartyRef, transport: Transport): ComponentContext {
  const ctx = job.context(self);
  if (transport === 'plain') return ctx;
  const inner = ctx.federation;
  const federation: Federation = {
    remote: (name, tag, payload, to) => inner.remote(name, tag, packPayload(payload), to),
    get: async (name, tag, from) => unpackPayload(await inner.get(name, tag, from)),
    ...(transport === 'inPlace' ? { getPacked: (name: string, tag: string, from: PartyRef) => inner.get(name, tag, from) } : {}),
  };
  return { ...ctx, federation };
}

async function intersect(component: Component, guest: DataTable, host: DataTable, transport: Transport = 'plain'): Promise<DataTable[]> {
  const job = new InProcessJob();
  const input = (self: PartyRef, data: DataTable) =>
    componentInput({ module: 'Intersection', role: self.role, partyId: self.partyId, roles, params: { intersect_method: 'raw' }, data: { data } });
  if (transport === 'inPlace') [guest, host].forEach(markConsumable);
  const outs = await Promise.all([
    component(input(GUEST, guest), contextOf(job, GUEST, transport)),
    component(input(HOST, host), contextOf(job, HOST, transport)),
  ]);
  return outs.map((o) => o.data!);
}

async function scale(component: Component, data: DataTable): Promise<DataTable> {
  const job = new InProcessJob();
  const out = await component(componentInput({ module: 'FeatureScale', role: 'guest', params: { method: 'standard_scale' }, data: { data } }), job.context(GUEST));
  return out.data!;
}

async function bin(component: Component, data: DataTable): Promise<DataTable> {
  const job = new InProcessJob();
  const params = { method: 'quantile', bin_num: 10, local_only: true, encrypt_param: { method: null }, transform_param: { transform_type: 'woe' } };
  const out = await component(componentInput({ module: 'HeteroFeatureBinning', role: 'guest', roles, params, data: { data } }), job.context(GUEST));
  return out.data!;
}

/** Keys of the table and the features of a few rows: enough to see two runs did the same work. */
function fingerprint(table: DataTable): string {
  const n = table.columns && untouchedColumns(table) ? table.columns.keys.length : table.rows.length;
  const sample = [0, 1, Math.floor(n / 2), n - 1].filter((r) => r >= 0 && r < n);
  if (untouchedColumns(table)) {
    const c = table.columns!;
    return JSON.stringify([n, c.keys.slice(0, 3), sample.map((r) => [c.keys[r], c.features.map((f) => f[r]), c.labels?.[r]])]);
  }
  return JSON.stringify([n, table.rows.slice(0, 3).map(([k]) => k), sample.map((r) => {
    const [k, v] = table.rows[r] as [string, { features: number[]; label?: number }];
    return [k, v.features, v.label];
  })]);
}

/** Wall and CPU milliseconds (user + system, all threads: GC included) of one step. */
const time = async <T>(what: () => Promise<T>): Promise<[T, { wall: number; cpu: number }]> => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await what();
  const used = process.cpuUsage(cpu);
  return [value, { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 }];
};
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const offset = Math.floor(ROWS / 10);
const guestIds = Int32Array.from({ length: ROWS }, (_, i) => i);
const hostIds = Int32Array.from({ length: ROWS }, (_, i) => i + offset);
for (let i = ROWS - 1; i > 0; i--) {
  const j = Math.floor(((grid(i, 7) + 1) / 2.001) * (i + 1));
  [hostIds[i], hostIds[j]] = [hostIds[j]!, hostIds[i]!];
}

/**
 * BENCH_KEY_ORDER=1: both tables in key order (string order of the ids), as the job's tables are
 * (uploads are read in key order and outputs written so): the id lists then meet by a merge.
 */
if (process.env.BENCH_KEY_ORDER === '1') {
  for (const ids of [guestIds, hostIds]) {
    const sorted = Array.from(ids).sort((a, b) => {
      const [x, y] = [String(a), String(b)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
    ids.set(sorted);
  }
}

type Impl = { name: string; intersection: Component; featureScale: Component; binning: Component; rows: boolean; transport?: Transport };

async function implementation(name: string): Promise<Impl> {
  if (name === 'columns') return { name, intersection, featureScale, binning: heteroFeatureBinning, rows: false };
  if (name === 'rows') return { name, intersection, featureScale, binning: heteroFeatureBinning, rows: true };
  if (name === 'threads' || name === 'inPlace') return { name, intersection, featureScale, binning: heteroFeatureBinning, rows: false, transport: name };
  const base = (path: string) => import(`${BASELINE}/src/components/${path}`);
  const [i, f, b] = [await base('intersection/intersection.js'), await base('featureScale/featureScale.js'), await base('featureBinning/featureBinning.js')];
  return { name, intersection: i.intersection, featureScale: f.featureScale, binning: b.heteroFeatureBinning, rows: true };
}

interface Figures {
  /** Best of the repeats, wall and CPU (each its own minimum). */
  intersect: { wall: number; cpu: number };
  scale: { wall: number; cpu: number };
  binning: { wall: number; cpu: number };
  columnar: boolean;
  prints: string[];
}

/** One implementation's timed runs (in a child): the best figures and the fingerprints of its outputs. */
async function runOne(impl: Impl): Promise<Figures> {
  const few = Math.min(ROWS, 20_000);
  // (the same ids on both sides: the first ids of each side need not overlap)
  const [g0, h0] = [generate(guestIds.subarray(0, few), 10, 0, true), generate(guestIds.subarray(0, few), 20, 10, false)];
  const [warm] = await intersect(impl.intersection, impl.rows ? asRows(g0) : g0, impl.rows ? asRows(h0) : h0);
  await bin(impl.binning, await scale(impl.featureScale, warm!));

  const best = (a: { wall: number; cpu: number } | undefined, b: { wall: number; cpu: number }) =>
    a ? { wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) } : b;
  let figures: Figures | undefined;
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    // Fresh tables per repeat: a run must not find another's rows already built.
    const guest = generate(guestIds, 10, 0, true);
    const host = generate(hostIds, 20, 10, false);
    const [g, h] = impl.rows ? [asRows(guest), asRows(host)] : [guest, host];
    const [[gOut, hOut], intersectTime] = await time(() => intersect(impl.intersection, g, h, impl.transport));
    const [scaled, scaleTime] = await time(() => scale(impl.featureScale, gOut!));
    const [binned, binTime] = await time(() => bin(impl.binning, scaled));
    figures = {
      intersect: best(figures?.intersect, intersectTime),
      scale: best(figures?.scale, scaleTime),
      binning: best(figures?.binning, binTime),
      columnar: [gOut!, hOut!, scaled, binned].every((t) => untouchedColumns(t) !== undefined),
      prints: [fingerprint(gOut!), fingerprint(hOut!), fingerprint(scaled), fingerprint(binned)],
    };
  }
  return figures!;
}

const one = process.env.BENCH_COLUMNAR_IMPL;
if (one) {
  console.log(JSON.stringify(await runOne(await implementation(one))));
} else {
  console.log(`columnar components bench: ${ROWS} rows, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 shared cores: read ratios)`);
  let expected: string[] | undefined;
  for (const name of ['columns', 'threads', 'inPlace', ...(process.env.BENCH_ROWS_TOO === '1' ? ['rows'] : []), ...(BASELINE ? ['baseline'] : [])]) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_COLUMNAR_IMPL: name },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Figures;
    expected ??= r.prints;
    const same = r.prints.every((p, i) => p === expected![i]);
    const both = (f: { wall: number; cpu: number }) => `${s(f.wall).padStart(8)} (cpu ${s(f.cpu).padStart(8)})`;
    console.log(
      `  ${name.padEnd(9)} Intersection raw ${both(r.intersect)}   FeatureScale ${both(r.scale)}   Binning ${both(r.binning)}` +
        `   outputs ${r.columnar ? 'columnar' : 'rows'}${same ? '' : '   OUTPUTS DIFFER from the columns run'}`,
    );
    if (!same) process.exitCode = 1;
  }
}
