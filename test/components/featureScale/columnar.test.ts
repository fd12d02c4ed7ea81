import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, markConsumable, untouchedColumns } from '../../../src/tableData/columns.js';
import type { ComponentOutput } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { featureScale } from '../../../src/components/featureScale/featureScale.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { breastInstances, withNaN } from './breastInstances.js';
import { rowFeatureScale } from './rowReference.js';

const t = suite('FeatureScale on columns');

const columnar = (table: DataTable<Instance>) => columnarTable(table.schema, columnsFromRows(table.rows)!);

/** JSON where -0, NaN and ±Infinity stay visible: equal texts mean the same doubles bit for bit. */
const exact = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? `#${Object.is(v, -0) ? '-0' : v}` : v));

async function run(component: typeof featureScale, data: DataTable, params: Record<string, unknown>, model?: ComponentOutput['model']) {
  const ctx = new InProcessJob().context({ role: 'guest', partyId: '9999' });
  const out = await component(componentInput({ module: 'FeatureScale', role: 'guest', params, data: { data }, ...(model ? { model } : {}) }), ctx);
  return { out, meta: ctx.tracker.get('train', 'scale').meta };
}

const PARAMS: Record<string, unknown>[] = [
  { method: 'min_max_scale' },
  { method: 'standard_scale' },
  { method: 'standard_scale', feat_upper: 0.5, feat_lower: -0.25 },
  { method: 'min_max_scale', feat_upper: 'per column', feat_lower: 0.1 },
  { method: 'min_max_scale', mode: 'cap', feat_upper: 0.9, feat_lower: 0.1 },
  { method: 'standard_scale', mode: 'cap', feat_upper: 0.75, feat_lower: 0.5 },
  // On column b of the NaN table, rank 3 of the zeros is -0 in column order, +0 after a typed-array sort.
  { method: 'min_max_scale', mode: 'cap', feat_upper: 0.6, feat_lower: 0.6 },
  { method: 'standard_scale', scale_col_indexes: [0, 2], with_std: false },
  { method: 'standard_scale', with_mean: false },
];

for (const [name, make] of [['breast', breastInstances], ['a table with NaN cells and signed zeros', withNaN]] as const) {
  for (const given of PARAMS) {
    // A list of bounds has one per column: 3, 2, 1, 0, 3, …
    const width = make().schema.header.length;
    const params = given.feat_upper === 'per column' ? { ...given, feat_upper: Array.from({ length: width }, (_, i) => 3 - (i % 4)) } : given;
    t(`given ${name} as columns, when scaled with ${JSON.stringify(params)}, then rows, model and metric are the row code's, bit for bit, and nothing builds rows`, async () => {
      const rows = make();
      const input = columnar(make());
      const before = await run(rowFeatureScale, rows, params);
      const after = await run(featureScale, input, params);
      assert.ok(untouchedColumns(input), 'the input rows were never built');
      assert.ok(untouchedColumns(after.out.data!), 'the output is columnar');
      assert.is(exact(after.out.model), exact(before.out.model));
      assert.equal(after.meta, before.meta);
      assert.is(exact(after.out.data!.rows), exact(before.out.data!.rows));
      assert.equal(after.out.data!.schema, rows.schema);
      // The same table as rows (tests, small tables) takes the same path.
      const fromRows = await run(featureScale, make(), params);
      assert.is(exact(fromRows.out.data!.rows), exact(before.out.data!.rows));
      assert.is(exact(fromRows.out.model), exact(before.out.model));
    });
  }
}

t('given a stored standard model, when transforming columns in another header order (predict), then the values are the row code’s', async () => {
  const fitted = await run(rowFeatureScale, breastInstances(), { method: 'standard_scale', feat_upper: 1, feat_lower: -1 });
  const table = breastInstances();
  const header = [...table.schema.header].reverse();
  const reordered: DataTable<Instance> = {
    schema: { ...table.schema, header },
    rows: table.rows.map(([k, v]) => [k, { features: [...v.features].reverse(), label: v.label! }]),
  };
  const before = await run(rowFeatureScale, reordered, {}, fitted.out.model);
  const input = columnar(reordered);
  const after = await run(featureScale, input, {}, fitted.out.model);
  assert.ok(untouchedColumns(after.out.data!));
  assert.ok(untouchedColumns(input));
  assert.is(after.out.model, fitted.out.model);
  assert.is(exact(after.out.data!.rows), exact(before.out.data!.rows));
});

t('given unlabelled columns, when scaled, then the output rows have features only', async () => {
  const { out } = await run(featureScale, columnar(withNaN()), { method: 'min_max_scale' });
  assert.equal(Object.keys(out.data!.rows[0]![1] as object), ['features']);
  assert.is(out.data!.columns!.labels, undefined);
});

t('given rows that are not instances or are narrower than the header, when scaled, then a clear error names it', async () => {
  const lines: DataTable = { schema: { header: ['a'], sid_name: 'id' }, rows: [['1', '0.5']] };
  try {
    await run(featureScale, lines, {});
    assert.unreachable('should reject');
  } catch (error) {
    assert.match((error as Error).message, 'FeatureScale: the input rows are not instances');
  }
  const narrow: DataTable<Instance> = { schema: { header: ['a', 'b'], sid_name: 'id' }, rows: [['1', { features: [1] }]] };
  try {
    await run(featureScale, narrow, {});
    assert.unreachable('should reject');
  } catch (error) {
    assert.is((error as Error).message, 'FeatureScale: the rows have 1 features for the 2 columns of the header');
  }
});

t('given an empty table, when scaled, then the output is empty and the model has zero statistics, as before', async () => {
  const empty: DataTable<Instance> = { schema: { header: ['a', 'b'], sid_name: 'id' }, rows: [] };
  const before = await run(rowFeatureScale, empty, { method: 'standard_scale' });
  const after = await run(featureScale, { ...empty, rows: [] }, { method: 'standard_scale' });
  assert.equal(after.out.data!.rows, []);
  assert.is(exact(after.out.model), exact(before.out.model));
});

t('given an input the runtime handed this task alone (consumable), when scaled, then the columns are written in place with the values of a fresh copy', async () => {
  for (const given of PARAMS) {
    for (const make of [breastInstances, withNaN]) {
      const width = make().schema.header.length;
      const params = given.feat_upper === 'per column' ? { ...given, feat_upper: Array.from({ length: width }, (_, i) => 3 - (i % 4)) } : given;
      const fresh = await run(featureScale, columnar(make()), params);
      const owned = columnar(make());
      const arrays = [...owned.columns!.features];
      markConsumable(owned);
      const inPlace = await run(featureScale, owned, params);
      const out = untouchedColumns(inPlace.out.data!)!;
      assert.is(exact(inPlace.out.data!.rows), exact(fresh.out.data!.rows), JSON.stringify(params));
      // Every scaled column is its input array (no new column memory); a column not scaled is shared as before.
      assert.ok(out.features.every((f, c) => f === arrays[c]), `in place: ${JSON.stringify(params)}`);
    }
  }
  // Two feature positions sharing one array: scaling one in place would change the other, so it copies.
  const shared = columnar(withNaN());
  const cols = shared.columns!;
  const aliased = columnarTable(shared.schema, { ...cols, features: [cols.features[0]!, cols.features[0]!, cols.features[2]!, cols.features[3]!] });
  markConsumable(aliased);
  const before = Float64Array.from(cols.features[0]!);
  await run(featureScale, aliased, { method: 'min_max_scale' });
  assert.equal([...cols.features[0]!].map(String), [...before].map(String), 'the shared input array is untouched');
});

t.run();
