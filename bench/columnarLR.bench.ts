// npm run bench:columnar-lr — HeteroLR and Evaluation on columnar tables (issue 17), the shape of
// bench:scale's job without the node: guest BENCH_ROWS (default 1,000,000) ids × 10 features + label,
// host the same ids × 20 features, both `columnarTable`s as DataIO now hands them on; HeteroLR in
// plaintext (5 iterations, batch 100,000; guest, host and arbiter in this process on the in-process
// federation), its predict output written to a table store and read back as the next task reads it,
// then Evaluation (binary, every metric). Printed per stage: wall time and the heap after it.
//
// Baseline in the same run: set BENCH_BEFORE_DIST to another build's dist directory (for example a
// build of the commit before this work) and the same stages run first with that build's HeteroLR,
// table writer/reader and Evaluation, on the same columnar tables; the models and metrics of both are
// compared. Without it, only this build runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { columnarTable } from '../src/tableData/columns.js';
import type { Component, ComponentOutput, PartyRef } from '../src/components/contract.js';
import type { DataTable, Instance, Schema } from '../src/tableData/dataTable.js';
import { evaluation } from '../src/components/evaluation/evaluation.js';
import { heteroLR } from '../src/components/heteroLR/heteroLR.js';
import { mulberry32 } from '../src/random/mulberry32.js';
import { readPredictTable, writeLargePredictTable } from '../src/store/tables/predictTableFile.js';
import { TableStore } from '../src/store/tables/tableStore.js';
import { writeOutputTable } from '../src/store/tables/writeOutputTable.js';
import { componentInput, InProcessJob } from '../test/support/inProcessFederation.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BEFORE = process.env.BENCH_BEFORE_DIST;
const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };
const PARAMS = {
  penalty: 'L2', alpha: 0.01, optimizer: 'rmsprop', learning_rate: 0.15, max_iter: 5, batch_size: 100_000, early_stop: 'diff',
  init_param: { init_method: 'zeros', fit_intercept: true }, encrypt_param: { method: null },
};

/** Guest and host columns: ids in key order, features uniform on [-1, 1], y from a linear score of both parties' features + noise. */
function dataset(n: number): { guest: DataTable<Instance>; host: DataTable<Instance> } {
  const rand = mulberry32(17);
  const width = 12;
  const keys = Array.from({ length: n }, (_, i) => `id${String(i).padStart(width, '0')}`);
  const g = Array.from({ length: 10 }, () => new Float64Array(n));
  const h = Array.from({ length: 20 }, () => new Float64Array(n));
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const col of g) col[i] = Math.round((rand() * 2 - 1) * 1000) / 1000;
    for (const col of h) col[i] = Math.round((rand() * 2 - 1) * 1000) / 1000;
    labels[i] = 1.5 * g[0]![i]! - g[1]![i]! + 2 * h[0]![i]! - 0.5 * h[1]![i]! + (rand() - 0.5) > 0 ? 1 : 0;
  }
  const header = (count: number, prefix: string) => Array.from({ length: count }, (_, j) => `${prefix}${j}`);
  const schema = (count: number, prefix: string, label: boolean): Schema => ({ header: header(count, prefix), sid_name: 'id', ...(label ? { label_name: 'y' } : {}) });
  return {
    guest: columnarTable(schema(10, 'x', true), { keys, features: g, labels }),
    host: columnarTable(schema(20, 'h', false), { keys, features: h }),
  };
}

interface Build {
  heteroLR: Component;
  evaluation: Component;
  /** Writes the output as the task worker does. */
  write(location: string, data: DataTable): void;
  /** The table as the next task loads it from the store. */
  read(location: string, schema: Schema): DataTable;
}

const THIS_BUILD: Build = {
  heteroLR,
  evaluation,
  write(location, data) {
    if (!writeLargePredictTable(store, location, data)) writeOutputTable(store, location, data.rows);
  },
  read(location, schema) {
    return readPredictTable(store, location, schema) ?? { schema, rows: store.readValues(location) };
  },
};

async function buildAt(dist: string): Promise<Build> {
  const at = (path: string) => import(join(resolve(dist), path));
  const lr = (await at('src/components/heteroLR/heteroLR.js')) as { heteroLR: Component };
  const ev = (await at('src/components/evaluation/evaluation.js')) as { evaluation: Component };
  const out = (await at('src/store/tables/writeOutputTable.js')) as { writeOutputTable: typeof writeOutputTable };
  const st = (await at('src/store/tables/tableStore.js')) as { TableStore: typeof TableStore };
  const beforeStore = new st.TableStore(join(dir, 'before'));
  return {
    heteroLR: lr.heteroLR,
    evaluation: ev.evaluation,
    write(location, data) {
      out.writeOutputTable(beforeStore, location, data.rows);
    },
    read(location, schema) {
      return { schema, rows: beforeStore.readValues(location) };
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'fedflow-bench-columnar-lr-'));
const store = new TableStore(join(dir, 'after'));
const heapMb = () => (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function stages(name: string, build: Build): Promise<{ model: unknown; metrics: string }> {
  const { guest, host } = dataset(ROWS);
  global.gc?.();
  const job = new InProcessJob();
  const input = (role: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role, roles: ROLES, params: PARAMS, data: data ? { train_data: data } : {} });
  let t0 = performance.now();
  const [go] = (await Promise.all([
    build.heteroLR(input('guest', guest), job.context(GUEST)),
    build.heteroLR(input('host', host), job.context(HOST)),
    build.heteroLR(input('arbiter'), job.context(ARBITER)),
  ])) as ComponentOutput[];
  const trainMs = performance.now() - t0;
  console.log(`  ${name}: HeteroLR (train + predict the training rows) ${sec(trainMs)}, heap ${heapMb()} MB`);
  t0 = performance.now();
  build.write('hetero_lr_0_output', go!.data!);
  const writeMs = performance.now() - t0;
  t0 = performance.now();
  const read = build.read('hetero_lr_0_output', go!.data!.schema);
  console.log(`  ${name}: predict output written ${sec(writeMs)}, read back ${sec(performance.now() - t0)}, heap ${heapMb()} MB`);
  const ctx = new InProcessJob().context(GUEST);
    t0 = performance.now();
    await build.evaluation(componentInput({ module: 'Evaluation', componentName: 'evaluation_0', role: 'guest', params: { _upstream: 'hetero_lr_0' }, data: { data: read } }), ctx);
  console.log(`  ${name}: Evaluation ${sec(performance.now() - t0)}, heap ${heapMb()} MB; AUC ${ctx.tracker.get('train', 'hetero_lr_0').data.find(([k]) => k === 'auc')?.[1]}`);
  return { model: go!.model, metrics: JSON.stringify(ctx.tracker.metrics) };
}

console.log(`HeteroLR plaintext (5 iterations, batch 100,000) → predict output → Evaluation, ${ROWS} rows, columnar inputs`);
const before = BEFORE ? await stages('before', await buildAt(BEFORE)) : null;
const after = await stages('after ', THIS_BUILD);
if (before) {
  const same = (a: unknown, b: unknown) => JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  console.log(`  same model: ${same(before.model, after.model)}, same metrics: ${before.metrics === after.metrics}`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
