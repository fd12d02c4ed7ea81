import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecentOutputs } from '../../src/scheduler/recentOutputs.js';

test('an output table is handed out once, then must be read from the store', () => {
  const recent = new RecentOutputs();
  const rows: [string, unknown][] = [['1', { features: [1, NaN], label: 0 }], ['2', { features: [0.5, 2] }]];
  recent.keep('t_a', rows);
  assert.is(recent.take('t_a'), rows);
  assert.is(recent.take('t_a'), undefined);
});

test('only the last tables are kept', () => {
  const recent = new RecentOutputs();
  for (let i = 0; i < 20; i++) recent.keep(`t_${i}`, [['k', { features: [i] }]]);
  assert.is(recent.take('t_0'), undefined);
  assert.ok(recent.take('t_19'));
});

test.run();
