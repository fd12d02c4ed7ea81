// HeteroLR's id traffic as task workers carry it (issue 17): the guest sends its batch and predict
// ids packed from one join (remotePacked), the host reads them packed in place (getPacked). The
// models, outputs and every payload each party receives (unpacked) are those of the plain run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { columnarTable } from '../../../src/tableData/columns.js';
import type { ComponentContext, Federation, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroLR } from '../../../src/components/heteroLR/heteroLR.js';
import { packPayload, unpackPayload } from '../../../src/scheduler/packedPayload.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const PARTIES: PartyRef[] = [{ role: 'guest', partyId: '9999' }, { role: 'host', partyId: '10000' }, { role: 'arbiter', partyId: '10001' }];
const N = 24_000;

/** Ids in key order on both sides (as intersected tables are); the label depends on both parties' features. */
function tables(): [DataTable<Instance>, DataTable<Instance>] {
  const keys = Array.from({ length: N }, (_, i) => `u${i}`).sort();
  const f = (i: number, c: number) => Math.sin(i * (c + 1) * 0.37 + c);
  const guest = columnarTable({ header: ['g0', 'g1'], sid_name: 'id', label_name: 'y' }, {
    keys,
    features: [Float64Array.from(keys, (_, i) => f(i, 0)), Float64Array.from(keys, (_, i) => f(i, 1))],
    labels: Float64Array.from(keys, (_, i) => (f(i, 0) + f(i, 2) - f(i, 3) > 0 ? 1 : 0)),
  });
  const host = columnarTable({ header: ['h0', 'h1'], sid_name: 'id' }, {
    keys: [...keys],
    features: [Float64Array.from(keys, (_, i) => f(i, 2)), Float64Array.from(keys, (_, i) => f(i, 3))],
  });
  return [guest, host];
}

async function run(asWorkers: boolean) {
  const job = new InProcessJob();
  const received: unknown[][] = PARTIES.map(() => []);
  let packedSends = 0;
  let packedReads = 0;
  const contexts = PARTIES.map((self, p): ComponentContext => {
    const ctx = job.context(self);
    const inner = ctx.federation;
    const keep = (payload: unknown) => received[p]!.push(structuredClone(unpackPayload(payload)));
    const federation: Federation = asWorkers
      ? {
          remote: (name, tag, payload, to) => inner.remote(name, tag, packPayload(payload), to),
          remotePacked: (name, tag, ids, to) => {
            packedSends++;
            return inner.remote(name, tag, ids, to);
          },
          get: async (name, tag, from) => {
            const payload = unpackPayload(await inner.get(name, tag, from));
            keep(payload);
            return payload;
          },
          getPacked: async (name, tag, from) => {
            const payload = await inner.get(name, tag, from);
            if (!Array.isArray(payload) && typeof payload === 'object' && payload !== null && 'fedflowPackedStrings' in payload) packedReads++;
            keep(payload);
            return payload;
          },
        }
      : {
          remote: inner.remote,
          get: async (name, tag, from) => {
            const payload = await inner.get(name, tag, from);
            keep(payload);
            return payload;
          },
        };
    return { ...ctx, federation };
  });
  const [guest, host] = tables();
  const params = {
    penalty: 'L2', alpha: 0.01, optimizer: 'rmsprop', learning_rate: 0.15, max_iter: 2, early_stop: 'diff', tol: 0.0001,
    batch_size: 10_000, init_param: { init_method: 'zeros' }, encrypt_param: { method: null },
  };
  const data = [{ train_data: guest }, { train_data: host }, {}];
  const outputs = await Promise.all(
    PARTIES.map((self, p) =>
      heteroLR(componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role: self.role, partyId: self.partyId, roles: ROLES, params, data: data[p]! }), contexts[p]!),
    ),
  );
  assert.is(job.undelivered(), 0);
  return { outputs, received, packedSends, packedReads };
}

const text = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

test('given ids over the packing size, when trained as task workers carry ids, then models, outputs and every received payload are the plain run\'s', async () => {
  const plain = await run(false);
  const workers = await run(true);
  // Batches of 10,000, 10,000 and 4,000 ids (the last too short to pack), then all 24,000 to predict.
  assert.is(workers.packedSends, 3, 'two batches and the predict ids went packed from one join');
  assert.is(workers.packedReads, 3, 'and the host read them packed');
  assert.is(text(workers.received), text(plain.received));
  workers.outputs.forEach((out, p) => {
    assert.is(text(out.model ?? null), text(plain.outputs[p]!.model ?? null), `${PARTIES[p]!.role} model`);
    assert.is(text(out.data?.rows ?? null), text(plain.outputs[p]!.data?.rows ?? null), `${PARTIES[p]!.role} output`);
  });
  assert.ok(plain.outputs[0]!.data!.rows.length === N);
});

test.run();
