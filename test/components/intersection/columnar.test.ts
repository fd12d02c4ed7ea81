import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, markConsumable, untouchedColumns } from '../../../src/tableData/columns.js';
import type { ComponentContext, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { intersection } from '../../../src/components/intersection/intersection.js';
import { joinedIds } from '../../../src/tableData/packedIds.js';
import { packPayload, unpackPayload } from '../../../src/scheduler/packedPayload.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('Intersection on columns');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const HOST2: PartyRef = { role: 'host', partyId: '10001' };

/** Instances for the keys, labelled on the guest (label first, as some readers build them). */
function rows(keys: string[], labelled: boolean, width: number): DataTable<Instance> {
  const header = Array.from({ length: width }, (_, c) => `x${c}`);
  return {
    schema: { header, sid_name: 'id', ...(labelled ? { label_name: 'y' } : {}) },
    rows: keys.map((k, r) => {
      const features = header.map((_, c) => (c === 1 && r % 3 === 0 ? NaN : Number(k.replace(/\D/g, '') || 0) / 7 + c));
      return [k, labelled ? { label: r % 2, features } : { features }];
    }),
  };
}

const asColumns = (table: DataTable<Instance>) => columnarTable(table.schema, columnsFromRows(table.rows)!);

interface Party {
  self: PartyRef;
  data: DataTable;
}

/**
 * Runs every party; records each payload a party receives, in order. `asWorkers`: as task workers
 * run it — long id lists cross packed (a structured clone of the packed form), the federation offers
 * `getPacked`, and each input is the task's alone (marked consumable).
 */
async function runJob(parties: Party[], params: Record<string, unknown>, asWorkers = false) {
  const job = new InProcessJob();
  const roles: Record<string, string[]> = {};
  for (const p of parties) (roles[p.self.role] ??= []).push(p.self.partyId);
  const received: unknown[][] = parties.map(() => []);
  let packedGets = 0;
  let packedSends = 0;
  const contexts = parties.map((p, i) => {
    const ctx = job.context(p.self);
    const inner = ctx.federation;
    const federation: ComponentContext['federation'] = {
      remote: (name, tag, payload, to) => inner.remote(name, tag, asWorkers ? structuredClone(packPayload(payload)) : payload, to),
      get: async (name, tag, from) => {
        const payload = asWorkers ? unpackPayload(await inner.get(name, tag, from)) : await inner.get(name, tag, from);
        received[i]!.push([name, from.partyId, structuredClone(payload)]);
        return payload;
      },
    };
    if (asWorkers) {
      federation.getPacked = async (name, tag, from) => {
        const payload = await inner.get(name, tag, from);
        received[i]!.push([name, from.partyId, unpackPayload(structuredClone(payload))]);
        packedGets++;
        return payload;
      };
      // A packed list a component sends itself (JoinedIds) crosses as it is.
      federation.remotePacked = (name, tag, ids, to) => {
        packedSends++;
        return inner.remote(name, tag, structuredClone(ids), to);
      };
      markConsumable(p.data);
    }
    return { ...ctx, federation };
  });
  const outputs = await Promise.all(
    parties.map((p, i) =>
      intersection(
        componentInput({ module: 'Intersection', role: p.self.role, partyId: p.self.partyId, roles, params, data: { data: p.data } }),
        contexts[i]!,
      ),
    ),
  );
  const metrics = contexts.map((c) => (c.tracker.get('train', 'intersection') as { data?: unknown }).data);
  return { outputs, received, metrics, sent: job.sent, undelivered: job.undelivered(), packedGets, packedSends };
}

const exact = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v));

const GUEST_KEYS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
const HOST_KEYS = ['a8', 'a2', 'a9', 'a4', 'a1', 'a0'];
const HOST2_KEYS = ['a4', 'a1', 'a8', 'a3'];

const SHAPES: [string, Record<string, unknown>, () => Party[][]][] = [
  ['raw, join_role guest', { intersect_method: 'raw' }, () => twoParties()],
  ['raw, join_role host, two hosts', { intersect_method: 'raw', join_role: 'host' }, () => threeParties()],
  ['raw, join_role guest, two hosts', { intersect_method: 'raw' }, () => threeParties()],
  ['raw, only_output_key', { intersect_method: 'raw', only_output_key: true }, () => twoParties()],
];

function twoParties(): Party[][] {
  return [
    [{ self: GUEST, data: rows(GUEST_KEYS, true, 3) }, { self: HOST, data: rows(HOST_KEYS, false, 2) }],
    [{ self: GUEST, data: asColumns(rows(GUEST_KEYS, true, 3)) }, { self: HOST, data: asColumns(rows(HOST_KEYS, false, 2)) }],
  ];
}

function threeParties(): Party[][] {
  const make = (columnar: boolean): Party[] => {
    const wrap = (table: DataTable<Instance>) => (columnar ? asColumns(table) : table);
    return [
      { self: GUEST, data: wrap(rows(GUEST_KEYS, true, 3)) },
      { self: HOST, data: wrap(rows(HOST_KEYS, false, 2)) },
      { self: HOST2, data: wrap(rows(HOST2_KEYS, false, 4)) },
    ];
  };
  return [make(false), make(true)];
}

for (const [name, params, parties] of SHAPES) {
  t(`given every party's table as columns (${name}), when intersecting, then outputs, messages and metrics are those of the same tables as rows, and no rows are built`, async () => {
    const [asRows, asCols] = parties();
    const before = await runJob(asRows!, params);
    const after = await runJob(asCols!, params);
    assert.is(exact(after.received), exact(before.received), 'every party receives the same payloads');
    assert.equal(after.sent, before.sent);
    assert.equal(after.metrics, before.metrics);
    assert.is(after.undelivered, 0);
    for (const party of asCols!) assert.ok(untouchedColumns(party.data), `${party.self.partyId}: the input rows were never built`);
    after.outputs.forEach((out, i) => {
      const expected = before.outputs[i]!.data!;
      if (params.only_output_key) assert.is(out.data!.columns, undefined, 'only_output_key keeps its key rows');
      else assert.ok(untouchedColumns(out.data!), 'the output is columnar, its rows not built');
      assert.equal(out.data!.schema, expected.schema);
      assert.is(exact(out.data!.rows), exact(expected.rows));
    });
    // Sanity: the common ids, in each party's own key order.
    assert.equal(after.outputs[0]!.data!.rows.map(([k]) => k), asCols!.length === 3 ? ['a1', 'a4', 'a8'] : ['a1', 'a2', 'a4', 'a8']);
  });
}

t('given columns with a label first, when intersected, then the output rows keep the label first', async () => {
  const [, asCols] = twoParties();
  const { outputs } = await runJob(asCols!, { intersect_method: 'raw' });
  assert.equal(Object.keys(outputs[0]!.data!.rows[0]![1] as object), ['label', 'features']);
  assert.equal(outputs[0]!.data!.columns!.keys, ['a1', 'a2', 'a4', 'a8']);
});

t('given every id in common, when intersecting columns, then the output shares the input columns (no copy)', async () => {
  const guest = asColumns(rows(['a1', 'a2', 'a3'], true, 2));
  const host = asColumns(rows(['a3', 'a1', 'a2'], false, 3));
  const { outputs } = await runJob([{ self: GUEST, data: guest }, { self: HOST, data: host }], { intersect_method: 'raw' });
  assert.is(untouchedColumns(outputs[0]!.data!), guest.columns);
  assert.is(untouchedColumns(outputs[1]!.data!), host.columns);
  assert.equal(outputs[1]!.data!.rows, host.rows);
});

t('given columnar tables, when intersecting with rsa, then each party keeps the rows raw keeps, as columns', async () => {
  const params = { intersect_method: 'rsa', rsa_params: { key_length: 512 } };
  const [asRows, asCols] = threeParties();
  const raw = await runJob(asRows!, { intersect_method: 'raw' });
  const rsa = await runJob(asCols!, params);
  for (const party of asCols!) assert.ok(untouchedColumns(party.data));
  rsa.outputs.forEach((out, i) => {
    assert.ok(untouchedColumns(out.data!));
    assert.is(exact(out.data!.rows), exact(raw.outputs[i]!.data!.rows));
  });
  assert.equal(rsa.metrics, raw.metrics);
});

t('given long id lists as task workers pass them (packed, read in place) and inputs that are the task\'s alone, when intersecting, then outputs, messages and metrics are the same, and the kept rows reuse the input memory', async () => {
  // Over the packing threshold (10,000): guest 0..29,999 in key order, host a shuffled 25,000 of
  // 5,000..34,999 (ids past the guest's too), a second host every third id.
  const guestKeys = Array.from({ length: 30_000 }, (_, i) => `id${i}`).sort();
  const hostKeys = Array.from({ length: 25_000 }, (_, i) => `id${5_000 + ((i * 7_919) % 30_000)}`);
  const host2Keys = guestKeys.filter((_, i) => i % 3 !== 1);
  // Lists in key order meet by a merge, others by a hash set: the host's ids shuffled, then sorted.
  for (const [params, hostIds] of [
    [{ intersect_method: 'raw' }, hostKeys],
    [{ intersect_method: 'raw', join_role: 'host' }, hostKeys],
    [{ intersect_method: 'raw' }, [...hostKeys].sort()],
    [{ intersect_method: 'raw', join_role: 'host' }, [...hostKeys].sort()],
  ] as const) {
    const make = (): Party[] => [
      { self: GUEST, data: asColumns(rows(guestKeys, true, 3)) },
      { self: HOST, data: asColumns(rows([...hostIds], false, 2)) },
      { self: HOST2, data: asColumns(rows(host2Keys, false, 4)) },
    ];
    const plain = await runJob(make(), params);
    const parties = make();
    const inputs = parties.map((p) => p.data.columns!.features[0]!.buffer);
    const workers = await runJob(parties, params, true);
    assert.ok(workers.packedGets >= 3, `lists crossed packed and were read so (${workers.packedGets})`);
    assert.ok(workers.packedSends >= 2, `own ids and kept ids went out packed without a list (${workers.packedSends})`);
    assert.is(exact(workers.received), exact(plain.received), 'every party receives the same lists');
    assert.equal(workers.metrics, plain.metrics);
    assert.is(workers.undelivered, 0);
    workers.outputs.forEach((out, i) => {
      const expected = plain.outputs[i]!.data!;
      assert.ok(untouchedColumns(out.data!), 'the output is columnar');
      assert.is(exact(out.data!.rows), exact(expected.rows));
      assert.ok(out.data!.rows.length < parties[i]!.data.columns!.keys.length, 'some rows were dropped');
      assert.is(out.data!.columns!.features[0]!.buffer, inputs[i], 'the kept rows were moved within the input columns');
      // The kept keys' join (remembered from the packed send, when there was one) is theirs.
      const keys = out.data!.columns!.keys;
      assert.is(joinedIds(keys).joinAt(Int32Array.from(keys.keys())), keys.join('\n'), 'the kept keys\' join');
    });
  }
});

t('given a packed list whose count does not match, when intersecting, then the task fails naming the sender', async () => {
  const guest = asColumns(rows(Array.from({ length: 20_000 }, (_, i) => `id${i}`), true, 2));
  const job = new InProcessJob();
  const ctx = job.context(GUEST);
  const federation: ComponentContext['federation'] = {
    remote: async () => {},
    get: async () => [],
    getPacked: async () => ({ fedflowPackedStrings: 'a\nb', count: 20_000 }),
  };
  const roles = { guest: [GUEST.partyId], host: [HOST.partyId] };
  const input = componentInput({ module: 'Intersection', role: 'guest', partyId: GUEST.partyId, roles, params: { intersect_method: 'raw' }, data: { data: guest } });
  try {
    await intersection(input, { ...ctx, federation });
    assert.unreachable('a malformed packed list must fail');
  } catch (error) {
    assert.match((error as Error).message, /send_ids_host from host 10000: a packed list of 20000 strings holds 2/);
  }
});

t.run();
