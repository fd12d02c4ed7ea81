import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UploadedRows } from '../../src/scheduler/uploadedRows.js';

test('an uploaded table is handed out as often as asked, each time as rows of its own', () => {
  const uploaded = new UploadedRows();
  const rows: [string, string][] = [['1', 'a,b'], ['2', 'c,d']];
  uploaded.keep('t_a', rows);
  rows[0]![1] = 'changed by the first reader';
  const first = uploaded.get('t_a')!;
  assert.equal(first, [['1', 'a,b'], ['2', 'c,d']]);
  first[1]![1] = 'changed by the second reader';
  assert.equal(uploaded.get('t_a'), [['1', 'a,b'], ['2', 'c,d']]);
  assert.is(uploaded.get('t_b'), undefined);
});

test('only a few small tables are kept, the least recently used leave first', () => {
  const uploaded = new UploadedRows();
  uploaded.keep('big', Array.from({ length: 20_001 }, (_, i) => [String(i), 'x'] as [string, string]));
  assert.is(uploaded.get('big'), undefined);
  for (const name of ['t1', 't2', 't3', 't4']) uploaded.keep(name, [['k', name]]);
  assert.ok(uploaded.get('t1'));
  uploaded.keep('t5', [['k', 't5']]);
  assert.is(uploaded.get('t2'), undefined, 't2 was the least recently used');
  for (const name of ['t1', 't3', 't4', 't5']) assert.ok(uploaded.get(name), name);
});

test.run();
