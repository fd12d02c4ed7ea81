import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroFeatureBinning } from '../../../src/components/featureBinning/featureBinning.js';
import { ENCRYPTED_BIN_SUM, ENCRYPTED_LABEL } from '../../../src/components/featureBinning/protocol.js';
import { binIndex } from '../../../src/components/featureBinning/splitPoints.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('HeteroFeatureBinning');

const GUEST: PartyRef = { role: 'guest', partyId: '10000' };
const HOST_A: PartyRef = { role: 'host', partyId: '9999' };
const HOST_B: PartyRef = { role: 'host', partyId: '9998' };
const PLAIN = { method: null };
const PAILLIER = { method: 'Paillier', key_length: 512 };

interface Run {
  guest: ComponentOutput;
  hosts: ComponentOutput[];
  log: Sent[];
}

async function run(params: Record<string, unknown>, hosts: PartyRef[] = [HOST_A], data?: { guest: DataTable<Instance>; host: DataTable<Instance> }): Promise<Run> {
  const { guest, host } = data ?? (await breast());
  const job = new InProcessJob();
  const log: Sent[] = [];
  const roles = { guest: [GUEST.partyId], host: hosts.map((h) => h.partyId) };
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  };
  const input = (self: PartyRef, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroFeatureBinning', componentName: 'hetero_feature_binning_0', role: self.role, partyId: self.partyId, roles, params, data: { data: table } });
  const [g, ...hs] = await Promise.all([heteroFeatureBinning(input(GUEST, guest), ctx(GUEST)), ...hosts.map((h) => heteroFeatureBinning(input(h, host), ctx(h)))]);
  assert.is(job.undelivered(), 0);
  return { guest: g!, hosts: hs, log };
}

type Col = { iv: number; woeArray: number[]; splitPoints: number[]; eventCountArray: number[]; nonEventCountArray: number[]; isWoeMonotonic: boolean; binNums: number; binAnonymous: string[] };
const param = (out: ComponentOutput) => out.model!.FeatureBinningParam as any;
const ownCols = (out: ComponentOutput) => param(out).binningResult.binningResult as Record<string, Col>;
const hostCols = (out: ComponentOutput, i = 0) => param(out).hostResults[i].binningResult as Record<string, Col>;

/** WOE/IV recomputed from scratch (the textbook formulas with FATE's adjustment), independent of woe.ts. */
function reference(values: number[], labels: number[], splitPoints: number[], adjustment = 0.5): { iv: number; woe: number[] } {
  const bins = values.map((v) => binIndex(v, splitPoints));
  const top = Math.max(...bins);
  const ev = Array(top + 1).fill(0);
  const ne = Array(top + 1).fill(0);
  bins.forEach((b, i) => (labels[i] === 1 ? ev[b]++ : ne[b]++));
  const E = Math.max(1, ev.reduce((a, b) => a + b, 0));
  const N = Math.max(1, ne.reduce((a, b) => a + b, 0));
  let iv = 0;
  const woe: number[] = [];
  for (let b = 0; b <= top; b++) {
    const adj = ev[b] === 0 || ne[b] === 0 ? adjustment : 0;
    const er = (ev[b] + adj) / E;
    const nr = (ne[b] + adj) / N;
    woe.push(Math.log(er / nr));
    iv += (er - nr) * Math.log(er / nr);
  }
  return { iv, woe };
}

let plain: Run | null = null;
let enc: Run | null = null;

t('given breast in plaintext mode, then every guest and host column’s IV/WOE equals a recomputation from the split points and labels within 1e-9', async () => {
  plain = await run({ encrypt_param: PLAIN });
  const { guest, host } = await breast();
  const labels = guest.rows.map(([, r]) => r.label!);
  const g = ownCols(plain.guest);
  assert.equal(Object.keys(g), guest.schema.header);
  guest.schema.header.forEach((name, c) => {
    const ref = reference(guest.rows.map(([, r]) => r.features[c]!), labels, g[name]!.splitPoints);
    assert.ok(Math.abs(ref.iv - g[name]!.iv) < 1e-9, `${name}: ${g[name]!.iv} vs ${ref.iv}`);
    ref.woe.forEach((w, i) => assert.ok(Math.abs(w - g[name]!.woeArray[i]!) < 1e-9));
    assert.ok(g[name]!.splitPoints.length <= 10 && g[name]!.splitPoints.length > 0);
  });
  // The host's own model keeps its split points; the guest's view of them has none.
  const hostOwn = ownCols(plain.hosts[0]!);
  const h = hostCols(plain.guest);
  assert.equal(Object.keys(h), host.schema.header.map((_, i) => `host.${i}`));
  assert.is(param(plain.guest).hostResults[0].partyId, HOST_A.partyId);
  assert.is(param(plain.guest).hostResults[0].role, 'host');
  const labelOf = new Map(guest.rows.map(([k, r]) => [k, r.label!]));
  host.schema.header.forEach((name, c) => {
    const sp = hostOwn[name]!.splitPoints;
    assert.ok(sp.length > 0);
    const ref = reference(host.rows.map(([, r]) => r.features[c]!), host.rows.map(([k]) => labelOf.get(k)!), sp);
    const got = h[`host.${c}`]!;
    assert.ok(Math.abs(ref.iv - got.iv) < 1e-9, `${name}: ${got.iv} vs ${ref.iv}`);
    assert.equal(got.splitPoints, []);
    assert.equal(got.binAnonymous, []);
    assert.is(got.binNums, ref.woe.length);
  });
});

t('given Paillier (512-bit key), then the IVs, WOEs and counts equal the plaintext run exactly', async () => {
  enc = await run({ encrypt_param: PAILLIER });
  assert.equal(ownCols(enc.guest), ownCols(plain!.guest));
  assert.equal(hostCols(enc.guest), hostCols(plain!.guest));
  assert.equal(enc.hosts[0]!.model, plain!.hosts[0]!.model);
});

t('privacy: the host receives only ciphertexts of the labels (all distinct, none a label), the guest only encrypted sums and bin sizes under anonymous names', async () => {
  const { guest, host } = await breast();
  const toHost = enc!.log.filter((m) => m.to.role === 'host');
  assert.equal([...new Set(toHost.map((m) => m.name))], [ENCRYPTED_LABEL]);
  const payload = toHost[0]!.payload as { n: bigint; ids: string[]; labels: unknown[] };
  assert.is(payload.labels.length, guest.rows.length);
  for (const c of payload.labels) assert.ok(typeof c === 'bigint' && c > 1n, 'a label ciphertext');
  assert.is(new Set(payload.labels as bigint[]).size, payload.labels.length, 'fresh randomness per row');
  assert.equal(Object.keys(payload).sort(), ['ids', 'labels', 'n']);

  const toGuest = enc!.log.filter((m) => m.to.role === 'guest');
  assert.equal([...new Set(toGuest.map((m) => m.name))], [ENCRYPTED_BIN_SUM]);
  const hostValues = new Set<number>();
  for (const [, r] of host.rows) for (const v of r.features) hostValues.add(v);
  for (const sp of Object.values(ownCols(enc!.hosts[0]!))) for (const v of sp.splitPoints) hostValues.add(v);
  const numbers: number[] = [];
  const strings: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'number') numbers.push(v);
    else if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (strings.push(k), walk(x));
  };
  for (const m of toGuest) walk(m.payload);
  // Numbers reaching the guest are bin sizes and optimal parameters only: integers or FATE's settings.
  for (const x of numbers) assert.ok(Number.isInteger(x) || [0.05, 1].includes(x), `non-integer ${x} reached the guest`);
  for (const x of numbers) if (!Number.isInteger(x)) assert.not.ok(hostValues.has(x));
  for (const name of host.schema.header) assert.not.ok(strings.includes(name), `host column name ${name} reached the guest`);
  const sums = (toGuest[0]!.payload as any).encrypted_bin_sum as Record<string, { events: unknown[] }>;
  for (const col of Object.values(sums)) for (const c of col.events) assert.ok(typeof c === 'bigint' && c > 1n);
});

t('given two hosts, then the guest has one host result per host party, in conf order, each from its own host', async () => {
  const out = await run({ encrypt_param: PLAIN }, [HOST_A, HOST_B]);
  const hr = param(out.guest).hostResults as { partyId: string; binningResult: Record<string, Col> }[];
  assert.equal(hr.map((r) => r.partyId), ['9999', '9998']);
  assert.equal(hr[0]!.binningResult, hr[1]!.binningResult);
  assert.equal(hr[0]!.binningResult, hostCols(plain!.guest));
});

t('given transform_type woe on columns 0..2, then the guest’s values become their bin’s WOE, other columns and the host’s data are unchanged', async () => {
  const { guest, host } = await breast();
  const out = await run({ encrypt_param: PLAIN, transform_param: { transform_cols: [0, 1, 2], transform_type: 'woe' } });
  const g = ownCols(out.guest);
  const rows = out.guest.data!.rows as [string, Instance][];
  rows.forEach(([, r], i) => {
    const orig = guest.rows[i]![1];
    for (let c = 0; c < 3; c++) {
      const name = guest.schema.header[c]!;
      assert.is(r.features[c], g[name]!.woeArray[binIndex(orig.features[c]!, g[name]!.splitPoints)]);
    }
    assert.equal(r.features.slice(3), orig.features.slice(3));
    assert.is(r.label, orig.label);
  });
  assert.equal(out.hosts[0]!.data!.rows, host.rows);
  const meta = out.guest.model!.FeatureBinningMeta as any;
  assert.equal(meta.transformParam, { transformCols: [0, 1, 2], transformType: 'woe' });
});

t('given the default transform (bin_num, all columns), then every value becomes its bin index on both sides', async () => {
  const { host } = await breast();
  const hostOwn = ownCols(plain!.hosts[0]!);
  (plain!.hosts[0]!.data!.rows as [string, Instance][]).forEach(([, r], i) => {
    host.schema.header.forEach((name, c) => assert.is(r.features[c], binIndex(host.rows[i]![1].features[c]!, hostOwn[name]!.splitPoints)));
  });
  assert.equal(plain!.guest.data!.schema, (await breast()).guest.schema);
});

t('given the models stored as FATE protobuf and decoded back, when a predict replays them on the same data, then the outputs are the training outputs', async () => {
  const { guest, host } = await breast();
  for (const [out, table, self] of [[plain!.guest, guest, GUEST], [plain!.hosts[0]!, host, HOST_A]] as const) {
    const model: Record<string, Record<string, unknown>> = {};
    for (const [name, json] of Object.entries(out.model!)) model[name] = decodeBuffer(name, encodeBuffer(name, json));
    assert.is(typeof (model.FeatureBinningParam as any).binningResult.binningResult[table.schema.header[0]!].iv, 'number');
    const job = new InProcessJob();
    const replay = await heteroFeatureBinning(
      componentInput({ module: 'HeteroFeatureBinning', role: self.role, partyId: self.partyId, roles: { guest: ['10000'], host: ['9999'] }, data: { data: table }, model }),
      job.context(self),
    );
    assert.equal(replay.data!.rows, out.data!.rows);
    assert.is(job.sent.length, 0, 'a predict sends nothing');
  }
});

t('given bucket binning, then split points are equal-width between min and max', async () => {
  const out = await run({ encrypt_param: PLAIN, method: 'bucket', bin_num: 4 });
  const { guest } = await breast();
  const g = ownCols(out.guest);
  const v = guest.rows.map(([, r]) => r.features[0]!);
  const min = Math.min(...v);
  const max = Math.max(...v);
  const w = (max - min) / 4;
  assert.equal(g[guest.schema.header[0]!]!.splitPoints, [min + w, min + 2 * w, min + 3 * w, max]);
});

t('given category columns on both sides, then each distinct value is its own bin, with WOE/IV (guest in the clear, host encrypted)', async () => {
  const mk = (n: number, f: (i: number) => number[], label?: (i: number) => number): DataTable<Instance> => ({
    schema: { header: ['c', 'x'], sid_name: 'id' },
    rows: Array.from({ length: n }, (_, i) => [String(i).padStart(4, '0'), label ? { features: f(i), label: label(i) } : { features: f(i) }]),
  });
  const guest = mk(200, (i) => [i % 3, i / 10], (i) => (i % 3 === 0 || i % 7 === 0 ? 1 : 0));
  const host = mk(200, (i) => [(i % 4) * 2, -i]);
  const out = await run({ encrypt_param: PAILLIER, category_indexes: [0] }, [HOST_A], { guest, host });
  const g = ownCols(out.guest);
  assert.equal(g.c!.splitPoints, [0, 1, 2]);
  assert.equal(g.c!.eventCountArray.map(Number), [67, 10, 9]);
  const h = hostCols(out.guest);
  assert.equal(Object.keys(h), ['host.1', 'host.0']);
  assert.equal(h['host.0']!.eventCountArray.map(Number).reduce((a, b) => a + b, 0) + h['host.0']!.nonEventCountArray.map(Number).reduce((a, b) => a + b, 0), 200);
  assert.equal(ownCols(out.hosts[0]!).c!.splitPoints, [0, 2, 4, 6]);
  const labels = guest.rows.map(([, r]) => r.label!);
  const ref = reference(host.rows.map(([, r]) => r.features[0]!), labels, [0, 2, 4, 6]);
  assert.ok(Math.abs(ref.iv - h['host.0']!.iv) < 1e-9);
});

t('given local_only, then nothing crosses the federation and the guest has no host results', async () => {
  const out = await run({ encrypt_param: PAILLIER, local_only: true });
  assert.is(out.log.length, 0);
  assert.equal(param(out.guest).hostResults, []);
  assert.ok(Object.keys(ownCols(out.hosts[0]!)).length > 0);
});

t('given a guest without labels or with more than two labels, then a clear error', async () => {
  const { guest, host } = await breast();
  const unlabeled = { schema: guest.schema, rows: guest.rows.map(([k, r]) => [k, { features: r.features }] as [string, Instance]) };
  const job = new InProcessJob();
  const input = (table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroFeatureBinning', role: 'guest', partyId: '10000', roles: { guest: ['10000'] }, params: {}, data: { data: table } });
  let err = await heteroFeatureBinning(input(unlabeled), job.context(GUEST)).catch((e: Error) => e);
  assert.match(String(err), /the guest data has no label/);
  const three = { schema: guest.schema, rows: guest.rows.map(([k, r], i) => [k, { features: r.features, label: i % 3 }] as [string, Instance]) };
  err = await heteroFeatureBinning(input(three), job.context(GUEST)).catch((e: Error) => e);
  assert.match(String(err), /IV needs binary labels/);
  void host;
});

t('given need_run false, then the data passes through with no model; transform_type null keeps the values but fits the model', async () => {
  const { guest } = await breast();
  const job = new InProcessJob();
  const input = (params: Record<string, unknown>) =>
    componentInput({ module: 'HeteroFeatureBinning', role: 'guest', partyId: '10000', roles: { guest: ['10000'] }, params, data: { data: guest } });
  const skipped = await heteroFeatureBinning(input({ need_run: false }), job.context(GUEST));
  assert.is(skipped.data, guest);
  assert.is(skipped.model, undefined);
  const kept = await heteroFeatureBinning(input({ transform_param: { transform_type: null } }), job.context(GUEST));
  assert.equal(kept.data!.rows, guest.rows);
  assert.is((kept.model!.FeatureBinningMeta as any).transformParam.transformType, '');
  assert.ok(Object.keys(ownCols(kept)).length === guest.schema.header.length);
});

t('given a host that answers an impossible count (more events than rows in a bin), then the guest fails with a clear error', async () => {
  const { guest } = await breast();
  const job = new InProcessJob();
  const roles = { guest: ['10000'], host: ['9999'] };
  const g = heteroFeatureBinning(
    componentInput({ module: 'HeteroFeatureBinning', role: 'guest', partyId: '10000', roles, params: { encrypt_param: PLAIN }, data: { data: guest } }),
    job.context(GUEST),
  ).catch((e: Error) => e);
  const hostFed = job.federation(HOST_A);
  await hostFed.get(ENCRYPTED_LABEL, 'fit', GUEST);
  await hostFed.remote(ENCRYPTED_BIN_SUM, 'fit', { encrypted_bin_sum: { 'host.0': { events: [5, 3], sizes: [4, 10] } }, category_names: [], bin_method: 'quantile', optimal_params: {} }, [GUEST]);
  assert.match(String(await g), /host 9999 sent an impossible count for host\.0 \(bin 0: 5 events of 4\)/);
});

t.run();
