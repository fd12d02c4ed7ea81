// What a host receives, in training (4 classes, missing values off, validation on) and in a predict
// job: ciphertexts, ids it already holds, node ids, counts, flags — never a label, a gradient or
// hessian in clear, a guest feature value or a score.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroSecureBoost } from '../../../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { recording, type Sent } from '../../support/breastHetero.js';
import { heteroTables } from '../../support/boostTables.js';
import { componentInput, InProcessJob } from '../../support/inProcessFederation.js';

const t = suite('HeteroSecureBoost: what a host receives');
const ROLES = { guest: ['9999'], host: ['10000'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };

const leaves = (v: unknown, out: unknown[] = []): unknown[] => {
  if (v instanceof Uint8Array) out.push(...v);
  else if (v instanceof Map) [...v.entries()].forEach(([k, x]) => leaves([k, x], out));
  else if (Array.isArray(v)) v.forEach((x) => leaves(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => leaves(x, out));
  else out.push(v);
  return out;
};

async function run(params: Record<string, unknown>, data: { guest: DataTable<Instance>; host: DataTable<Instance> }, log: Sent[], models?: { guest: ModelBuffers; host: ModelBuffers }) {
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  };
  const input = (role: string, table: DataTable<Instance>, model?: ModelBuffers) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: ROLES, params, data: model ? { data: table } : { train_data: table, eval_data: table }, ...(model ? { model } : {}) });
  const [guest, host] = await Promise.all([heteroSecureBoost(input('guest', data.guest, models?.guest), ctx(GUEST)), heteroSecureBoost(input('host', data.host, models?.host), ctx(HOST))]);
  assert.is(job.undelivered(), 0);
  return { guest, host };
}

t('4 classes, Paillier 512, validation every round, then a predict job: the host gets only ciphertexts, its ids, node ids, counts and flags', async () => {
  const tables = await heteroTables('vehicle_scale_hetero_guest', ['vehicle_scale_hetero_host'], 'y');
  const data = { guest: tables.guest, host: tables.hosts[0]! };
  const params = { task_type: 'classification', num_trees: 2, tree_param: { max_depth: 3 }, encrypt_param: { method: 'Paillier', key_length: 512 }, validation_freqs: 1 };
  const log: Sent[] = [];
  const trained = await run(params, data, log);
  const stored = (m: ModelBuffers) => Object.fromEntries(Object.entries(m).map(([n, j]) => [n, decodeBuffer(n, encodeBuffer(n, j))]));
  await run(params, data, log, { guest: stored(trained.guest.model!), host: stored(trained.host.model!) });

  const toHost = log.filter((m) => m.to.role === 'host');
  const names = new Set(toHost.map((m) => m.name));
  for (const n of ['HeteroSecureBoostingTreeTransferVariable.encrypted_grad_and_hess', 'HeteroSecureBoostingTreeTransferVariable.predict_data', 'HeteroDecisionTreeTransferVariable.tree_node_queue']) assert.ok(names.has(n), `no ${n}`);
  const ids = new Set(data.guest.rows.map(([k]) => k));
  const labels = data.guest.rows.map(([, i]) => i.label!);
  const guestValues = new Set(data.guest.rows.flatMap(([, i]) => i.features));
  const scores = new Set((trained.guest.data!.rows as [string, unknown[]][]).map(([, r]) => r[2]));
  let ciphertexts = 0;
  for (const m of toHost) {
    for (const v of leaves(m.payload)) {
      if (typeof v === 'bigint') {
        if (m.name.endsWith('paillier_pubkey')) continue; // n, the public key
        assert.ok(v > 2n ** 900n, `${m.name}: a small bigint ${v}`);
        ciphertexts++;
      } else if (typeof v === 'string') {
        assert.ok(ids.has(v) || m.name.endsWith('.tree') || m.name.endsWith('paillier_pubkey'), `${m.name}: string ${v}`);
      } else if (typeof v === 'number') {
        assert.ok(Number.isInteger(v), `${m.name}: a plain float ${v} (gradient, feature or score)`);
        assert.not.ok(scores.has(v) && !Number.isInteger(v));
        assert.not.ok(guestValues.has(v) && !Number.isInteger(v));
      } else {
        assert.ok(typeof v === 'boolean' || v === null, `${m.name}: ${String(v)}`);
      }
    }
    // No per-row list equals the labels.
    for (const list of [m.payload, ...(m.payload && typeof m.payload === 'object' ? Object.values(m.payload) : [])]) {
      if (Array.isArray(list) && list.length === labels.length) assert.not.equal(list, labels, `${m.name} carries the labels`);
    }
  }
  assert.ok(ciphertexts >= 846 * 2 * 4, `${ciphertexts} ciphertexts`);
  // The predict and validation requests are exactly the id lists.
  for (const m of toHost.filter((x) => x.name.endsWith('.predict_data'))) assert.equal(m.payload, data.guest.rows.map(([k]) => k));
});

t.run();
