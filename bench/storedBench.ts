// The harness of the "component on a big stored table" benches (issue 17: bench:scale-stored and its
// siblings): a synthetic stored instances table written once in a temporary directory, then each
// way (today's code reading it a piece at a time, the same table loaded whole first, another build's
// code) run in a child process of its own, so each starts from the same cold heap, and its figures
// printed on one line: wall and CPU time (user + system, all threads), peak RSS (the child's
// maxRSS) and digests of what it produced (equal digests mean the same bytes).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { grid } from './syntheticGrid.js';

export type Way = 'stored' | 'loaded' | 'baseline';

/** What a child prints: its figures and the digests of what it produced. */
export interface WayFigures {
  wall: number;
  cpu: number;
  maxRssMB: number;
  digests: Record<string, string>;
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Modules that moved (the table data model went below components): a baseline built before has them here. */
const MOVED: Readonly<Record<string, string>> = {
  'src/tableData/columns.js': 'src/components/columns.js',
  'src/tableData/predictColumns.js': 'src/components/predictColumns.js',
};

/** A loader of modules from a build's root (today's dist/ or BENCH_BASELINE's, which may predate a move). */
export function loaderOf(root: string): (path: string) => Promise<any> {
  return (path: string) => import(pathToFileURL(join(root, !existsSync(join(root, path)) && MOVED[path] ? MOVED[path] : path)).href);
}

/**
 * What every stored-table bench's child takes from the build it measures (this one's or the
 * baseline's): the stored table's reader and writer, the columnar table, the in-process job; and
 * `load` for the component's own modules.
 */
export async function benchModules(root: string) {
  const load = loaderOf(root);
  const [{ storedColumns }, { writeColumnarColumns }, { columnarTable }, { InProcessJob, componentInput }] = await Promise.all([
    load('src/store/tables/storedColumns.js'),
    load('src/store/tables/columnarTable.js'),
    load('src/tableData/columns.js'),
    load('test/support/inProcessFederation.js'),
  ]);
  return { load, storedColumns, writeColumnarColumns, columnarTable, InProcessJob, componentInput };
}

/** The first 16 hex digits of the SHA-256 of the files of a directory (names and bytes, in name order). */
export function digestOfDir(dir: string): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex').slice(0, 16);
}

/** The first 16 hex digits of the SHA-256 of a value's JSON. */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** In a child: runs `work`, then prints its figures as the one JSON line the parent reads. */
export async function measureChild(work: () => Promise<Record<string, string>>): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const digests = await work();
  const used = process.cpuUsage(cpu);
  const figures: WayFigures = {
    wall: performance.now() - started,
    cpu: (used.user + used.system) / 1e3,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    digests,
  };
  console.log(JSON.stringify(figures));
}

/**
 * A stored instances table of `rows` rows × `width` features (bench:columnar's grid values; keys
 * zero-padded so that key order is row order; labels 0/1 from the features when `labelled`) written
 * as the store writes a component's output, at `dir`.
 */
export async function writeSyntheticTable(dir: string, rows: number, width: number, labelled = false): Promise<void> {
  const { writeColumnarColumns } = await import('../src/store/tables/columnarTable.js');
  const keys = Array.from({ length: rows }, (_, r) => String(r).padStart(9, '0'));
  const features = Array.from({ length: width }, (_, c) => Float64Array.from({ length: rows }, (_, r) => grid(r, c)));
  // A label that the features predict (not perfectly): the sign of a fixed mix of the first columns.
  const labels = labelled ? Float64Array.from({ length: rows }, (_, r) => (features[0]![r]! + 0.5 * features[1 % width]![r]! - 0.25 * features[2 % width]![r]! + 0.3 * grid(r, 97) > 0 ? 1 : 0)) : undefined;
  writeColumnarColumns(dir, { keys, features, ...(labels ? { labels } : {}) });
}

/**
 * In the parent: makes a temporary directory, lets `prepare` write the input there, runs each of
 * BENCH_WAYS (default `defaults`) as `node <script> child <way> <dir>` and prints its figures.
 */
export async function runWays(script: string, title: string, defaults: Way[], baseline: string | undefined, prepare: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fedflow-stored-bench-'));
  try {
    console.log(`${title}; load average ${load()} (2 shared cores)`);
    await prepare(dir);
    const ways = (process.env.BENCH_WAYS?.split(',') ?? defaults) as Way[];
    if (ways.includes('baseline') && !baseline) throw new Error('the baseline way needs BENCH_BASELINE=<dist of another build>');
    for (const way of ways) {
      const line = execFileSync(process.execPath, [script, 'child', way, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
      const r = JSON.parse(line.trim().split('\n').pop()!) as WayFigures;
      const digests = Object.entries(r.digests).map(([k, v]) => `${k} ${v}`).join(', ');
      console.log(`  ${way.padEnd(8)} wall ${(r.wall / 1e3).toFixed(2)} s, cpu ${(r.cpu / 1e3).toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB, ${digests}`);
    }
    console.log(`  load average after: ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
