// Columnar instance tables: rows built on demand equal the rows the columns stand for, columns do
// not follow a derived table, and rows convert to columns only when they are instances alike.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, columnsOf, compactRows, consumableColumns, instanceRows, markConsumable, takeRows, untouchedColumns } from '../../src/tableData/columns.js';

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

t('given ascending indexes, when rows are compacted, then they equal takeRows\' copy and live in the same arrays', () => {
  const make = () => ({
    keys: ['a', 'b', 'c', 'd', 'e'],
    features: [Float64Array.of(1, 2, NaN, 4, 5), Float64Array.of(-0, 5, 6, 7, 8)],
    labels: Float64Array.of(0, 1, 1, 0, 1),
    labelFirst: true,
  });
  for (const kept of [[0, 2, 4], [1, 2, 3], [4], [], [0, 1, 2, 3, 4]]) {
    const expected = takeRows(make(), kept);
    const own = make();
    const compacted = compactRows(own, Int32Array.from(kept));
    assert.equal(JSON.stringify(instanceRows(compacted)), JSON.stringify(instanceRows(expected)), `kept ${kept}`);
    assert.is(compacted.features[1]!.buffer, own.features[1]!.buffer, 'no new column memory');
    assert.is(compacted.labels!.length, kept.length);
    assert.ok(compacted.labelFirst);
  }
  assert.ok(Number.isNaN(compactRows(make(), Int32Array.of(0, 2, 4)).features[0]![1]!), 'NaN moves as a value');
  assert.throws(() => compactRows(make(), Int32Array.of(2, 1)), /strictly ascending/);
  assert.throws(() => compactRows(make(), Int32Array.of(1, 1)), /strictly ascending/);
});

t('given tables, when asked for consumable columns, then only a marked columnar table whose rows were never built has them', () => {
  const plain = columnarTable(schema, columns);
  assert.is(consumableColumns(plain), undefined, 'not marked: a caller may still hold it');
  const marked = columnarTable(schema, columns);
  markConsumable(marked);
  assert.is(consumableColumns(marked), columns);
  void marked.rows;
  assert.is(consumableColumns(marked), undefined, 'rows handed out: the columns are no longer the table');
  const rowsTable = { schema, rows: [] };
  markConsumable(rowsTable);
  assert.is(consumableColumns(rowsTable), undefined);
});

t.run();
