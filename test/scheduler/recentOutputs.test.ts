import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecentOutputs } from '../../src/scheduler/recentOutputs.js';

test('an output table is handed out once, then must be read from the store', () => {
  const recent = new RecentOutputs();
  const rows: [string, unknown][] = [['1', { features: [1, NaN], label: 0 }], ['2', { features: [0.5, 2] }]];
  recent.keep('t_a', rows);
  assert.is((recent.take('t_a') as { rows: unknown }).rows, rows);
  assert.is(recent.take('t_a'), undefined);
});

test('only the last tables are kept', () => {
  const recent = new RecentOutputs();
  for (let i = 0; i < 20; i++) recent.keep(`t_${i}`, [['k', { features: [i] }]]);
  assert.is(recent.take('t_0'), undefined);
  assert.ok(recent.take('t_19'));
});

test('tables of many rows: at most maxRows rows are kept, the oldest leave first', () => {
  const recent = new RecentOutputs(5);
  const three = (): [string, unknown][] => [['a', 1], ['b', 2], ['c', 3]];
  recent.keep('t_1', three());
  recent.keep('t_2', three());
  assert.is(recent.take('t_1'), undefined, 'the older table left: 6 rows > 5');
  assert.ok(recent.take('t_2'));
  recent.keep('t_big', [...three(), ...three()]);
  assert.is(recent.take('t_big'), undefined, 'a table above the budget is not kept');
});

test('columns are kept as columns and counted by their rows for the bound', () => {
  const recent = new RecentOutputs(5);
  const columns = { keys: ['a', 'b', 'c'], features: [new Float64Array([1, 2, 3])] };
  recent.keepColumns('t_c', columns);
  recent.keep('t_r', [['a', 1], ['b', 2]]);
  const kept = recent.take('t_c');
  assert.ok(kept && 'columns' in kept);
  assert.is((kept as { columns: unknown }).columns, columns);
  recent.keepColumns('t_1', columns);
  recent.keepColumns('t_2', columns);
  assert.is(recent.take('t_1'), undefined, 'the older table left: 3 + 3 rows > 5');
  assert.ok(recent.take('t_2'));
});

test.run();
