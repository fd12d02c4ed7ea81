// The behaviour every EventStore adapter must share, run against each adapter by its own test file.
// Tests use fresh stream names and filter the log to their own streams, so they also hold on a
// server other writers use at the same time (sharedLog).
import { randomUUID } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MalformedIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../../src/store/eventStore.js';
import { runAsProcess, runInScope } from '../../src/store/audit/auditScope.js';
import { codeVersion } from '../../src/store/audit/codeVersion.js';

export interface ContractOptions {
  /** Registers one visible skipped test instead of the suite (e.g. no server configured). */
  readonly skip?: boolean;
  /** Other writers may share the log: assertions that need an empty, private log are left out. */
  readonly sharedLog?: boolean;
  /** The party id the factory's store was given as its node identity (stamped on every event). */
  readonly partyId?: string;
}

function pick(o: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
}

/** The keys every appended event's metadata carries (store/audit/stampMetadata.ts). */
function stampedKeys(partyId: string | undefined): string[] {
  return ['actor', 'codeVersion', 'correlationId', ...(partyId !== undefined ? ['partyId'] : []), 'schemaVersion'].sort();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails the test after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.unreachable(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function newStreamId(tag: string): string {
  return `contract-${tag}-${randomUUID()}`;
}

export function newEvent(type: string, data: unknown = { at: type }): NewEvent {
  return { type, data };
}

export async function assertWrongRevision(
  action: Promise<unknown>,
  streamId: string,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<void> {
  let failure: unknown;
  try {
    await action;
  } catch (error) {
    failure = error;
  }
  assert.instance(failure, WrongExpectedRevisionError, 'expected a WrongExpectedRevisionError');
  const wrong = failure as WrongExpectedRevisionError;
  assert.is(wrong.name, 'WrongExpectedRevisionError');
  assert.is(wrong.streamId, streamId);
  assert.is(wrong.expected, expected);
  assert.is(wrong.actual, actual);
}

function assertStrictlyIncreasing(positions: readonly bigint[]): void {
  for (let i = 1; i < positions.length; i++) {
    assert.ok(positions[i]! > positions[i - 1]!, `position ${positions[i]} follows ${positions[i - 1]}`);
  }
}

/** Subscribes and keeps the events of `streams` only (a shared log carries other writers' events). */
function collect(
  store: EventStore,
  streams: readonly string[],
  options: SubscribeOptions = {},
  onEvent: (event: RecordedEvent, seen: RecordedEvent[]) => void | Promise<void> = () => {},
): { seen: RecordedEvent[]; subscription: Subscription } {
  const seen: RecordedEvent[] = [];
  const subscription = store.subscribeToAll(async (event) => {
    if (!streams.includes(event.streamId)) return;
    seen.push(event);
    await onEvent(event, seen);
  }, options);
  return { seen, subscription };
}

export function eventStoreContract(name: string, factory: () => Promise<EventStore>, opts: ContractOptions = {}): void {
  const test = suite(name);
  if (opts.skip) {
    test.skip('event store contract');
    test.run();
    return;
  }

  /** Every test gets its own store and closes it, whatever happens. */
  const withStore = (body: (store: EventStore) => Promise<void>) => async () => {
    const store = await factory();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  test('append to a new stream with no_stream: revisions start at 0n', withStore(async (store) => {
    const stream = newStreamId('no-stream');
    const result = await store.appendToStream(stream, [newEvent('A'), newEvent('B'), newEvent('C')], { expectedRevision: 'no_stream' });
    assert.is(result.nextExpectedRevision, 2n);
    const events = await store.readStream(stream);
    assert.equal(events.map((e) => e.revision), [0n, 1n, 2n]);
    assert.equal(events.map((e) => e.type), ['A', 'B', 'C']);
    assert.is(result.position, events[2]!.position);
  }));

  test('append with any creates the stream and appends to it', withStore(async (store) => {
    const stream = newStreamId('any');
    assert.is((await store.appendToStream(stream, [newEvent('A')], { expectedRevision: 'any' })).nextExpectedRevision, 0n);
    assert.is((await store.appendToStream(stream, [newEvent('B')])).nextExpectedRevision, 1n, 'any is the default');
    assert.equal((await store.readStream(stream)).map((e) => e.type), ['A', 'B']);
  }));

  test('no_stream on an existing stream throws WrongExpectedRevisionError', withStore(async (store) => {
    const stream = newStreamId('exists');
    await store.appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
    await assertWrongRevision(store.appendToStream(stream, [newEvent('C')], { expectedRevision: 'no_stream' }), stream, 'no_stream', 1n);
  }));

  test('stream_exists on an absent stream throws; on an existing one it appends', withStore(async (store) => {
    const stream = newStreamId('stream-exists');
    await assertWrongRevision(store.appendToStream(stream, [newEvent('A')], { expectedRevision: 'stream_exists' }), stream, 'stream_exists', 'no_stream');
    assert.equal(await store.readStream(stream), []);
    await store.appendToStream(stream, [newEvent('A')]);
    const result = await store.appendToStream(stream, [newEvent('B')], { expectedRevision: 'stream_exists' });
    assert.is(result.nextExpectedRevision, 1n);
  }));

  test('an exact bigint revision appends; a stale one throws', withStore(async (store) => {
    const stream = newStreamId('exact');
    await assertWrongRevision(store.appendToStream(stream, [newEvent('A')], { expectedRevision: 0n }), stream, 0n, 'no_stream');
    const first = await store.appendToStream(stream, [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
    const second = await store.appendToStream(stream, [newEvent('C')], { expectedRevision: first.nextExpectedRevision });
    assert.is(second.nextExpectedRevision, 2n);
    await assertWrongRevision(store.appendToStream(stream, [newEvent('D')], { expectedRevision: 1n }), stream, 1n, 2n);
    await assertWrongRevision(store.appendToStream(stream, [newEvent('D')], { expectedRevision: 5n }), stream, 5n, 2n);
    assert.equal((await store.readStream(stream)).map((e) => e.type), ['A', 'B', 'C']);
  }));

  test('a failed multi-event append writes none of its events', withStore(async (store) => {
    const existing = newStreamId('atomic-existing');
    const absent = newStreamId('atomic-absent');
    await store.appendToStream(existing, [newEvent('A')]);
    const head = await store.headPosition();
    await assertWrongRevision(
      store.appendToStream(existing, [newEvent('X'), newEvent('Y'), newEvent('Z')], { expectedRevision: 'no_stream' }),
      existing,
      'no_stream',
      0n,
    );
    await assertWrongRevision(store.appendToStream(absent, [newEvent('X'), newEvent('Y')], { expectedRevision: 3n }), absent, 3n, 'no_stream');
    assert.equal((await store.readStream(existing)).map((e) => e.type), ['A']);
    assert.equal(await store.readStream(absent), []);
    const after = await store.readAll({ fromPosition: head });
    assert.equal(after.filter((e) => e.streamId === existing || e.streamId === absent), []);
  }));

  test('a lone surrogate in a stream id, event type or event id is refused and nothing is written', withStore(async (store) => {
    // SQLite would store such a string as bytes of its own while the chain hashes U+FFFD: verify would
    // then call an untouched event changed. A surrogate pair is fine, and so is a lone one in data.
    const good = newStreamId('surrogate-\ud83d\ude00');
    await store.appendToStream(good, [{ type: 'Ok', data: { text: 'x\ud800' } }]);
    const head = await store.headPosition();
    const refused = async (append: Promise<unknown>, field: string) => {
      const error = await append.then(() => undefined, (e: unknown) => e);
      assert.instance(error, MalformedIdError);
      assert.is((error as MalformedIdError).field, field);
    };
    const bad = newStreamId('surrogate') + '\ud800';
    await refused(store.appendToStream(bad, [newEvent('A')]), 'stream id');
    await refused(store.appendToStream(good, [newEvent('A'), newEvent('B\udc00')]), 'event type');
    await refused(store.appendToStream(good, [{ ...newEvent('A'), id: 'x\udbff' }]), 'event id');
    assert.equal((await store.readStream(good)).map((e) => e.type), ['Ok']);
    assert.equal((await store.readStream(good))[0]!.data, { text: 'x\ud800' });
    assert.equal((await store.readAll({ fromPosition: head })).filter((e) => e.streamId === good || e.streamId === bad), []);
  }));

  test('revisions are contiguous bigints from 0n across appends', withStore(async (store) => {
    const stream = newStreamId('contiguous');
    await store.appendToStream(stream, [newEvent('A'), newEvent('B')]);
    await store.appendToStream(stream, [newEvent('C')]);
    const last = await store.appendToStream(stream, [newEvent('D'), newEvent('E'), newEvent('F')], { expectedRevision: 2n });
    assert.is(last.nextExpectedRevision, 5n);
    const events = await store.readStream(stream);
    for (const event of events) assert.is(typeof event.revision, 'bigint');
    assert.equal(events.map((e) => e.revision), [0n, 1n, 2n, 3n, 4n, 5n]);
    assert.ok(events.every((e) => e.streamId === stream));
  }));

  test('positions strictly increase across streams in append order', withStore(async (store) => {
    const a = newStreamId('pos-a');
    const b = newStreamId('pos-b');
    const before = await store.headPosition();
    const results = [];
    results.push(await store.appendToStream(a, [newEvent('a1')]));
    results.push(await store.appendToStream(b, [newEvent('b1'), newEvent('b2')]));
    results.push(await store.appendToStream(a, [newEvent('a2')]));
    results.push(await store.appendToStream(b, [newEvent('b3')]));
    for (const result of results) assert.is(typeof result.position, 'bigint');
    assertStrictlyIncreasing(results.map((r) => r.position));
    assert.ok(results[0]!.position > before);
    const ours = (await store.readAll({ fromPosition: before })).filter((e) => e.streamId === a || e.streamId === b);
    assert.equal(ours.map((e) => e.type), ['a1', 'b1', 'b2', 'a2', 'b3']);
    assertStrictlyIncreasing(ours.map((e) => e.position));
    assert.is(ours[2]!.position, results[1]!.position, 'the append reports the position of its last event');
  }));

  test('readStream honours fromRevision and maxCount', withStore(async (store) => {
    const stream = newStreamId('read-stream');
    await store.appendToStream(stream, ['e0', 'e1', 'e2', 'e3', 'e4'].map((type) => newEvent(type)));
    const types = async (options: { fromRevision?: bigint; maxCount?: number }) => (await store.readStream(stream, options)).map((e) => e.type);
    assert.equal(await types({ fromRevision: 2n }), ['e2', 'e3', 'e4']);
    assert.equal(await types({ maxCount: 2 }), ['e0', 'e1']);
    assert.equal(await types({ fromRevision: 3n, maxCount: 1 }), ['e3']);
    assert.equal(await types({ fromRevision: 10n }), []);
  }));

  test('reading an absent stream gives []', withStore(async (store) => {
    assert.equal(await store.readStream(newStreamId('absent')), []);
    assert.equal(await store.readStream(newStreamId('absent'), { fromRevision: 3n, maxCount: 2 }), []);
  }));

  test('readAll from the start returns every event in global order', withStore(async (store) => {
    const a = newStreamId('all-a');
    const b = newStreamId('all-b');
    await store.appendToStream(a, [newEvent('a1'), newEvent('a2')]);
    await store.appendToStream(b, [newEvent('b1')]);
    await store.appendToStream(a, [newEvent('a3')]);
    const all = await store.readAll();
    assertStrictlyIncreasing(all.map((e) => e.position));
    assert.equal(all.filter((e) => e.streamId === a || e.streamId === b).map((e) => e.type), ['a1', 'a2', 'b1', 'a3']);
    if (!opts.sharedLog) assert.is(all.length, 4);
  }));

  test('readAll from a position is exclusive of it', withStore(async (store) => {
    const stream = newStreamId('all-from');
    await store.appendToStream(stream, [newEvent('e0'), newEvent('e1'), newEvent('e2')]);
    const [e0, e1, e2] = await store.readStream(stream);
    const afterFirst = await store.readAll({ fromPosition: e0!.position });
    assert.ok(afterFirst.every((e) => e.position > e0!.position));
    assert.equal(afterFirst.filter((e) => e.streamId === stream).map((e) => e.id), [e1!.id, e2!.id]);
    const afterLast = await store.readAll({ fromPosition: e2!.position });
    assert.equal(afterLast.filter((e) => e.streamId === stream), []);
  }));

  test('readAll pages with maxCount', withStore(async (store) => {
    const stream = newStreamId('all-pages');
    const before = await store.headPosition();
    await store.appendToStream(stream, ['p0', 'p1', 'p2', 'p3', 'p4'].map((type) => newEvent(type)));
    const ours: RecordedEvent[] = [];
    const pageSizes: number[] = [];
    let from = before;
    for (;;) {
      const page = await store.readAll({ fromPosition: from, maxCount: 2 });
      pageSizes.push(page.length);
      assert.ok(page.length <= 2, `page of ${page.length} events`);
      if (page.length === 0) break;
      ours.push(...page.filter((e) => e.streamId === stream));
      from = page.at(-1)!.position;
      if (opts.sharedLog && ours.length === 5) break;
    }
    assert.equal(ours.map((e) => e.type), ['p0', 'p1', 'p2', 'p3', 'p4']);
    if (!opts.sharedLog) assert.equal(pageSizes, [2, 2, 1, 0]);
  }));

  test('headPosition is the position of the newest event', withStore(async (store) => {
    if (!opts.sharedLog) {
      assert.is(await store.headPosition(), 0n, 'empty log');
      assert.equal(await store.readAll(), []);
    }
    const stream = newStreamId('head');
    await store.appendToStream(stream, [newEvent('A')]);
    const last = await store.appendToStream(stream, [newEvent('B'), newEvent('C')]);
    const head = await store.headPosition();
    assert.is(typeof head, 'bigint');
    if (opts.sharedLog) assert.ok(head >= last.position);
    else assert.is(head, last.position);
  }));

  test('who and why: every event keeps the scope it was appended in, the node party, schema and code version', withStore(async (store) => {
    const stream = newStreamId('audit');
    const other = newStreamId('audit-other');
    const scope = { correlationId: randomUUID(), causationId: randomUUID(), actor: { kind: 'party', partyId: '10000', proven: true } } as const;
    await runInScope(scope, () => store.appendToStream(stream, [newEvent('A'), newEvent('B')]));
    await runAsProcess('job-scheduler', () => store.appendToStream(stream, [newEvent('C')]), { id: 'cause-1', metadata: { correlationId: scope.correlationId } });
    await store.appendToStream(other, [newEvent('D'), newEvent('E')]);
    const [a, b, c] = await store.readStream(stream);
    for (const e of [a!, b!]) {
      assert.equal(pick(e.metadata, ['correlationId', 'causationId', 'actor']), scope);
      assert.is(e.metadata.schemaVersion, 1);
      assert.is(e.metadata.codeVersion, codeVersion());
      assert.is.not(codeVersion(), 'unknown');
      assert.is(e.metadata.partyId, opts.partyId);
    }
    assert.equal(pick(c!.metadata, ['correlationId', 'causationId', 'actor']), { correlationId: scope.correlationId, causationId: 'cause-1', actor: { kind: 'node', process: 'job-scheduler' } });
    const [d, e] = await store.readStream(other);
    assert.equal(d!.metadata.actor, { kind: 'node', process: 'unscoped' }, 'an append outside any scope is the node\'s own');
    assert.is(typeof d!.metadata.correlationId, 'string');
    assert.is(d!.metadata.correlationId, e!.metadata.correlationId, 'one append, one conversation');
    assert.is(d!.metadata.causationId, undefined);
  }));

  test('id, data and metadata round-trip; created is a number', withStore(async (store) => {
    const stream = newStreamId('round-trip');
    const id = randomUUID();
    const metadata = { correlationId: randomUUID(), causationId: randomUUID(), tenant: 'guest', nested: { n: 1, list: [1, 'two'] } };
    const data = { text: 'héllo', count: 3, flag: true, none: null, list: [1, { deep: 'yes' }] };
    const startedAt = Date.now();
    const before = await store.headPosition();
    await store.appendToStream(stream, [{ type: 'WithAll', data, metadata, id }, { type: 'Bare', data: { x: 1 } }]);
    const [full, bare] = await store.readStream(stream);
    assert.is(full!.id, id);
    assert.is(full!.streamId, stream);
    assert.equal(full!.data, data);
    // The caller's metadata is kept as given; the store adds who and why (store/audit) around it.
    assert.equal(pick(full!.metadata, Object.keys(metadata)), metadata);
    assert.equal(Object.keys(bare!.metadata).sort(), stampedKeys(opts.partyId), 'absent metadata reads as the stamps only');
    assert.ok(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(bare!.id), `generated id ${bare!.id}`);
    assert.is.not(bare!.id, full!.id);
    for (const event of [full!, bare!]) {
      assert.is(typeof event.created, 'number');
      // A server's clock may differ a little from ours.
      assert.ok(Math.abs(event.created - startedAt) < 10 * 60_000, `created ${event.created} is about now`);
      assert.is(typeof event.position, 'bigint');
    }
    const fromAll = (await store.readAll({ fromPosition: before })).find((e) => e.id === id);
    // The chain hash may arrive between the two reads (the sqlite writer links a batch just after
    // its commit): compared when both reads have it.
    const withoutHash = (e: typeof fromAll) => (e ? { ...e, hash: undefined } : e);
    assert.equal(withoutHash(fromAll), withoutHash(full), 'readAll and readStream agree');
    if (fromAll?.hash && full?.hash) assert.is(fromAll.hash, full.hash);
  }));

  test('subscribeToAll delivers history, then live events, in order', withStore(async (store) => {
    const stream = newStreamId('sub-live');
    await store.appendToStream(stream, [newEvent('h0'), newEvent('h1')]);
    const { seen, subscription } = collect(store, [stream]);
    try {
      await waitUntil(() => seen.length === 2, 5000, 'history');
      await store.appendToStream(stream, [newEvent('l2')]);
      await store.appendToStream(stream, [newEvent('l3'), newEvent('l4')]);
      await waitUntil(() => seen.length === 5, 5000, 'live events');
      assert.equal(seen.map((e) => e.type), ['h0', 'h1', 'l2', 'l3', 'l4']);
      assert.equal(seen.map((e) => e.revision), [0n, 1n, 2n, 3n, 4n]);
      assertStrictlyIncreasing(seen.map((e) => e.position));
    } finally {
      await subscription.unsubscribe();
    }
  }));

  test('subscribeToAll starts after fromPosition', withStore(async (store) => {
    const stream = newStreamId('sub-from');
    await store.appendToStream(stream, [newEvent('e0'), newEvent('e1'), newEvent('e2')]);
    const [e0] = await store.readStream(stream);
    const { seen, subscription } = collect(store, [stream], { fromPosition: e0!.position });
    try {
      await waitUntil(() => seen.length === 2, 5000, 'events after fromPosition');
      await sleep(100);
      assert.equal(seen.map((e) => e.type), ['e1', 'e2']);
    } finally {
      await subscription.unsubscribe();
    }
  }));

  test('subscription handler calls never overlap', withStore(async (store) => {
    const stream = newStreamId('sub-sequential');
    await store.appendToStream(stream, ['h0', 'h1', 'h2', 'h3', 'h4'].map((type) => newEvent(type)));
    let running = 0;
    let mostRunning = 0;
    const { seen, subscription } = collect(store, [stream], {}, async () => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await sleep(5);
      running -= 1;
    });
    try {
      // Live appends land while the slow handler is still working through history.
      for (const type of ['l5', 'l6', 'l7']) await store.appendToStream(stream, [newEvent(type)]);
      await waitUntil(() => seen.length === 8 && running === 0, 5000, 'all events handled');
      assert.is(mostRunning, 1);
      assert.equal(seen.map((e) => e.revision), [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    } finally {
      await subscription.unsubscribe();
    }
  }));

  test('unsubscribe waits for the running handler and stops delivery', withStore(async (store) => {
    const stream = newStreamId('sub-stop');
    await store.appendToStream(stream, [newEvent('first')]);
    let finished = 0;
    const { seen, subscription } = collect(store, [stream], {}, async () => {
      await sleep(100);
      finished += 1;
    });
    await waitUntil(() => seen.length === 1, 5000, 'first event');
    await subscription.unsubscribe();
    assert.is(finished, 1, 'unsubscribe resolved after the handler call finished');
    await store.appendToStream(stream, [newEvent('after-unsubscribe')]);
    await sleep(600); // longer than any adapter's poll interval
    assert.equal(seen.map((e) => e.type), ['first']);
    await subscription.unsubscribe(); // a second call is harmless
  }));

  test('a throwing handler stops the subscription and reaches onError', withStore(async (store) => {
    const stream = newStreamId('sub-error');
    await store.appendToStream(stream, [newEvent('e0'), newEvent('e1'), newEvent('e2')]);
    const boom = new Error('handler failed');
    const errors: unknown[] = [];
    const { seen, subscription } = collect(store, [stream], { onError: (error) => errors.push(error) }, (_event, sofar) => {
      if (sofar.length === 2) throw boom;
    });
    try {
      await waitUntil(() => errors.length === 1, 5000, 'onError');
      assert.is(errors[0], boom);
      await store.appendToStream(stream, [newEvent('live')]);
      await sleep(600);
      assert.equal(seen.map((e) => e.type), ['e0', 'e1']);
      assert.is(errors.length, 1);
    } finally {
      await subscription.unsubscribe();
    }
  }));

  test('close stops live subscriptions', async () => {
    const store = await factory();
    let closed = false;
    try {
      const stream = newStreamId('sub-close');
      const { seen } = collect(store, [stream]);
      await store.appendToStream(stream, [newEvent('e0')]);
      await waitUntil(() => seen.length === 1, 5000, 'first event');
      // Must resolve with the subscription still live, and leave nothing that keeps the process up.
      await store.close();
      closed = true;
    } finally {
      if (!closed) await store.close();
    }
  });

  test('concurrent appends with the same expectation: exactly one wins', withStore(async (store) => {
    const stream = newStreamId('race');
    await store.appendToStream(stream, [newEvent('seed')]);
    const racers = Array.from({ length: 5 }, (_, i) => store.appendToStream(stream, [newEvent(`racer-${i}`)], { expectedRevision: 0n }));
    const outcomes = await Promise.allSettled(racers);
    assert.is(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') assert.instance(outcome.reason, WrongExpectedRevisionError);
    }
    assert.is((await store.readStream(stream)).length, 2);

    const fresh = newStreamId('race-new');
    const creators = Array.from({ length: 5 }, (_, i) => store.appendToStream(fresh, [newEvent(`creator-${i}`)], { expectedRevision: 'no_stream' }));
    const created = await Promise.allSettled(creators);
    assert.is(created.filter((o) => o.status === 'fulfilled').length, 1);
    assert.is((await store.readStream(fresh)).length, 1);
  }));

  // appendToStreams is optional (EventStoreDB has no multi-stream transaction); where an adapter
  // has it, it must be all or nothing.
  test('appendToStreams writes every stream in one go, positions in the order given', withStore(async (store) => {
    if (!store.appendToStreams) return;
    const a = newStreamId('multi-a');
    const b = newStreamId('multi-b');
    await store.appendToStream(a, [newEvent('A0')]);
    const results = await store.appendToStreams([
      { streamId: a, events: [newEvent('A1'), newEvent('A2')], expectedRevision: 0n },
      { streamId: b, events: [newEvent('B0')], expectedRevision: 'no_stream' },
    ]);
    assert.equal(results.map((r) => r.nextExpectedRevision), [2n, 0n]);
    const [evA, evB] = [await store.readStream(a), await store.readStream(b)];
    assert.equal(evA.map((e) => e.type), ['A0', 'A1', 'A2']);
    assert.equal(evB.map((e) => e.type), ['B0']);
    assert.is(results[0]!.position, evA[2]!.position);
    assert.is(results[1]!.position, evB[0]!.position);
    assertStrictlyIncreasing([evA[1]!.position, evA[2]!.position, evB[0]!.position]);
  }));

  test('appendToStreams with one failed expectation writes nothing at all', withStore(async (store) => {
    if (!store.appendToStreams) return;
    const a = newStreamId('multi-ok');
    const b = newStreamId('multi-stale');
    await store.appendToStream(b, [newEvent('B0'), newEvent('B1')]);
    const head = await store.headPosition();
    await assertWrongRevision(store.appendToStreams([
      { streamId: a, events: [newEvent('A0')], expectedRevision: 'no_stream' },
      { streamId: b, events: [newEvent('B2')], expectedRevision: 0n },
    ]), b, 0n, 1n);
    assert.equal(await store.readStream(a), []);
    assert.equal((await store.readStream(b)).map((e) => e.type), ['B0', 'B1']);
    if (!opts.sharedLog) assert.is(await store.headPosition(), head);
    // An unserialisable payload fails the whole unit too.
    await store.appendToStreams([
      { streamId: a, events: [newEvent('A0')] },
      { streamId: b, events: [newEvent('bad', { n: 1n })] },
    ]).then(() => assert.unreachable('a bigint payload must fail'), () => {});
    assert.equal(await store.readStream(a), []);
  }));

  test.run();
}
