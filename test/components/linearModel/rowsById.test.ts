// A host's rows by the ids the guest names: ids that crossed threads packed (read in place) give
// the same feature columns as the same ids as strings, as a run of the table or gathered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RowsById } from '../../../src/components/linearModel/featureColumns.js';
import { PackedIds } from '../../../src/tableData/packedIds.js';

const n = 1_000;
const keys = Array.from({ length: n }, (_, i) => `id${String(i).padStart(4, '0')}`);
const columns = { keys, features: [Float64Array.from(keys, (_, i) => i), Float64Array.from(keys, (_, i) => -2 * i)] };
const packed = (list: readonly string[]) => new PackedIds({ fedflowPackedStrings: list.join('\n'), count: list.length });
const plain = (cols: Float64Array[]) => cols.map((c) => Array.from(c));

test('given packed ids that are runs of the table (batches in order, then all again), then the columns are those of the ids as strings', () => {
  const asStrings = new RowsById(columns);
  const asPacked = new RowsById(columns);
  for (const [from, to] of [[0, 300], [300, 600], [600, 1000], [0, 1000], [250, 260]] as const) {
    const batch = keys.slice(from, to);
    assert.equal(plain(asPacked.features(packed(batch), true)), plain(asStrings.features(batch, true)), `${from}..${to}`);
    assert.equal(plain(asPacked.features(packed(batch)))[0], Array.from({ length: to - from }, (_, i) => from + i));
  }
});

test('given packed ids in another order or with an unknown id, then they are gathered, or the unknown id is named', () => {
  const rows = new RowsById(columns);
  const shuffled = [keys[5]!, keys[3]!, keys[999]!, keys[0]!];
  assert.equal(plain(rows.features(packed(shuffled)))[1], [-10, -6, -1998, -0]);
  // A run but for its last id, a prefix of the table's (id000 of id0002): not a run, and unknown.
  assert.throws(() => rows.features(packed([keys[0]!, keys[1]!, keys[2]!.slice(0, 5)])), /host has no row for id "id000"/);
  assert.throws(() => rows.features(packed([keys[0]!, 'id00'])), /host has no row for id "id00"/);
});

test('given ids in the table\'s order within a range (an sqn sample, a fold), then positionsIn gives their places from the range\'s start; out of order, outside the range or unknown, undefined', () => {
  const rows = new RowsById(columns);
  assert.equal(Array.from(rows.positionsIn([keys[200]!, keys[203]!, keys[299]!], 200, 300)!), [0, 3, 99]);
  assert.equal(Array.from(rows.positionsIn([keys[0]!, keys[999]!], 0, n)!), [0, 999]);
  assert.equal(Array.from(rows.positionsIn([], 5, 10)!), []);
  assert.is(rows.positionsIn([keys[203]!, keys[200]!], 200, 300), undefined);
  assert.is(rows.positionsIn([keys[200]!, keys[300]!], 200, 300), undefined);
  assert.is(rows.positionsIn([keys[199]!], 200, 300), undefined);
  assert.is(rows.positionsIn(['nope'], 0, n), undefined);
});

test.run();
