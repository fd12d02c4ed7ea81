// The computing API's worker-thread map over partition indexes (compute/partitionTasks.ts): each
// partition's input goes to one worker (transferred), the results come back in partition order
// whoever computed them, a kernel's error fails the map.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mapPartitionTasks } from '../../src/compute/partitionTasks.js';

const t = suite('partition tasks on worker threads');
const module = new URL('../support/partitionKernels.js', import.meta.url).href;

t('results in partition order, each from its own input and the shared value', async () => {
  const sent: Float64Array[] = [];
  const results = await mapPartitionTasks<{ partition: number; values: Float64Array }>({
    kernel: { module, name: 'scaled' }, partitions: 9, shared: { offset: 0.5 }, threads: 2,
    input: (p) => {
      const values = Float64Array.from({ length: p + 1 }, (_, i) => p * 10 + i);
      sent.push(values);
      return { value: values, transfer: [values.buffer] };
    },
  });
  assert.is(results.length, 9);
  results.forEach((r, p) => {
    assert.is(r.partition, p);
    assert.equal([...r.values], Array.from({ length: p + 1 }, (_, i) => (p * 10 + i) * 2 + 0.5));
  });
  assert.ok(sent.every((s) => s.length === 0), 'the inputs were transferred, not copied');
});

t('a kernel that throws fails the map; a missing kernel too', async () => {
  let message = '';
  await mapPartitionTasks({ kernel: { module, name: 'failsOnThree' }, partitions: 6, shared: {}, threads: 2 }).catch((e: Error) => (message = e.message));
  assert.is(message, 'partition 3 failed');
  message = '';
  await mapPartitionTasks({ kernel: { module, name: 'none' }, partitions: 2, shared: {}, threads: 1 }).catch((e: Error) => (message = e.message));
  assert.match(message, /has no kernel none/);
});

t('an input that throws fails the map (its workers stopped)', async () => {
  let message = '';
  const input = (p: number) => {
    if (p === 2) throw new Error('no input for 2');
    return { value: new Float64Array(1) };
  };
  await mapPartitionTasks({ kernel: { module, name: 'scaled' }, partitions: 5, shared: { offset: 0 }, threads: 2, input }).catch((e: Error) => (message = e.message));
  assert.is(message, 'no input for 2');
});

t('an aborted map stops its workers', async () => {
  const abort = new AbortController();
  abort.abort(new Error('stopped'));
  let message = '';
  await mapPartitionTasks({ kernel: { module, name: 'scaled' }, partitions: 2, shared: { offset: 0 }, threads: 2, signal: abort.signal }).catch((e: Error) => (message = e.message));
  assert.is(message, 'stopped');
});

t.run();
