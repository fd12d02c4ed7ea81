// npm run bench:columnar-learners — HeteroSecureBoost training, HomoLR and HeteroLinR on columns (issue
// 17) next to the same code on the same tables as row objects, in one run (BENCH_LEARNERS: a comma
// list of secureboost, homolr, linr; default all).
//
// Data (BENCH_ROWS, default 200,000), on the grid of bench:columnar (a value in [-1, 1] per id and
// column, the label a function of a few columns so the models learn something):
//   SecureBoost  guest label + 10 features, host 20 features, the same ids in key order (as after
//                an intersection); plaintext mode (FATE's encrypt_param method null: the same packing,
//                histograms and compression with an identity cipher), 3 trees, depth 3, bin_num 32.
//   HomoLR       guest and host each BENCH_ROWS rows of 20 features with labels, arbiter; plaintext,
//                5 epochs, batch 20,000, sgd.
//   HeteroLinR   guest a continuous label + 10 features, host 20 features, arbiter; plaintext, 5
//                iterations, batch 20,000, sgd.
// Each (component, path) runs in a child process of its own (a cold heap each, so the peak RSS is
// that path's):
//   columns   the tables as columnar tables (columns.ts), as the runtime hands them over
//   rows      the same tables as plain row objects ([key, {features, label}]), as small jobs and
//             tests give them (the component converts them to columns)
//   baseline  with BENCH_BASELINE=<dist of an older build>: that build's code on the row tables, e.g.
//               git -C /work/main archive HEAD | tar -x -C /tmp/base && ln -s /work/main/node_modules /tmp/base/
//               (cd /tmp/base && npx tsc -p tsconfig.json); BENCH_BASELINE=/tmp/base/dist node dist/bench/columnarLearners.bench.js
// Printed per run: training wall and CPU time (user + system, all threads), the RSS once the tables
// are built (after a GC) and the process's peak RSS, and a digest of the model buffers and the
// training scores — the paths must agree (the bench exits non-zero if they do not).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { columnarTable, instanceRows } from '../src/tableData/columns.js';
import type { Component, ComponentOutput, PartyRef } from '../src/components/contract.js';
import type { DataTable, Instance } from '../src/tableData/dataTable.js';
import { encodeBuffer } from '../src/models/bufferCodec.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';
import { grid } from './syntheticGrid.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const BASELINE = process.env.BENCH_BASELINE;
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };

type Path = 'columns' | 'rows' | 'baseline';
type Learner = 'secureboost' | 'homolr' | 'linr';
const LEARNERS = (process.env.BENCH_LEARNERS ?? 'secureboost,homolr,linr').split(',') as Learner[];


/** Columns for ids [first, first + n): `width` features from column `firstColumn`, and a label that depends on columns 0..3. */
function generate(first: number, n: number, width: number, firstColumn: number, labelled: boolean | 'continuous'): DataTable<Instance> {
  const keys = Array.from({ length: n }, (_, r) => `id${String(first + r).padStart(9, '0')}`);
  const features = Array.from({ length: width }, (_, c) => {
    const column = new Float64Array(n);
    for (let r = 0; r < n; r++) column[r] = grid(first + r, firstColumn + c);
    return column;
  });
  const labels = labelled === 'continuous'
    ? Float64Array.from({ length: n }, (_, r) => grid(first + r, 0) + 0.8 * grid(first + r, 1) - 0.6 * grid(first + r, 12) + 0.1 * grid(first + r, 99))
    : labelled
    ? Float64Array.from({ length: n }, (_, r) => (grid(first + r, 0) + 0.8 * grid(first + r, 1) - 0.6 * grid(first + r, 12) + 0.5 * grid(first + r, 99) > 0 ? 1 : 0))
    : undefined;
  const header = Array.from({ length: width }, (_, c) => `x${firstColumn + c}`);
  return columnarTable({ header, sid_name: 'id', ...(labelled ? { label_name: 'y' } : {}) }, { keys, features, ...(labels ? { labels } : {}) });
}

/** The same table as plain row objects, its columns dropped. */
const asRows = (table: DataTable<Instance>): DataTable<Instance> => ({ schema: table.schema, rows: instanceRows(table.columns!) });

const rss = () => process.memoryUsage().rss;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function digest(outs: ComponentOutput[]): string {
  const h = createHash('sha256');
  for (const out of outs) {
    for (const [name, json] of Object.entries(out.model ?? {})) h.update(name).update(encodeBuffer(name, json));
    for (const [key, r] of (out.data?.rows ?? []) as [string, unknown[]][]) h.update(`${key}:${r[1]}:${r[2]}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

async function child(learner: Learner, path: Path): Promise<void> {
  const dist = path === 'baseline' ? BASELINE! : fileURLToPath(new URL('..', import.meta.url));
  const load = async (file: string, name: string) => (await import(`${dist}/src/components/${file}`))[name] as Component;
  const table = (t: DataTable<Instance>) => (path === 'columns' ? t : asRows(t));
  const job = new InProcessJob();
  let run: () => Promise<ComponentOutput[]>;
  if (learner === 'secureboost') {
    const component = await load('heteroSecureBoost/heteroSecureBoost.js', 'heteroSecureBoost');
    const guest = table(generate(0, ROWS, 10, 0, true));
    const host = table(generate(0, ROWS, 20, 10, false));
    const params = { task_type: 'classification', num_trees: 3, tree_param: { max_depth: 3 }, bin_num: 32, subsample_feature_rate: 1, encrypt_param: { method: null } };
    const input = (self: PartyRef, t: DataTable<Instance>) =>
      componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role: self.role, roles: { guest: ['9999'], host: ['10000'] }, params, data: { train_data: t } });
    run = () => Promise.all([component(input(GUEST, guest), job.context(GUEST)), component(input(HOST, host), job.context(HOST))]);
  } else if (learner === 'linr') {
    const component = await load('heteroGLM/heteroGLM.js', 'heteroLinR');
    const guest = table(generate(0, ROWS, 10, 0, 'continuous'));
    const host = table(generate(0, ROWS, 20, 10, false));
    const params = { encrypt_param: { method: null }, penalty: 'L2', optimizer: 'sgd', alpha: 0.01, max_iter: 5, batch_size: 20_000, learning_rate: 0.15, init_param: { init_method: 'zeros' } };
    const roles = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
    const input = (self: PartyRef, t?: DataTable<Instance>) => componentInput({ module: 'HeteroLinR', componentName: 'hetero_linr_0', role: self.role, roles, params, data: t ? { train_data: t } : {} });
    run = () => Promise.all([component(input(GUEST, guest), job.context(GUEST)), component(input(HOST, host), job.context(HOST)), component(input(ARBITER), job.context(ARBITER))]);
  } else {
    const component = await load('homoLR/homoLR.js', 'homoLR');
    const guest = table(generate(0, ROWS, 20, 0, true));
    const host = table(generate(ROWS, ROWS, 20, 0, true));
    const params = { encrypt_param: { method: null }, penalty: 'L2', optimizer: 'sgd', alpha: 0.01, max_iter: 5, batch_size: 20_000, learning_rate: 0.15, init_param: { init_method: 'zeros' } };
    const roles = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
    const input = (self: PartyRef, t?: DataTable<Instance>) => componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role: self.role, roles, params, data: t ? { train_data: t } : {} });
    run = () => Promise.all([component(input(GUEST, guest), job.context(GUEST)), component(input(HOST, host), job.context(HOST)), component(input(ARBITER), job.context(ARBITER))]);
  }
  globalThis.gc?.();
  const ready = rss();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outs = await run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const result = { ms, cpuMs: (used.user + used.system) / 1000, ready, peak: process.resourceUsage().maxRSS * 1024, digest: digest(outs) };
  process.stdout.write(JSON.stringify(result));
}

function parent(): void {
  const paths: Path[] = ['columns', 'rows', ...(BASELINE ? ['baseline' as const] : [])];
  const self = fileURLToPath(import.meta.url);
  console.log(`bench:columnar-learners, ${ROWS.toLocaleString('en')} rows, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  let agree = true;
  for (const learner of LEARNERS) {
    console.log(learner === 'secureboost'
      ? `HeteroSecureBoost training, plaintext, guest 10 + host 20 features, 3 trees, depth 3, bin_num 32 (guest and host in one process):`
      : learner === 'linr'
      ? `HeteroLinR training, plaintext, guest 10 + host 20 features, 5 iterations, batch 20,000, sgd (three parties in one process):`
      : `HomoLR training, plaintext, guest and host ${ROWS.toLocaleString('en')} rows × 20 features each, 5 epochs, batch 20,000 (three parties in one process):`);
    const digests = new Set<string>();
    for (const path of paths) {
      const out = execFileSync(process.execPath, ['--expose-gc', self, learner, path], { encoding: 'utf8', maxBuffer: 1 << 20, env: process.env });
      const r = JSON.parse(out) as { ms: number; cpuMs: number; ready: number; peak: number; digest: string };
      digests.add(r.digest);
      console.log(`  ${path.padEnd(8)} ${(r.ms / 1000).toFixed(2).padStart(6)} s wall, ${(r.cpuMs / 1000).toFixed(2).padStart(6)} s CPU; RSS with the tables ${mb(r.ready).padStart(7)}, peak RSS ${mb(r.peak).padStart(7)}; digest ${r.digest}`);
    }
    if (digests.size !== 1) {
      agree = false;
      console.log('  !! the paths trained different models or scores');
    }
  }
  console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (!agree) process.exitCode = 1;
}

const [learner, path] = process.argv.slice(2) as [Learner | undefined, Path | undefined];
if (learner && path) await child(learner, path);
else parent();
