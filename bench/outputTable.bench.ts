// npm run bench:output-tables — what writing and reading back a component's output table costs in
// each format, in one run: JSON text in a SQLite file (large outputs before issue 17), the generic
// packed file (any values), the columnar packed file (plain instances) and columnar Arrow IPC
// partitions (large outputs now). Tables: DataIO's output of the breast tables (guest 569 × 10 +
// label, host 569 × 20), the shapes of the scheduler bench's jobs; then a large table of
// BENCH_BIG_ROWS (200,000) × 20 features + label, once each (file size, write, read back to rows,
// and the first 100 rows as the tracking endpoint reads them). Last, what a component writes at the
// 1M-row bench's scale: BENCH_COLUMN_ROWS (1,000,000) × 20 feature columns + label as Arrow partitions,
// written by writev from the writer's chunks (columnarTable.ts writeArrowFile) against the same
// batches through tableToIPC + writeFileSync (the joined buffer written before), CPU ms, alternated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataIO } from '../src/components/dataio/dataIO.js';
import type { DataTable } from '../src/tableData/dataTable.js';
import { TableStore } from '../src/store/tables/tableStore.js';
import { statSync, readdirSync } from 'node:fs';
import { writePackedTable } from '../src/store/tables/packedTable.js';
import { writeOutputTable } from '../src/store/tables/writeOutputTable.js';
import { arrow, instanceBatch, instancesKind, writeArrowFile, writePartitions } from '../src/store/tables/columnarTable.js';
import { writeFileSync } from 'node:fs';
import { writeTable } from '../src/store/tables/writeTable.js';
import { fixtureTable } from '../test/components/dataio/csvTable.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'fedflow-bench-output-'));
const tables = new TableStore(dir);

const dataIOOf = async (name: string, role: string, params: Record<string, unknown>): Promise<DataTable> =>
  (await dataIO(componentInput({ module: 'DataIO', componentName: 'dataio_0', role, params, data: { data: fixtureTable(name) } }), new InProcessJob().context({ role, partyId: '1' }))).data!;

/** ms per call of `f` (after a warm-up of ROUNDS / 5 calls). */
function time(f: (i: number) => void): number {
  let i = 0;
  for (const end = i + ROUNDS / 5; i < end; i++) f(i);
  const started = performance.now();
  for (const end = i + ROUNDS; i < end; i++) f(i);
  return (performance.now() - started) / ROUNDS;
}

try {
  for (const [label, table] of [
    ['guest 569 x 10 + label', await dataIOOf('breast_hetero_guest', 'guest', { with_label: true, label_name: 'y' })],
    ['host 569 x 20', await dataIOOf('breast_hetero_host', 'host', { with_label: false })],
  ] as const) {
    const generic = table.rows.map(([k, v]) => [k, { ...(v as object), extra: 0 }] as [string, unknown]); // not a plain instance: generic packing
    const formats = [
      ['SQLite + JSON', (loc: string) => writeTable(tables, loc, table.rows.map(([k, v]) => [k, JSON.stringify(v)] as const))],
      ['packed, generic', (loc: string) => writeOutputTable(tables, loc, generic)],
      ['packed, columnar', (loc: string) => writeOutputTable(tables, loc, table.rows)],
      ['Arrow partitions', (loc: string) => writeOutputTable(tables, loc, table.rows, 0)],
    ] as const;
    console.log(label);
    let baseline: { write: number; read: number } | undefined;
    for (const [name, write] of formats) {
      const prefix = `${name.replace(/\W+/g, '_')}_${label.replace(/\W+/g, '_')}_`;
      const w = time((i) => write(`${prefix}${i}`));
      const r = time((i) => {
        const loc = `${prefix}${i % ROUNDS}`;
        if (tables.isPacked(loc) || tables.isColumnar(loc)) tables.readValues(loc);
        else for (const [, v] of tables.read(loc)) JSON.parse(v);
      });
      baseline ??= { write: w, read: r };
      console.log(`  ${name.padEnd(18)} write ${w.toFixed(3)} ms (x${(baseline.write / w).toFixed(1)})   read ${r.toFixed(3)} ms (x${(baseline.read / r).toFixed(1)})`);
    }
  }
  const BIG = Number(process.env.BENCH_BIG_ROWS ?? 200_000);
  const big: [string, unknown][] = Array.from({ length: BIG }, (_, i) => [String(i), { features: Array.from({ length: 20 }, (_, c) => Math.sin(i * 31 + c)), label: i % 2 }]);
  big.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const size = (path: string): number => (statSync(path).isDirectory() ? readdirSync(path).reduce((n, f) => n + statSync(join(path, f)).size, 0) : statSync(path).size);
  const ms = (f: () => unknown): number => {
    const started = performance.now();
    f();
    return performance.now() - started;
  };
  console.log(`large table ${BIG} x 20 + label, once each`);
  for (const [name, write, path] of [
    ['SQLite + JSON', () => writeTable(tables, 'big_sqlite', big.map(([k, v]) => [k, JSON.stringify(v)] as const)), () => tables.pathOf('big_sqlite')],
    ['packed, columnar', () => writePackedTable(tables.packedPathOf('big_packed'), big), () => tables.packedPathOf('big_packed')],
    ['Arrow partitions', () => writeOutputTable(tables, 'big_arrow', big), () => tables.columnarPathOf('big_arrow')],
  ] as const) {
    const loc = name === 'SQLite + JSON' ? 'big_sqlite' : name === 'packed, columnar' ? 'big_packed' : 'big_arrow';
    const w = ms(write);
    const r = ms(() => (tables.isPacked(loc) || tables.isColumnar(loc) ? tables.readValues(loc) : [...tables.read(loc)].map(([, v]) => JSON.parse(v))));
    const first = ms(() => [...tables.read(loc, { limit: 100 })]);
    console.log(`  ${name.padEnd(18)} ${(size(path()) / 1e6).toFixed(0).padStart(4)} MB   write ${w.toFixed(0).padStart(5)} ms   read ${r.toFixed(0).padStart(5)} ms   first 100 rows ${first.toFixed(1)} ms`);
  }
  const N = Number(process.env.BENCH_COLUMN_ROWS ?? 1_000_000);
  const keys = Array.from({ length: N }, (_, i) => String(i)).sort();
  const columns = { keys, features: Array.from({ length: 20 }, (_, c) => Float64Array.from(keys, (_, r) => Math.sin(r * 31 + c))), labels: Float64Array.from(keys, (_, r) => r % 2) };
  const cpuMs = (f: () => unknown): number => {
    const started = process.cpuUsage();
    f();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  // The old write: the same partitions and batches, each file joined by tableToIPC, then written.
  const joinedWriter = (path: string, batch: Parameters<typeof writeArrowFile>[1]) => writeFileSync(path, arrow().tableToIPC(new (arrow().Table)([batch]), 'file'), { flag: 'wx' });
  let written = 0;
  const runs: Record<string, number[]> = { 'tableToIPC + writeFileSync': [], 'writev of the chunks': [] };
  for (let round = 0; round < 3; round++) {
    for (const name of Object.keys(runs)) {
      const loc = `cols_${written++}`;
      const writer = name === 'writev of the chunks' ? writeArrowFile : joinedWriter;
      runs[name]!.push(cpuMs(() => writePartitions(tables.columnarPathOf(loc), N, undefined, instancesKind(20, true, false), (from, to) => instanceBatch(columns, from, to), writer)));
      tables.drop(loc);
    }
  }
  console.log(`columns ${N} x 20 + label as Arrow partitions (what a component writes), CPU ms of 3 alternated runs`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  const base = median(runs['tableToIPC + writeFileSync']!);
  for (const [name, xs] of Object.entries(runs)) console.log(`  ${name.padEnd(28)} ${xs.map((x) => x.toFixed(0).padStart(5)).join(' ')}   median ${median(xs).toFixed(0)} ms (x${(base / median(xs)).toFixed(2)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
