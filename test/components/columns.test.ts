// Columnar instance tables: rows built on demand equal the rows the columns stand for, columns do
// not follow a derived table, and rows convert to columns only when they are instances alike.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, columnsOf, instanceRows, takeRows, untouchedColumns } from '../../src/components/columns.js';

const t = suite('columnar instance tables');
const schema = { header: ['x0', 'x1'], sid_name: 'id', label_name: 'y' };
const columns = { keys: ['a', 'b', 'c'], features: [Float64Array.of(1, 2, NaN), Float64Array.of(-0, 5, 6)], labels: Float64Array.of(0, 1, 1) };

t('given columns, when rows are asked, then they are the instances in order and built once', () => {
  const table = columnarTable(schema, columns);
  assert.ok(untouchedColumns(table), 'untouched before rows are read');
  const rows = table.rows;
  assert.equal(rows.length, 3);
  assert.equal(rows[1], ['b', { features: [2, 5], label: 1 }]);
  assert.ok(Number.isNaN(rows[2]![1].features[0]));
  assert.ok(Object.is(rows[0]![1].features[1], -0));
  assert.is(table.rows, rows, 'kept');
  assert.is(untouchedColumns(table), undefined, 'rows handed out may change: columns no longer trusted');
});

t('given a columnar table, when a component spreads it with new rows, then the copy has no columns', () => {
  const table = columnarTable(schema, columns);
  const derived = { ...table, rows: table.rows.slice(1) };
  assert.is(derived.columns, undefined);
  assert.is(columnsOf(derived)!.keys.length, 2);
});

t('given instance rows, when converted, then columns and back give the same rows (label order kept)', () => {
  const rows: [string, unknown][] = [['k1', { label: 1, features: [1, 2] }], ['k2', { label: 0, features: [3, 4] }]];
  const cols = columnsFromRows(rows)!;
  assert.ok(cols.labelFirst);
  assert.equal(JSON.stringify(instanceRows(cols)), JSON.stringify(rows));
});

t('given rows that are not instances alike, when converted, then there are no columns', () => {
  assert.is(columnsFromRows([['k', 'raw,line']]), undefined);
  assert.is(columnsFromRows([['k', { features: [1] }], ['j', { features: [1, 2] }]]), undefined);
  assert.is(columnsFromRows([['k', { features: [1], label: 1 }], ['j', { features: [1] }]]), undefined);
  assert.is(columnsFromRows([['k', { features: [1], label: 'yes' }]]), undefined, 'a label that is not a number is not dropped');
  assert.is(columnsFromRows([['k', { features: [1], weight: 2 }]]), undefined, 'extra fields are not dropped');
});

t('given indexes, when rows are taken, then keys, features and labels follow them', () => {
  const taken = takeRows(columns, [2, 0]);
  assert.equal(taken.keys, ['c', 'a']);
  assert.equal(Array.from(taken.labels!), [1, 0]);
  assert.equal(Array.from(taken.features[1]!), [6, -0]);
});

t.run();
