// DataIO a partition at a time (issue 17, dataIO.ts readDensePartitioned): a format-2 upload read
// as the runtime reads a big one (TableStore.readKeysAndLineChunks) goes through the partition path
// when it is over the size (lowered here), and the output table's files (table.json and every
// partition, cut as the default writer cuts and in 7 and 1 partitions), the model and the errors
// are those of the whole-table path on the same upload.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rangedColumns, rowRangesOf, untouchedColumns, type RowRanges } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { dataIOComponent } from '../../../src/components/dataio/dataIO.js';
import { seededRandom, shuffledIds, uploadedTables } from '../../support/uploadedTables.js';
import { failureOf, outputDigester, runDataIO } from '../../support/dataioOutputs.js';

const t = suite('DataIO a partition at a time');
const tables = uploadedTables(t, 'fedflow-dioparts-');

const ROWS = 1500;
/** Cells the byte reader reads as strings (tokens, exponents, spaces, long digits) among plain ones. */
const ODD = ['NA', '', 'null', '1e-3', ' 2.5', '-0', '+7', '0.000000001', 'inf', '12345678901234567'];

const HEADER = ['x0', 'y', 'x1', 'x2', 'x3', 'x4'];

interface Shape {
  /** The line that has a cell too few. */
  readonly bad?: number;
  /** Integer cells only (int data). */
  readonly ints?: boolean;
  /** The columns' order in the file (a permutation of HEADER's indexes). */
  readonly order?: readonly number[];
}

/** A CSV of ROWS shuffled ids, id then HEADER's columns (y 0/1; x2 the odd cells now and then), the header first. */
function csv({ bad, ints = false, order = [0, 1, 2, 3, 4, 5] }: Shape = {}): string {
  const lines = [['id', ...order.map((c) => HEADER[c]!)].join(',')];
  const next = seededRandom(7);
  const ids = shuffledIds(ROWS, next);
  const value = (scale: number, digits: number) => (ints ? String(Math.floor(next() * scale * 100) - 50) : (next() * scale).toFixed(digits));
  const odd = ints ? ODD_INTS : ODD;
  for (const id of ids) {
    const cells = [value(10, 6), next() < 0.4 ? '1' : '0', String(Math.floor(next() * 100)), id % 37 === 0 ? odd[id % odd.length]! : value(2, 3), value(-1, 9), ints ? value(3, 0) : String(next())];
    const line = [`u${id}`, ...order.map((c) => cells[c]!)];
    lines.push((id === bad ? line.slice(0, 6) : line).join(','));
  }
  return `${lines.join('\n')}\n`;
}
const ODD_INTS = ['NA', '', 'null', '-0', '+7', '12345678901234567', ' 3'];

const headers = new Map<string, string[]>();

async function upload(shape: Shape = {}): Promise<string> {
  const location = await tables.upload(csv(shape));
  headers.set(location, (shape.order ?? [0, 1, 2, 3, 4, 5]).map((c) => HEADER[c]!));
  return location;
}

/** The upload as the runtime loads a big one: keys, and the lines streamed (and sortable into ranges). */
function load(location: string): DataTable<string> {
  return tables.load(location, headers.get(location)!);
}

const partitioned = dataIOComponent({ columnar: true, partitionedMinRows: 1000 });
const whole = dataIOComponent({ columnar: true });

const run = runDataIO;
const write = outputDigester(tables.store);

/** Both paths on the same upload: the partition path taken (or not: `expectPartitioned`), the same files and model. */
async function same(params: Record<string, unknown>, expectPartitioned = true, model?: ComponentOutput['model'], shape: Shape = {}): Promise<ComponentOutput> {
  const location = await upload(shape);
  const byParts = await run(partitioned, load(location), params, model);
  const byWhole = await run(whole, load(location), params, model);
  assert.is(rowRangesOf(untouchedColumns(byParts.data!)!) !== undefined, expectPartitioned, 'the partition path was taken');
  assert.is(rowRangesOf(untouchedColumns(byWhole.data!)!), undefined, 'the whole-table path below the size');
  assert.equal(byParts.data!.schema, byWhole.data!.schema);
  assert.equal(JSON.stringify(byParts.model), JSON.stringify(byWhole.model));
  for (const partitions of [7, 1, undefined]) {
    const a = write(byParts, partitions);
    assert.is(Object.keys(a).length, (partitions ?? 1) + 1);
    assert.equal(a, write(byWhole, partitions), `${partitions ?? 'default'} partitions`);
  }
  return byWhole;
}

t('labelled float table: the same partition files and model', async () => {
  await same({ with_label: true, label_name: 'y' });
});

t('no label; int data; sparse output: the same files', async () => {
  await same({ with_label: false });
  await same({ with_label: true, label_name: 'y', data_type: 'int' }, true, undefined, { ints: true });
  await same({ with_label: true, label_name: 'y', output_format: 'sparse' });
});

t('missing values read as NaN by their tokens (no fill): the same files', async () => {
  await same({ with_label: true, label_name: 'y', missing_impute: ['NA', 'null', ''] });
});

t('predict with a fitted model whose header is in another order: the same files', async () => {
  const fitted = await same({ with_label: true, label_name: 'y' });
  const model = JSON.parse(JSON.stringify(fitted.model)) as NonNullable<ComponentOutput['model']>;
  await same({}, true, model, { order: [4, 2, 1, 0, 5, 3] });
});

t('fills too (fitted by a first pass: streamedFill.test.ts has every method): the same files', async () => {
  await same({ with_label: true, label_name: 'y', missing_fill: true, missing_fill_method: 'mean' });
  await same({ with_label: true, label_name: 'y', outlier_replace: true, outlier_impute: ['inf'], outlier_replace_value: 9 });
});

t('a line with too few cells: the row path\'s error, when its partition is written', async () => {
  const location = await upload({ bad: 1234 });
  const params = { with_label: true, label_name: 'y' };
  const expected = await failureOf(run(whole, load(location), params));
  assert.match(expected, /u1234/);
  const out = await run(partitioned, load(location), params);
  assert.throws(() => write(out, 4), (error: Error) => error.message === expected);
});

t('ranged columns read whole by any other reader: the values the writer gets', () => {
  const part = (from: number, to: number) => Float64Array.from({ length: to - from }, (_, i) => (from + i) * 0.5);
  let cuts = 0;
  const ranges: RowRanges = { width: 2, labelled: true, cut: () => void cuts++, rows: (from, to) => ({ features: [part(from, to), part(from, to).map((v) => -v)], labels: part(from, to) }) };
  const columns = rangedColumns(['a', 'b', 'c'], ranges);
  assert.ok(rowRangesOf(columns));
  assert.equal([...columns.features[1]!], [-0, -0.5, -1]);
  assert.equal([...columns.labels!], [0, 0.5, 1]);
  assert.is(cuts, 1);
  assert.is(rowRangesOf(columns), undefined, 'made whole: no longer by ranges');
});

t.run();
