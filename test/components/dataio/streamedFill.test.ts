// DataIO's missing fill and outlier replace on a big upload a partition at a time (issue 17,
// streamedFill.ts): every fill method, for missing cells and outliers, with and without a label,
// fitted and replayed by a loaded model (predict), gives the whole path's output files, schema and
// model (fill values and replaced ratios) bit for bit, and the upload is never read whole
// (dataIODenseReadsWhole). The fit reads the lines cut in 7 ranges (one test: the default cut),
// and the writer cuts in 7 (the fit's ranges read again) and the default (one range here: sorted anew).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rowRangesOf, untouchedColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { dataIOComponent, dataIODenseReadsWhole } from '../../../src/components/dataio/dataIO.js';
import { seededRandom, shuffledIds, uploadedTables } from '../../support/uploadedTables.js';
import { failureOf, outputDigester, runDataIO } from '../../support/dataioOutputs.js';

const t = suite('DataIO fills a partition at a time');
const tables = uploadedTables(t, 'fedflow-diofill-');

const ROWS = 1500;
const HEADER = ['x0', 'y', 'x1', 'x2', 'x3', 'x4'];
/** Cells a fill replaces (default missing tokens, the outlier tokens used below) or the byte reader reads as strings. */
const ODD = ['NA', '', 'null', 'NULL', 'inf', '-inf', '1e-3', ' 2.5', '-0', '+7', '12345678901234567'];

interface Shape {
  /** The line that has a cell too few. */
  readonly bad?: number;
  /** A line whose x1 cell no float() reads (and no token names). */
  readonly badCell?: number;
}

/** A CSV of ROWS shuffled ids, id then HEADER's columns (y 0/1; x0, x2, x4 an odd cell now and then, x2 the most), the header first. */
function csv({ bad, badCell }: Shape = {}): string {
  const lines = [['id', ...HEADER].join(',')];
  const next = seededRandom(11);
  const ids = shuffledIds(ROWS, next);
  const odd = () => ODD[Math.floor(next() * ODD.length)]!;
  for (const id of ids) {
    const cells = [
      next() < 0.05 ? odd() : (next() * 10).toFixed(6),
      next() < 0.4 ? '1' : '0',
      id === badCell ? 'x1?' : String(Math.floor(next() * 100)),
      next() < 0.2 ? odd() : (next() * 2 - 1).toFixed(3),
      (next() * -1).toFixed(9),
      next() < 0.02 ? odd() : String(next()),
    ];
    const line = [`u${id}`, ...cells];
    lines.push((id === bad ? line.slice(0, 6) : line).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const upload = (shape: Shape = {}): Promise<string> => tables.upload(csv(shape));

/** The upload as the runtime loads a big one: keys, and the lines streamed (and sortable into ranges). */
const load = (location: string): DataTable<string> => tables.load(location, HEADER);

const partitioned = dataIOComponent({ columnar: true, partitionedMinRows: 1000, fitPartitions: 7 });
const partitionedDefaultCut = dataIOComponent({ columnar: true, partitionedMinRows: 1000 });
const whole = dataIOComponent({ columnar: true });

const run = runDataIO;
const write = outputDigester(tables.store);

/** Runs the whole path and the partition path (on fresh loads) and checks the read counts; both outputs. */
async function both(location: string, params: Record<string, unknown>, model: ComponentOutput['model'] | undefined, component = partitioned): Promise<{ byParts: ComponentOutput; byWhole: ComponentOutput }> {
  const before = dataIODenseReadsWhole();
  const byParts = await run(component, load(location), params, model);
  assert.is(dataIODenseReadsWhole() - before, 0, 'the partition path read the upload whole');
  assert.ok(rowRangesOf(untouchedColumns(byParts.data!)!), 'the partition path was taken');
  const byWhole = await run(whole, load(location), params, model);
  assert.is(dataIODenseReadsWhole() - before, 1, 'the whole path is counted');
  return { byParts, byWhole };
}

/** Both paths on one upload, fitted and then predicting with the fitted model: the same files, schema and model. */
async function same(params: Record<string, unknown>, component = partitioned): Promise<ComponentOutput> {
  const location = await upload();
  const { byParts, byWhole } = await both(location, params, undefined, component);
  assert.equal(byParts.data!.schema, byWhole.data!.schema);
  assert.is(JSON.stringify(byParts.model), JSON.stringify(byWhole.model));
  for (const partitions of [7, undefined]) assert.equal(write(byParts, partitions), write(byWhole, partitions), `fit, ${partitions ?? 'default'} partitions`);
  const model = JSON.parse(JSON.stringify(byWhole.model)) as NonNullable<ComponentOutput['model']>;
  const predicted = await both(location, {}, model, component);
  assert.equal(predicted.byParts.data!.schema, predicted.byWhole.data!.schema);
  for (const partitions of [7, undefined]) assert.equal(write(predicted.byParts, partitions), write(predicted.byWhole, partitions), `predict, ${partitions ?? 'default'} partitions`);
  return byWhole;
}

const MISSING = 'imputerParam';
const OUTLIER = 'outlierParam';
const ratios = (model: ComponentOutput['model'], which: string): number[] => {
  const param = (model!.DataIOParam as Record<string, Record<string, Record<string, number>>>)[which]!;
  return Object.values(param[which === MISSING ? 'missingValueRatio' : 'outlierValueRatio']!);
};

/** Every method; designated values one for all or one per feature (`features` of them). */
const methods = (features: number): Record<string, unknown>[] => [
  { method: 'min' },
  { method: 'max' },
  { method: 'mean' },
  { method: 'designated', value: 3.5 },
  { method: 'designated', value: Array.from({ length: features }, (_, i) => i + 0.5) },
];

for (const label of [true, false]) {
  const labelled = label ? { with_label: true, label_name: 'y' } : { with_label: false };
  t(`missing fill, every method (${label ? 'label' : 'no label'}): fit and predict as the whole path`, async () => {
    for (const m of methods(label ? 5 : 6)) {
      const out = await same({ ...labelled, missing_fill: true, missing_fill_method: m.method, ...(m.value !== undefined ? { default_value: m.value } : {}) });
      assert.ok(ratios(out.model, MISSING).some((r) => r > 0), 'cells were filled');
    }
  });

  t(`outlier replace, every method (${label ? 'label' : 'no label'}): fit and predict as the whole path`, async () => {
    for (const m of methods(label ? 5 : 6)) {
      const out = await same({ ...labelled, outlier_replace: true, outlier_impute: ['inf', '-inf'], outlier_replace_method: m.method, ...(m.value !== undefined ? { outlier_replace_value: m.value } : {}) });
      assert.ok(ratios(out.model, OUTLIER).some((r) => r > 0), 'cells were replaced');
    }
  });
}

t('missing fill then outlier replace (two passes when the missing fill is fitted, one when designated)', async () => {
  for (const [missing, outlier] of [['mean', 'mean'], ['min', 'max'], ['designated', 'mean']]) {
    // The missing fill's value 'inf' when designated: the outlier replace then sees it.
    const out = await same({
      with_label: true, label_name: 'y',
      missing_fill: true, missing_fill_method: missing, missing_impute: ['NA', '', 'null', 'none'], ...(missing === 'designated' ? { default_value: 'inf' } : {}),
      outlier_replace: true, outlier_impute: ['inf', 'bad'], outlier_replace_method: outlier,
    });
    assert.ok(ratios(out.model, MISSING).some((r) => r > 0) && ratios(out.model, OUTLIER).some((r) => r > 0));
  }
});

t('the fit over the default cut (the writer reads its ranges again)', async () => {
  await same({ with_label: true, label_name: 'y', missing_fill: true, missing_fill_method: 'mean', outlier_replace: true, outlier_impute: ['inf'], outlier_replace_method: 'max' }, partitionedDefaultCut);
});

t('a token that looks like a number: the whole path reads the upload', async () => {
  const location = await upload();
  const params = { with_label: true, label_name: 'y', outlier_replace: true, outlier_impute: ['+7'], outlier_replace_value: 9 };
  const before = dataIODenseReadsWhole();
  const out = await run(partitioned, load(location), params);
  assert.is(dataIODenseReadsWhole() - before, 1);
  assert.is(rowRangesOf(untouchedColumns(out.data!)!), undefined);
});

t('a line with too few cells: the whole path\'s error, from the component', async () => {
  const location = await upload({ bad: 777 });
  const params = { with_label: true, label_name: 'y', missing_fill: true, missing_fill_method: 'mean' };
  const expected = await failureOf(run(whole, load(location), params));
  assert.match(expected, /u777/);
  assert.is(await failureOf(run(partitioned, load(location), params)), expected);
});

t('a cell float() refuses: the whole path\'s error, when its partition is written', async () => {
  const location = await upload({ badCell: 1234 });
  const params = { with_label: true, label_name: 'y', missing_fill: true, missing_fill_method: 'max' };
  const expected = await failureOf(run(whole, load(location), params));
  assert.match(expected, /u1234/);
  const out = await run(partitioned, load(location), params);
  assert.throws(() => write(out, 4), (error: Error) => error.message === expected);
});

t.run();
