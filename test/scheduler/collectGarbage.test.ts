// collectGarbage: a task worker frees its dead tables when it asks, not at its next allocation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { collectGarbage } from '../../src/scheduler/collectGarbage.js';

const t = suite('scheduler: collectGarbage');

const rssMb = () => process.memoryUsage.rss() / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t('dead columns (200 MB) leave the resident memory at once; without it they stay while the thread allocates nothing', async () => {
  collectGarbage();
  let columns: Float64Array[] | undefined = Array.from({ length: 10 }, () => new Float64Array(2_500_000).fill(1));
  // Any collection the allocations asked for runs now, while the columns are alive.
  await sleep(300);
  const alive = rssMb();
  assert.is(columns[9]![2_499_999], 1);
  columns = undefined;
  await sleep(300);
  assert.ok(rssMb() > alive - 50, 'nothing collects dead columns by itself here (else this test proves nothing)');
  collectGarbage();
  // The backing stores may be freed by V8's sweeper just after the collection returns.
  for (let i = 0; i < 20 && rssMb() > alive - 150; i++) await sleep(50);
  assert.ok(rssMb() < alive - 150, `${(alive - rssMb()).toFixed(0)} MB freed of 200`);
});

t('it can be called again (the gc function is made once)', () => {
  collectGarbage();
  collectGarbage();
});

t.run();
