import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryEventStore } from '../../src/store/memory/memoryEventStore.js';
import { openEventStore } from '../../src/store/openEventStore.js';
import { eventStoreContract, newEvent, newStreamId } from './eventStoreContract.js';

eventStoreContract('memory event store: contract', async () => new MemoryEventStore({ node: { partyId: '9999' } }), { partyId: '9999' });

const test = suite('memory event store: specifics');

test('an event whose data cannot be serialised fails the append and writes nothing', async () => {
  const store = new MemoryEventStore();
  const stream = newStreamId('unserialisable');
  try {
    await store.appendToStream(stream, [newEvent('fine'), newEvent('bad', { n: 1n })]);
    assert.unreachable('a bigint payload must not be accepted');
  } catch (error) {
    assert.instance(error, TypeError);
  }
  assert.equal(await store.readStream(stream), []);
  assert.is(await store.headPosition(), 0n);
  await store.close();
});

test('the stored event is a copy: mutating the appended object changes nothing', async () => {
  const store = new MemoryEventStore();
  const stream = newStreamId('copy');
  const data = { list: [1] };
  await store.appendToStream(stream, [{ type: 'T', data }]);
  data.list.push(2);
  assert.equal((await store.readStream(stream))[0]!.data, { list: [1] });
  await store.close();
});

test('openEventStore("memory") gives an in-memory store', async () => {
  const store = await openEventStore('memory', '/nonexistent-data-dir');
  assert.instance(store, MemoryEventStore);
  await store.close();
});

test('openEventStore rejects an unknown spec without echoing credentials', async () => {
  try {
    await openEventStore('esdbx://admin:secret@host:2113', '/tmp');
    assert.unreachable('unknown spec accepted');
  } catch (error) {
    assert.instance(error, Error);
    assert.match((error as Error).message, /unknown event store/);
    assert.not.match((error as Error).message, /secret/);
  }
});

test.run();
