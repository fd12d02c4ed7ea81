import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { featureScale } from '../../../src/components/featureScale/featureScale.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('FeatureScale');

function table(rows: number[][], header = ['a', 'b', 'c']): DataTable<Instance> {
  return { schema: { header, sid_name: 'id', label_name: 'y' }, rows: rows.map((features, i) => [String(i), { features, label: i % 2 }]) };
}

// a: 0, 5, 10   b: constant 2   c: -1, 1, 3
const TRAIN = table([[0, 2, -1], [5, 2, 1], [10, 2, 3]]);

async function scale(data: DataTable<Instance>, params: Record<string, unknown>, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'host', partyId: '10000' });
  const out = await featureScale(
    componentInput({ module: 'FeatureScale', role: 'host', params, data: { data }, ...(model ? { model } : {}) }),
    ctx,
  );
  return { out, features: (out.data as DataTable<Instance>).rows.map(([, i]) => i.features), ctx };
}

t('given min_max_scale, when fitted, then each column maps onto [0, 1] and a constant column to 0', async () => {
  const { out, features, ctx } = await scale(TRAIN, { method: 'min_max_scale' });
  assert.equal(features, [[0, 0, 0], [0.5, 0, 0.5], [1, 0, 1]]);
  assert.equal((out.data as DataTable<Instance>).rows.map(([, i]) => i.label), [0, 1, 0], 'labels kept');
  assert.equal(out.data!.schema, TRAIN.schema);
  const param = out.model!.ScaleParam!;
  assert.equal(param.header, ['a', 'b', 'c']);
  assert.equal((param.colScaleParam as Record<string, unknown>).a, { columnUpper: 10, columnLower: 0, mean: 0, std: 0 });
  assert.equal((param.colScaleParam as Record<string, unknown>).b, { columnUpper: 2, columnLower: 2, mean: 0, std: 0 });
  const meta = out.model!.ScaleMeta!;
  assert.is(meta.method, 'min_max_scale');
  assert.equal(meta.scaleColumn, ['a', 'b', 'c']);
  assert.equal(meta.featUpper, ['None', 'None', 'None']);
  assert.equal(ctx.tracker.get('train', 'scale').meta, { name: 'scale', metric_type: 'SCALE', method: 'min_max_scale' });
});

t('given standard_scale, when fitted, then columns get zero mean and unit population std (6 places)', async () => {
  const { out, features } = await scale(TRAIN, { method: 'standard_scale' });
  assert.equal(features, [[-1.224745, 0, -1.224745], [0, 0, 0], [1.224745, 0, 1.224745]]);
  const cols = out.model!.ScaleParam!.colScaleParam as Record<string, Record<string, number>>;
  assert.equal(cols.a, { columnUpper: 10, columnLower: 0, mean: 5, std: 4.082483 });
  assert.equal(cols.b, { columnUpper: 2, columnLower: 2, mean: 2, std: 1 }, 'a zero std becomes 1');
  assert.equal([out.model!.ScaleMeta!.withMean, out.model!.ScaleMeta!.withStd], [true, true]);
});

t('given with_mean false, when standard-scaling, then only the std divides', async () => {
  const { features } = await scale(table([[1], [3]], ['a']), { method: 'standard_scale', with_mean: false });
  assert.equal(features, [[1], [3]]); // std of (1, 3) is 1
});

t('given a stored min_max model, when transforming new data, then the stored range is used and values are clipped', async () => {
  const fitted = await scale(TRAIN, { method: 'min_max_scale' });
  const { features, out } = await scale(table([[20, 2, 0], [5, 7, 1], [-5, 2, 4]]), { method: 'standard_scale' }, fitted.out.model);
  assert.equal(features, [[1, 0, 0.25], [0.5, 0, 0.5], [0, 0, 1]]);
  assert.is(out.model, fitted.out.model);
});

t('given a stored standard model, when transforming, then the stored mean/std apply after clipping to the fitted range', async () => {
  const fitted = await scale(TRAIN, { method: 'standard_scale' });
  const { features } = await scale(table([[20, 2, 1], [5, 2, 2]]), {}, fitted.out.model);
  // a: min(20, 10) → (10 − 5) / 4.082483; c: mean 1, std 1.632993
  assert.equal(features, [[1.224745, 0, 0], [0, 0, 0.612372]]);
});

t('given scale_col_indexes [0], when fitted, then only column 0 is scaled and stored', async () => {
  const { features, out } = await scale(TRAIN, { method: 'min_max_scale', scale_col_indexes: [0] });
  assert.equal(features, [[0, 2, -1], [0.5, 2, 1], [1, 2, 3]]);
  assert.equal(Object.keys(out.model!.ScaleParam!.colScaleParam as object), ['a']);
  assert.equal(out.model!.ScaleMeta!.scaleColumn, ['a']);
});

t('given feat_upper/feat_lower in normal mode, when min-max scaling, then the range is capped by them', async () => {
  const { features, out } = await scale(TRAIN, { method: 'min_max_scale', feat_upper: 8, feat_lower: 0 });
  assert.equal(features.map((f) => f[0]), [0, 0.625, 1]);
  assert.equal((out.model!.ScaleParam!.colScaleParam as Record<string, Record<string, number>>).a!.columnUpper, 8);
  assert.equal(out.model!.ScaleMeta!.featUpper, ['8', '8', '8']);
});

t('given need_run false, when run, then data passes through', async () => {
  const { out } = await scale(TRAIN, { need_run: false });
  assert.is(out.data, TRAIN);
  assert.is(out.model, undefined);
});

t.run();
