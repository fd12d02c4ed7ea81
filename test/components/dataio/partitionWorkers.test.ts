// DataIO's partitions made and written on partition workers (issue 17, stop 20: dataIO.ts
// writeOnWorkers, partitionKernel.ts, through the computing API's compute/partitionTasks.ts): a big
// upload (threshold lowered) read with 2 workers and written as the runtime's task writes it gives
// the files (table.json and every partition, by name), schema and model of the same upload read and
// written in the task's own thread — no fill, missing fill and outlier replace (fitted, then
// replayed by the fitted model), int data, sparse output — and the task's thread parses no
// partition. A line the byte reader cannot read gives the inline write's error.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rowRangesOf, untouchedColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { dataIOComponent } from '../../../src/components/dataio/dataIO.js';
import { seededRandom, shuffledIds, uploadedTables } from '../../support/uploadedTables.js';
import { outputDigester, outputDigesterOnWorkers, runDataIO } from '../../support/dataioOutputs.js';

const t = suite('DataIO on partition workers');
const tables = uploadedTables(t, 'fedflow-dioworkers-');

const ROWS = 1500;
const HEADER = ['x0', 'y', 'x1', 'x2', 'x3'];
/** Cells a fill replaces or the byte reader reads as strings. */
const ODD = ['NA', '', 'null', 'inf', '-inf', '1e-3', ' 2.5', '-0', '+7', '12345678901234567'];

/** A CSV of ROWS shuffled ids, id then HEADER's columns (y 0/1; x0 and x2 an odd cell now and then), the header first. */
function csv({ ints = false, badCell }: { ints?: boolean; badCell?: number } = {}): string {
  const lines = [['id', ...HEADER].join(',')];
  const next = seededRandom(5);
  const ids = shuffledIds(ROWS, next);
  const value = (scale: number) => (ints ? String(Math.floor(next() * scale * 100) - 50) : (next() * scale).toFixed(6));
  const odd = () => (ints ? ['NA', '', '-0', '+7'] : ODD)[Math.floor(next() * (ints ? 4 : ODD.length))]!;
  for (const id of ids) {
    const cells = [next() < 0.05 ? odd() : value(10), next() < 0.4 ? '1' : '0', id === badCell ? 'x1?' : String(Math.floor(next() * 100)), next() < 0.2 ? odd() : value(-2), value(1)];
    lines.push([`u${id}`, ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const upload = (shape: Parameters<typeof csv>[0] = {}): Promise<string> => tables.upload(csv(shape));

/** The upload as the runtime loads a big one: keys, and the lines streamed (and sortable into ranges). */
const load = (location: string): DataTable<string> => tables.load(location, HEADER);

const dataIO = dataIOComponent({ columnar: true, partitionedMinRows: 1000 });
const inline = outputDigester(tables.store);
const onWorkers = outputDigesterOnWorkers(tables.store);

/** The output's range maker, its `rows` made to fail: the task's thread must parse nothing when the workers write. */
function forbidInlineParse(out: ComponentOutput): void {
  const ranges = rowRangesOf(untouchedColumns(out.data!)!);
  assert.ok(ranges?.writeFiles, 'the partition path offers the workers');
  ranges.rows = () => {
    throw new Error('a partition was parsed in the task\'s thread');
  };
}

/** Inline and on 2 workers, fitted and then predicting with the fitted model: the same files (cut in 7 and by default), schema and model. */
async function same(params: Record<string, unknown>, shape: Parameters<typeof csv>[0] = {}): Promise<void> {
  const location = await upload(shape);
  let model: ComponentOutput['model'] | undefined;
  for (const step of ['fit', 'predict']) {
    for (const partitions of [7, undefined]) {
      const byThread = await runDataIO(dataIO, load(location), step === 'fit' ? params : {}, model);
      assert.not.ok(rowRangesOf(untouchedColumns(byThread.data!)!)?.writeFiles, 'no workers: the inline path');
      const byWorkers = await runDataIO(dataIO, load(location), step === 'fit' ? params : {}, model, 2);
      forbidInlineParse(byWorkers);
      assert.equal(byWorkers.data!.schema, byThread.data!.schema);
      assert.is(JSON.stringify(byWorkers.model), JSON.stringify(byThread.model));
      const expected = inline(byThread, partitions);
      assert.is(Object.keys(expected).length, (partitions ?? 1) + 1, 'table.json and every partition');
      assert.equal(await onWorkers(byWorkers, partitions), expected, `${step}, ${partitions ?? 'default'} partitions`);
      model ??= JSON.parse(JSON.stringify(byThread.model)) as NonNullable<ComponentOutput['model']>;
    }
  }
}

t('no fill, labelled and not: the inline path\'s files, schema and model', async () => {
  await same({ with_label: true, label_name: 'y' });
  await same({ with_label: false });
});

t('missing fill and outlier replace: fitted and replayed as inline', async () => {
  await same({
    with_label: true, label_name: 'y',
    missing_fill: true, missing_fill_method: 'mean', outlier_replace: true, outlier_impute: ['inf', '-inf'], outlier_replace_method: 'max',
  });
});

t('int data and sparse output', async () => {
  await same({ with_label: true, label_name: 'y', data_type: 'int' }, { ints: true });
  await same({ with_label: true, label_name: 'y', output_format: 'sparse' });
});

t('a cell float() refuses: the inline write\'s error', async () => {
  const location = await upload({ badCell: 1234 });
  const params = { with_label: true, label_name: 'y' };
  let expected = '';
  await Promise.resolve()
    .then(async () => inline(await runDataIO(dataIO, load(location), params), 7))
    .catch((error: Error) => (expected = error.message));
  assert.match(expected, /u1234/);
  let got = '';
  await onWorkers(await runDataIO(dataIO, load(location), params, undefined, 2), 7).catch((error: Error) => (got = error.message));
  assert.is(got, expected);
});

t.run();
