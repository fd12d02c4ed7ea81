// npm run bench:output-tables — what writing and reading back a component's output table costs in
// each format, in one run: JSON text in a SQLite file (large outputs), the generic packed file
// (any values) and the columnar packed file (plain instances). Tables: DataIO's output of the breast
// tables (guest 569 × 10 + label, host 569 × 20), the shapes of the scheduler bench's jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataIO } from '../src/components/dataio/dataIO.js';
import type { DataTable } from '../src/components/contract.js';
import { TableStore } from '../src/store/tables/tableStore.js';
import { writeOutputTable } from '../src/store/tables/writeOutputTable.js';
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
      ['SQLite + JSON', (loc: string) => writeOutputTable(tables, loc, table.rows, 0)],
      ['packed, generic', (loc: string) => writeOutputTable(tables, loc, generic)],
      ['packed, columnar', (loc: string) => writeOutputTable(tables, loc, table.rows)],
    ] as const;
    console.log(label);
    let baseline: { write: number; read: number } | undefined;
    for (const [name, write] of formats) {
      const prefix = `${name.replace(/\W+/g, '_')}_${label.replace(/\W+/g, '_')}_`;
      const w = time((i) => write(`${prefix}${i}`));
      const r = time((i) => {
        const loc = `${prefix}${i % ROUNDS}`;
        if (tables.isPacked(loc)) tables.readValues(loc);
        else for (const [, v] of tables.read(loc)) JSON.parse(v);
      });
      baseline ??= { write: w, read: r };
      console.log(`  ${name.padEnd(18)} write ${w.toFixed(3)} ms (x${(baseline.write / w).toFixed(1)})   read ${r.toFixed(3)} ms (x${(baseline.read / r).toFixed(1)})`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
