// npm run bench:dataio — DataIO's stage of bench:scale in one thread, the row path (before issue 17's
// columnar work) against the columnar path (after), its lines as strings (stop 13) and as UTF-8
// bytes (stop 14), streamed in chunks (stop 15) and a partition at a time (stop 17), in the same run: the host's table of BENCH_ROWS (default 1,000,000) shuffled ids × 20
// features, stored as an upload (SQLite lines), then
//   load   the upload read from SQLite (rows: a [key, line] tuple each, sorted row by row; strings:
//          keys + lines read in chunks as text, uploadLines.readKeysAndLines; bytes: the lines as
//          one buffer of UTF-8 with per-key ranges, store.readKeysAndLines; chunks: the keys, then the
//          line bytes a chunk at a time in storage order, store.readKeysAndLineChunks, as the runtime now;
//          partitions: the same load),
//   parse  DataIO (rows: a row object per line; strings, bytes: one Float64Array per feature;
//          partitions: nothing yet, the lines are parsed a partition at a time in the write),
//   write  the output table (rows: Arrow partitions from row objects; columns: from the columns),
// each path in a child process of its own (BENCH_KEEP=1 keeps the temporary directory), printing the CPU time (user + system) and wall time of
// each step and the child's peak RSS (VmHWM). CPU time is the steadier figure on a shared machine.
// parallel: the partitions' way with BENCH_DATAIO_WORKERS (default 2) partition workers, as a task of a node whose
// rule gives it that many (stop 20: each worker parses its partitions' lines and writes their files;
// the CPU figures are the process's, every thread's).
// BENCH_DATAIO_FILL=min|max|mean|designated gives DataIO a missing fill (the data has no missing cell: what
// is measured is the fit; stop 19: `partitions` fits it by a first pass over the ranges, main read the upload whole).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataTable } from '../src/tableData/dataTable.js';
import { dataIOComponent } from '../src/components/dataio/dataIO.js';
import { rawLinesTable } from '../src/tableData/rawLines.js';
import Database from 'better-sqlite3';
import { TableStore } from '../src/store/tables/tableStore.js';
import { readKeysAndLines } from '../src/store/tables/uploadLines.js';
import { writeTable } from '../src/store/tables/writeTable.js';
import { RecentOutputs } from '../src/scheduler/recentOutputs.js';
import { writeTaskOutput } from '../src/scheduler/taskTables.js';
import { tempDir } from '../test/support/http.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const FEATURES = 20;
const header = Array.from({ length: FEATURES }, (_, j) => `x${j}`);

interface Step { cpu: number; wall: number }
interface Result { load: Step; parse: Step; write: Step; peakMb: number; rows: number; decoded?: boolean }

function timed<T>(run: () => T): [T, Step] {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const out = run();
  const used = process.cpuUsage(cpu);
  return [out, { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000 }];
}

type Mode = 'rows' | 'strings' | 'bytes' | 'chunks' | 'partitions' | 'parallel';
const MODES: readonly Mode[] = ['rows', 'strings', 'bytes', 'chunks', 'partitions', 'parallel'];
const WORKERS = Number(process.env.BENCH_DATAIO_WORKERS ?? 2);
const LABEL: Record<Mode, string> = {
  rows: 'row path (before)          ', strings: 'columnar, lines as strings', bytes: 'columnar, lines as bytes  ', chunks: 'columnar, bytes in chunks ',
  partitions: 'a partition at a time     ', parallel: `partitions on ${WORKERS} workers    `,
};
/** BENCH_DATAIO_MODES=chunks,partitions runs only those paths (the row path takes minutes at 3M rows). */
const RUN: readonly Mode[] = process.env.BENCH_DATAIO_MODES ? (process.env.BENCH_DATAIO_MODES.split(',') as Mode[]) : MODES;
const FILL = process.env.BENCH_DATAIO_FILL;

async function child(dir: string, mode: Mode): Promise<Result> {
  const store = new TableStore(join(dir, 'tables'));
  // Whether anything asked for the lines as strings (the bytes path must not).
  let decoded = false;
  const schema = { header, sid_name: 'id' };
  const [table, load] = timed((): DataTable<string> => {
    if (mode === 'rows') {
      const rows: [string, string][] = [];
      for (const [k, v] of store.read('upload')) rows.push([k, v]);
      return { schema, rows };
    }
    if (mode === 'strings') {
      // The chunked text reader (the runtime's load before the bytes, and still its fallback).
      const db = new Database(store.pathOf('upload'), { readonly: true });
      try {
        db.pragma('cache_size = -32768');
        return rawLinesTable(schema, readKeysAndLines(db)!);
      } finally {
        db.close();
      }
    }
    if (mode === 'chunks' || mode === 'partitions' || mode === 'parallel') {
      // As the runtime loads a big upload (taskTables.ts): keys now, line bytes a chunk at a time.
      const raw = store.readKeysAndLineChunks('upload');
      if (!raw.chunks) throw new Error('no chunks');
      // `bytes` read whole on first use, as the runtime's (a whole path's fill fit reads them: BENCH_DATAIO_FILL).
      return rawLinesTable(schema, { keys: raw.keys, chunks: raw.chunks, ...(raw.ranges ? { ranges: raw.ranges } : {}), get bytes() { return raw.bytes; }, get lines() { decoded = true; return raw.lines; } });
    }
    // The whole line bytes at once (stop 14's runtime load).
    const raw = store.readKeysAndLines('upload');
    if (!raw.bytes) throw new Error('no bytes');
    return rawLinesTable(schema, { keys: raw.keys, bytes: raw.bytes, get lines() { decoded = true; return raw.lines; } });
  });
  // partitions: the chunks' load, DataIO's output made a partition at a time whatever the size (stop 17).
  // The others the whole-table paths whatever the size.
  const component = dataIOComponent({ columnar: mode !== 'rows', partitionedMinRows: mode === 'partitions' || mode === 'parallel' ? 1 : Infinity });
  const ctx = {
    signal: new AbortController().signal, tracker: { logMetricData() {}, setMetricMeta() {}, setProgress() {} }, federation: { remote: async () => {}, get: async () => undefined },
    ...(mode === 'parallel' ? { partitionWorkers: WORKERS } : {}),
  };
  const input = { jobId: 'j', taskId: 't', componentName: 'dataio_0', module: 'DataIO', role: 'host', partyId: '10000', roles: {}, params: { with_label: false, output_format: 'dense', ...(FILL ? { missing_fill: true, missing_fill_method: FILL } : {}) }, data: { data: table } };
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const output = await component(input as never, ctx as never);
  const used = process.cpuUsage(cpu);
  const parse = { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000 };
  const writeCpu = process.cpuUsage();
  const writeWall = performance.now();
  const rows = await writeTaskOutput(store, `out_${mode}_${process.pid}`, output.data!, new RecentOutputs());
  const writeUsed = process.cpuUsage(writeCpu);
  const write = { cpu: (writeUsed.user + writeUsed.system) / 1e6, wall: (performance.now() - writeWall) / 1000 };
  const peakMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
  return { load, parse, write, peakMb, rows, ...(mode === 'bytes' || mode === 'chunks' || mode === 'partitions' || mode === 'parallel' ? { decoded } : {}) };
}

/** The bench:scale host table (ids n/10.. shuffled, values on a 1/1000 grid), as an upload. */
function generate(dir: string): void {
  const store = new TableStore(join(dir, 'tables'));
  const hash = (id: number, column: number): number => {
    let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(column + 1, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    return (h ^ (h >>> 16)) >>> 0;
  };
  const formatted = Array.from({ length: 2001 }, (_, k) => String((k - 1000) / 1000));
  writeTable(store, 'upload', (function* () {
    for (let i = 0; i < ROWS; i++) {
      const id = ((i * 48271) % ROWS) + Math.floor(ROWS / 10);
      let line = formatted[hash(id, 10) % 2001]!;
      for (let j = 1; j < FEATURES; j++) line += ',' + formatted[hash(id, 10 + j) % 2001]!;
      yield [String(id), line] as const;
    }
  })());
}

const fmt = (s: Step) => `${s.cpu.toFixed(2)} s CPU / ${s.wall.toFixed(2)} s wall`;

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  if (MODES.includes(mode as Mode)) {
    process.stdout.write(JSON.stringify(await child(dir!, mode as Mode)));
    return;
  }
  const work = tempDir('bench-dataio');
  try {
    console.log(`dataio bench: ${ROWS} rows × ${FEATURES} features (host of bench:scale)${FILL ? `, DataIO missing_fill_method ${FILL}` : ''}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    generate(work);
    const results: Record<string, Result> = {};
    // A mode named twice runs twice (alternated runs); the ratios below take its last run.
    for (const m of RUN) {
      const r = (results[m] = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), m, work], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Result);
      const total = r.load.cpu + r.parse.cpu + r.write.cpu;
      console.log(`  ${LABEL[m]}  load ${fmt(r.load)}, parse ${fmt(r.parse)}, write ${fmt(r.write)}; total ${total.toFixed(2)} s CPU; peak RSS ${r.peakMb.toFixed(0)} MB (${r.rows} rows${r.decoded === undefined ? '' : r.decoded ? ', LINES DECODED' : ', no line decoded'})`);
    }
    const cpu = (r: Result) => r.load.cpu + r.parse.cpu + r.write.cpu;
    const ratio = (a: Result, b: Result) => `CPU ${(cpu(a) / cpu(b) * 100).toFixed(0)} % (load ${(a.load.cpu / b.load.cpu * 100).toFixed(0)} %, parse ${(a.parse.cpu / b.parse.cpu * 100).toFixed(0)} %), peak RSS ${(a.peakMb / b.peakMb * 100).toFixed(0)} %`;
    const compare = (a: Mode, b: Mode) => results[a] && results[b] && console.log(`  ${a} / ${b}: ${ratio(results[a], results[b])}`);
    compare('strings', 'rows');
    compare('bytes', 'strings');
    compare('chunks', 'bytes');
    compare('partitions', 'chunks');
    compare('parallel', 'partitions');
    console.log(`  load average now ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`  kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
