import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartyRef } from '../../../src/components/contract.js';
import type { DataTable } from '../../../src/tableData/dataTable.js';
import { intersection } from '../../../src/components/intersection/intersection.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('Intersection (raw)');

function table(keys: string[], header = ['x0', 'x1']): DataTable<string> {
  return { schema: { header, sid_name: 'id' }, rows: keys.map((k) => [k, `${k}.1,${k}.2`]) };
}

const keysOf = (data: DataTable | undefined) => data!.rows.map(([k]) => k);

interface Party {
  self: PartyRef;
  data: DataTable<string>;
}

async function runJob(parties: Party[], params: Record<string, unknown> = {}) {
  const job = new InProcessJob();
  const roles: Record<string, string[]> = {};
  for (const p of parties) (roles[p.self.role] ??= []).push(p.self.partyId);
  const contexts = parties.map((p) => job.context(p.self));
  const outputs = await Promise.all(
    parties.map((p, i) =>
      intersection(
        componentInput({
          module: 'Intersection', componentName: 'intersection_0', role: p.self.role, partyId: p.self.partyId, roles,
          params: { intersect_method: 'raw', ...params }, data: { data: p.data },
        }),
        contexts[i]!,
      ),
    ),
  );
  return { job, outputs, contexts };
}

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const HOST2: PartyRef = { role: 'host', partyId: '10001' };

t('given guest and host with partial overlap, when intersecting, then both keep only the common ids with their own values', async () => {
  const guestTable = table(['1', '2', '3', '4']);
  const hostTable = table(['2', '4', '6'], ['h0', 'h1']);
  const { job, outputs, contexts } = await runJob([{ self: GUEST, data: guestTable }, { self: HOST, data: hostTable }]);
  const [guest, host] = outputs;
  assert.equal(keysOf(guest!.data), ['2', '4']);
  assert.equal(keysOf(host!.data), ['2', '4']);
  assert.equal(guest!.data!.rows, [['2', '2.1,2.2'], ['4', '4.1,4.2']]);
  assert.equal(guest!.data!.schema, guestTable.schema);
  assert.equal(host!.data!.schema, hostTable.schema);

  const g = contexts[0]!.tracker.get('train', 'intersection');
  assert.equal(g.data, [['intersect_count', 2], ['intersect_rate', 0.5]]);
  assert.equal(g.meta, { name: 'intersection', metric_type: 'INTERSECTION' });
  assert.equal(contexts[1]!.tracker.get('train', 'intersection').data, [['intersect_count', 2], ['intersect_rate', 2 / 3]]);

  // FATE's raw flow with join_role guest: the host sends its ids, the guest sends back the intersection.
  assert.equal(job.sent.map((m) => [m.name, m.tag, m.from.role, m.to.role]), [
    ['RawIntersectTransferVariable.send_ids_host', 'fit', 'host', 'guest'],
    ['RawIntersectTransferVariable.intersect_ids_guest', 'fit', 'guest', 'host'],
  ]);
  assert.is(job.undelivered(), 0);
});

t('given two hosts, when intersecting, then the guest intersects with both and every party keeps the ids common to all', async () => {
  const { outputs, contexts } = await runJob([
    { self: GUEST, data: table(['a', 'b', 'c', 'd', 'e']) },
    { self: HOST, data: table(['b', 'c', 'd', 'z']) },
    { self: HOST2, data: table(['a', 'c', 'd', 'y']) },
  ]);
  for (const out of outputs) assert.equal(keysOf(out.data), ['c', 'd']);
  assert.equal(contexts[0]!.tracker.get('train', 'intersection').data, [['intersect_count', 2], ['intersect_rate', 0.4]]);
  assert.equal(contexts[2]!.tracker.get('train', 'intersection').data, [['intersect_count', 2], ['intersect_rate', 0.5]]);
});

t('given join_role host and two hosts, when intersecting, then the parties still agree on the common ids', async () => {
  const { job, outputs } = await runJob(
    [
      { self: GUEST, data: table(['a', 'b', 'c', 'd']) },
      { self: HOST, data: table(['a', 'b', 'c']) },
      { self: HOST2, data: table(['b', 'c', 'd']) },
    ],
    { join_role: 'host' },
  );
  for (const out of outputs) assert.equal(keysOf(out.data), ['b', 'c']);
  assert.ok(job.sent.some((m) => m.name === 'RawIntersectTransferVariable.send_ids_guest'));
  assert.is(job.undelivered(), 0);
});

t('given no overlap, when intersecting, then outputs are empty and the count is 0', async () => {
  const { outputs, contexts } = await runJob([{ self: GUEST, data: table(['1']) }, { self: HOST, data: table(['2']) }]);
  assert.equal(outputs[0]!.data!.rows, []);
  assert.equal(outputs[1]!.data!.rows, []);
  assert.equal(contexts[0]!.tracker.get('train', 'intersection').data, [['intersect_count', 0], ['intersect_rate', 0]]);
});

t('given sync_intersect_ids false, when intersecting, then only the guest (join role) outputs', async () => {
  const { outputs, job } = await runJob(
    [{ self: GUEST, data: table(['1', '2']) }, { self: HOST, data: table(['2', '3']) }],
    { sync_intersect_ids: false },
  );
  assert.equal(keysOf(outputs[0]!.data), ['2']);
  assert.is(outputs[1]!.data, undefined);
  assert.equal(job.sent.map((m) => m.name), ['RawIntersectTransferVariable.send_ids_host']);
});

t('given only_output_key, when intersecting, then rows carry the key only', async () => {
  const { outputs } = await runJob([{ self: GUEST, data: table(['1', '2']) }, { self: HOST, data: table(['2']) }], { only_output_key: true });
  assert.equal(outputs[0]!.data!.rows, [['2', 'intersect_id']]);
  assert.equal(outputs[0]!.data!.schema.header, []);
});

t('given an unknown intersect_method, when run, then it fails naming the supported ones', async () => {
  const job = new InProcessJob();
  try {
    await intersection(
      componentInput({ module: 'Intersection', role: 'guest', params: { intersect_method: 'dh' }, data: { data: table(['1']) } }),
      job.context(GUEST),
    );
    assert.unreachable('should reject');
  } catch (error) {
    assert.is((error as Error).message, 'Intersection: intersect_method dh is not supported; use raw or rsa');
  }
});

t('given a host waiting for a guest that never answers, when the task is aborted, then the host rejects', async () => {
  const job = new InProcessJob();
  const abort = new AbortController();
  const pending = intersection(
    componentInput({ module: 'Intersection', role: 'host', partyId: '10000', data: { data: table(['1']) } }),
    job.context(HOST, abort.signal),
  );
  setTimeout(() => abort.abort(new Error('task stopped')), 5);
  try {
    await pending;
    assert.unreachable('should reject');
  } catch (error) {
    assert.is((error as Error).message, 'task stopped');
  }
});

t('given an arbiter, when run, then it does nothing', async () => {
  const out = await intersection(
    componentInput({ module: 'Intersection', role: 'arbiter', roles: { guest: ['1'], host: ['2'], arbiter: ['3'] } }),
    new InProcessJob().context({ role: 'arbiter', partyId: '3' }),
  );
  assert.equal(out, {});
});

t.run();
