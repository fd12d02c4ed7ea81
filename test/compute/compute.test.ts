// The computing API over partitioned tables: every operation agrees with the same computation over
// the rows in memory, whether partitions run in the calling thread or on worker threads.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { takeRows } from '../../src/tableData/columns.js';
import { PartitionedTable, partitionedTableOf } from '../../src/compute/compute.js';
import { mulberry32, tableDir } from '../../src/compute/partitions.js';
import { readColumnarColumns, readColumnarMeta } from '../../src/store/tables/columnarTable.js';
import { storedColumns } from '../../src/store/tables/storedColumns.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputTable } from '../../src/store/tables/writeOutputTable.js';

const t = suite('compute over partitioned tables');
let dir = '';
let store: TableStore;

t.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedflow-compute-'));
  store = new TableStore(join(dir, 'tables'));
});
t.after.each(() => {
  rmSync(dir, { recursive: true, force: true });
});

const random = mulberry32(7);
const rows: [string, { features: number[]; label: number }][] = Array.from({ length: 1000 }, (_, i) => [
  `k${i}`,
  { features: [random() * 10 - 5, i % 7 === 0 ? NaN : i, Math.round(random() * 3)], label: i % 3 === 0 ? 1 : 0 },
]);

const table = (threads: number, partitions = 4): PartitionedTable => {
  const location = `t${threads}_${partitions}`;
  if (!store.exists(location)) writeOutputTable(store, location, rows, 0, partitions);
  return new PartitionedTable({ tablesDir: store.dir, location }, { threads });
};

for (const threads of [1, 2]) {
  t(`column statistics and label counts equal the in-memory ones (threads ${threads})`, async () => {
    const stats = await table(threads).columnStats();
    for (let c = 0; c < 3; c++) {
      const values = rows.map(([, v]) => v.features[c]!).filter((x) => !Number.isNaN(x));
      assert.is(stats.count[c], values.length);
      assert.ok(Math.abs(stats.sum[c]! - values.reduce((a, b) => a + b, 0)) < 1e-9);
      assert.is(stats.min[c], Math.min(...values));
      assert.is(stats.max[c], Math.max(...values));
    }
    assert.equal(await table(threads, 3).labelCounts(), { '0': 666, '1': 334 });
  });

  t(`exact quantiles equal numpy's lower method over the sorted column (threads ${threads})`, async () => {
    const sorted = rows.map(([, v]) => v.features[0]!).sort((a, b) => a - b);
    const qs = [0, 0.1, 0.25, 0.5, 0.9, 1];
    assert.equal(await table(threads).quantiles(0, qs), qs.map((q) => sorted[Math.floor(q * (sorted.length - 1))]));
    const withNaN = rows.map(([, v]) => v.features[1]!).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    assert.equal(await table(threads, 5).quantiles(1, [0.5]), [withNaN[Math.floor(0.5 * (withNaN.length - 1))]]);
  });

  t(`a sample is reproducible from its seed and near its fraction; a join keeps the common keys in key order (threads ${threads})`, async () => {
    const a = await table(threads).sampleKeys(0.3, 42);
    assert.equal(await table(threads, 4).sampleKeys(0.3, 42), a);
    assert.ok(a.length > 200 && a.length < 400, `sample of ${a.length}`);
    assert.not.equal(await table(threads, 4).sampleKeys(0.3, 43), a);
    const other = ['k5', 'zz', 'k999', 'k10', 'nope'];
    assert.equal(await table(threads).joinKeys(other), ['k10', 'k5', 'k999']);
  });
}

t('collect is bounded and reads the rows in key order', () => {
  const t4 = table(1, 4);
  const first = t4.collect(3);
  assert.equal(first.map(([k]) => k), ['k0', 'k1', 'k10']);
  assert.is(t4.collect(5000).length, 1000);
  assert.throws(() => t4.collect(-1), /limit/);
});

/** The rows' features in key order (the table's order), column by column. */
const keyOrdered = () => [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

t('pieces: every row in key order, a piece at a time into the same buffers, in this thread', () => {
  const t4 = table(1, 4);
  const seen: number[][] = [[], [], []];
  const labels: number[] = [];
  const buffers = new Set<ArrayBufferLike>();
  t4.forEachPiece((piece) => {
    assert.is(piece.to - piece.from, piece.features[0]!.length);
    piece.features.forEach((c, i) => seen[i]!.push(...c));
    labels.push(...piece.labels!);
    buffers.add(piece.features[0]!.buffer);
  }, 37);
  const sorted = keyOrdered();
  for (let c = 0; c < 3; c++) assert.equal(seen[c], sorted.map(([, v]) => v.features[c]!));
  assert.equal(labels, sorted.map(([, v]) => v.label));
  assert.is(buffers.size, 1, 'each piece was read into new memory');
  const { features } = t4.rows(250, 260);
  assert.equal([...features[2]!], sorted.slice(250, 260).map(([, v]) => v.features[2]!));
  assert.equal([...t4.labels()!], sorted.map(([, v]) => v.label));
  assert.throws(() => t4.rows(990, 1001), /outside/);
});

t('some rows of a stored table: read as their own table; partition kernels refuse them (their partitions are not their rows)', async () => {
  table(1, 4);
  const dir = tableDir({ tablesDir: store.dir, location: 't1_4' });
  const some = new PartitionedTable({ dir, meta: readColumnarMeta(dir), rows: Int32Array.from([3, 500, 501, 999]) });
  assert.is(some.count, 4);
  const sorted = keyOrdered();
  assert.equal([...some.rows(0, 4).features[0]!], [3, 500, 501, 999].map((r) => sorted[r]![1].features[0]!));
  const q = some.nearestRankQuantiles([0], [0, 1]);
  const values = [3, 500, 501, 999].map((r) => sorted[r]![1].features[0]!).sort((a, b) => a - b);
  assert.equal(q, [[values[0], values[3]]]);
  try {
    await some.columnStats();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /whole stored table/);
  }
});

t('keys packed and rows taken unread (what Intersection reads and keeps): those of the columns in memory, nothing loaded', () => {
  table(1, 4);
  const dir = tableDir({ tablesDir: store.dir, location: 't1_4' });
  const lazy = storedColumns(dir)!;
  const stored = partitionedTableOf(lazy)!;
  const keys = keyOrdered().map(([k]) => k);
  assert.equal(stored.packedKeys(), { fedflowPackedStrings: keys.join('\n'), count: 1000 });
  assert.ok(stored.keysUnread(), 'no key string made');
  const kept = Int32Array.from([3, 500, 501, 999]);
  const inMemory = takeRows(readColumnarColumns(dir)!, kept);
  const taken = stored.take(kept)!;
  const keptTable = partitionedTableOf(taken)!;
  assert.ok(keptTable, 'the kept rows are still unread');
  assert.ok(keptTable.keysUnread(), 'and so are their keys');
  assert.equal(keptTable.packedKeys(), { fedflowPackedStrings: inMemory.keys.join('\n'), count: 4 });
  assert.equal([...taken.keys], [...inMemory.keys]);
  assert.equal(taken.features.map((f) => [...f]), inMemory.features.map((f) => [...f]));
  assert.equal([...taken.labels!], [...inMemory.labels!]);
  // A whole table named by its place in the store reads its keys the same way.
  assert.equal(new PartitionedTable({ tablesDir: store.dir, location: 't1_4' }).packedKeys(), stored.packedKeys());
  // Once read, the columns are in memory: no packed keys, nothing taken unread.
  void lazy.keys;
  assert.is(stored.packedKeys(), undefined, 'keys read: no packed form');
  assert.not.ok(stored.keysUnread());
  void lazy.features;
  assert.is(stored.take(kept), undefined, 'values read: rows are taken the usual way');
  // Some rows named directly have no keys to read this way.
  assert.throws(() => new PartitionedTable({ dir, meta: readColumnarMeta(dir), rows: kept }).packedKeys(), /instances table/);
});

t('bad input gets a clear error', async () => {
  const t2 = table(2);
  try {
    await t2.quantiles(9, [0.5]);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /no feature column 9/);
  }
  try {
    await t2.sampleKeys(2, 1);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /fraction/);
  }
});

t.run();
