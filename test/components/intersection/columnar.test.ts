import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable, columnsFromRows, untouchedColumns } from '../../../src/components/columns.js';
import type { ComponentContext, DataTable, Instance, PartyRef } from '../../../src/components/contract.js';
import { intersection } from '../../../src/components/intersection/intersection.js';
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

/** Runs every party; records each payload a party receives, in order. */
async function runJob(parties: Party[], params: Record<string, unknown>) {
  const job = new InProcessJob();
  const roles: Record<string, string[]> = {};
  for (const p of parties) (roles[p.self.role] ??= []).push(p.self.partyId);
  const received: unknown[][] = parties.map(() => []);
  const contexts = parties.map((p, i) => {
    const ctx = job.context(p.self);
    const inner = ctx.federation;
    const federation: ComponentContext['federation'] = {
      remote: (name, tag, payload, to) => inner.remote(name, tag, payload, to),
      get: async (name, tag, from) => {
        const payload = await inner.get(name, tag, from);
        received[i]!.push([name, from.partyId, structuredClone(payload)]);
        return payload;
      },
    };
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
  return { outputs, received, metrics, sent: job.sent, undelivered: job.undelivered() };
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

t.run();
