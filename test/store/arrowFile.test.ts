// Arrow IPC partition files written from the writer's chunks (writev, no joined buffer): byte for byte
// what apache-arrow's tableToIPC gives for the same record batch, whatever the columns (typed, Utf8
// with non-ASCII text, empty, hundreds of columns: more chunks than one writev takes), and the tables
// the store writes this way read back through apache-arrow's own reader as they were written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Data } from 'apache-arrow';
import { arrow, batchOf, decodeUtf8Column, partitionFile, readColumnarMeta, utf8Data, writeArrowFile } from '../../src/store/tables/columnarTable.js';
import { writePredictColumns } from '../../src/store/tables/predictTableFile.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { writeOutputColumns, writeOutputTable } from '../../src/store/tables/writeOutputTable.js';
import { tempDirPerTest } from '../support/tempDir.js';

// The store's own apache-arrow (loaded by require): a batch mixing its classes with the ESM copy's
// (types, Data) is written differently by either copy's writer.
const { Field, Float64, makeData, Table, tableFromIPC, tableToIPC, Utf8 } = arrow();

const t = suite('Arrow IPC files written by writev');
const dir = tempDirPerTest(t, 'fedflow-arrowfile-');

/** A batch of a key column, `width` Float64 columns (odd values among them) and a text column. */
function batch(n: number, width: number, text = true) {
  const keys = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? `é${i}` : `id${i}`));
  const fields: InstanceType<typeof Field>[] = [new Field('key', new Utf8(), false)];
  const children: Data[] = [utf8Data(keys)];
  for (let c = 0; c < width; c++) {
    const column = Float64Array.from({ length: n }, (_, r) => (r === c ? NaN : r === c + 1 ? -0 : Math.sin(r * 31 + c)));
    fields.push(new Field(`f${c}`, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: column }));
  }
  if (text) {
    fields.push(new Field('json', new Utf8(), false));
    children.push(utf8Data(keys.map((k, i) => JSON.stringify({ k, i, s: '日本' }).repeat(i % 3))));
  }
  return batchOf(fields, children, n);
}

const bytesEqual = (a: Uint8Array, b: Uint8Array, what: string) => {
  assert.is(a.byteLength, b.byteLength, `${what}: size`);
  assert.ok(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0, `${what}: bytes`);
};

for (const [name, n, width, text] of [
  ['typed and text columns', 1000, 7, true],
  ['odd row count (padding)', 13, 3, true],
  ['no rows', 0, 4, true],
  ['600 typed columns (more chunks than IOV_MAX)', 50, 600, false],
] as const) {
  t(`given a batch of ${name}, when written by writeArrowFile, then the file is tableToIPC's bytes`, () => {
    const b = batch(n, width, text);
    const path = join(dir(), 'b.arrow');
    writeArrowFile(path, b);
    bytesEqual(readFileSync(path), tableToIPC(new Table([b]), 'file'), name);
    const back = tableFromIPC(readFileSync(path));
    assert.is(back.numRows, n);
    assert.is(back.schema.fields.length, b.schema.fields.length);
  });
}

t('given ASCII and other text, when a range of strings is encoded, then it decodes to that range', () => {
  for (const strings of [
    Array.from({ length: 40 }, (_, i) => `id${i}`),
    Array.from({ length: 40 }, (_, i) => (i === 17 ? 'é€😀' : i === 3 ? '' : `k${i}\u007f`)),
  ]) {
    for (const [from, to] of [[0, 40], [5, 23], [17, 18], [9, 9]] as const) {
      assert.equal(decodeUtf8Column(utf8Data(strings, from, to)), strings.slice(from, to));
    }
  }
});

t('given a path that exists, when written, then it is refused and the file is untouched', () => {
  const path = join(dir(), 'b.arrow');
  writeArrowFile(path, batch(3, 1));
  const before = readFileSync(path);
  assert.throws(() => writeArrowFile(path, batch(5, 2)), /EEXIST/);
  bytesEqual(readFileSync(path), before, 'kept');
});

t('given instance, JSON and predict tables, when written as partitions, then every file is what tableToIPC writes for its batch', () => {
  const store = new TableStore(join(dir(), 'tables'));
  const n = 1001;
  const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(5, '0')}`);
  const features = [0, 1, 2].map((c) => Float64Array.from(keys, (_, r) => (r === c ? NaN : Math.cos(r + c))));
  writeOutputColumns(store, 'cols', { keys, features, labels: Float64Array.from(keys, (_, r) => r % 2) }, 0, 3);
  writeOutputTable(store, 'json', keys.map((k, i) => [k, { x: i, s: 'ü' }]), 0, 2);
  writePredictColumns(store.columnarPathOf('pred'), {
    keys, labels: null, results: Float64Array.from(keys, (_, r) => r % 2), scores: Float64Array.from(keys, (_, r) => r / n),
    detail: { kind: 'binary' }, type: 'train',
  }, 4);
  for (const location of ['cols', 'json', 'pred']) {
    const path = store.columnarPathOf(location);
    const meta = readColumnarMeta(path);
    assert.ok(!existsSync(`${path}.tmp`));
    assert.is(readdirSync(path).length, meta.partitionRows.length + 1);
    let rows = 0;
    meta.partitionRows.forEach((count, p) => {
      const file = readFileSync(partitionFile(path, p));
      const table = tableFromIPC(file);
      assert.is(table.numRows, count);
      assert.is(table.getChild('key')!.get(0), keys[rows]);
      rows += count;
      // The reader's batch, written again by apache-arrow itself: the same bytes.
      bytesEqual(file, tableToIPC(new Table(table.batches), 'file'), `${location} partition ${p}`);
    });
    assert.is(rows, n);
  }
  const f1 = tableFromIPC(readFileSync(partitionFile(store.columnarPathOf('cols'), 1))).getChild('f1')!.toArray() as Float64Array;
  assert.equal([...f1], [...features[1]!.subarray(333, 667)]);
});

t.run();
