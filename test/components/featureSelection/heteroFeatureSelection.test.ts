// Guest and hosts together: the IV filters decided by the guest from a hand-built binning model,
// what crosses the federation (privacy), the model buffers through FATE's protos, and the replay
// of a stored selection on new data.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, ModelBuffers, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroFeatureSelection } from '../../../src/components/featureSelection/featureSelection.js';
import { decodeBuffer, encodeBuffer } from '../../../src/models/bufferCodec.js';
import { recording, type Sent } from '../../support/breastHetero.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { GUEST_DATA, HOST_DATA, guestBinning, hostBinning, rejects, table } from './support.js';

const t = suite('HeteroFeatureSelection guest and hosts');

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const HOST2: PartyRef = { role: 'host', partyId: '10001' };

interface Party {
  readonly ref: PartyRef;
  readonly data: DataTable<Instance>;
  readonly isometricModel?: ModelBuffers;
  readonly model?: ModelBuffers;
}

async function run(params: Record<string, unknown>, parties: Party[], log?: Sent[]): Promise<ComponentOutput[]> {
  const job = new InProcessJob();
  const roles = { guest: parties.filter((p) => p.ref.role === 'guest').map((p) => p.ref.partyId), host: parties.filter((p) => p.ref.role === 'host').map((p) => p.ref.partyId) };
  const outs = await Promise.all(parties.map((p) => {
    const c = job.context(p.ref);
    const ctx = log ? { ...c, federation: recording(c.federation, p.ref, log) } : c;
    return heteroFeatureSelection(componentInput({
      module: 'HeteroFeatureSelection', componentName: 'hetero_feature_selection_0', role: p.ref.role, roles, params, data: { data: p.data },
      ...(p.isometricModel ? { isometricModel: p.isometricModel } : {}), ...(p.model ? { model: p.model } : {}),
    }), ctx);
  }));
  assert.is(job.undelivered(), 0);
  return outs;
}

const pair = (): Party[] => [
  { ref: GUEST, data: GUEST_DATA, isometricModel: guestBinning() },
  { ref: HOST, data: HOST_DATA, isometricModel: hostBinning() },
];
const header = (out: ComponentOutput) => out.data!.schema.header;
const param = (out: ComponentOutput) => out.model!.FeatureSelectionParam as Record<string, any>;

// IVs: guest a .05, b .5, c .2, d .01; host h0 (host.0) .3, h1 (host.1) .02, h2 (host.2) .7.

t('given iv_value_thres 0.1, when fitted, then IVs above 0.1 stay on both sides and the guest records the host\'s result by anonymous names', async () => {
  const [g, h] = await run({ filter_methods: ['iv_value_thres'], iv_value_param: { value_threshold: 0.1 } }, pair());
  assert.equal(header(g!), ['b', 'c']);
  assert.equal(header(h!), ['h0', 'h2']);
  const r = param(g!).results[0];
  assert.equal(r.featureValues, { a: 0.05, b: 0.5, c: 0.2, d: 0.01 });
  assert.equal(r.hostFeatureValues, [{ featureValues: { 'host.0': 0.3, 'host.1': 0.02, 'host.2': 0.7 } }]);
  assert.equal(r.hostLeftCols, [{ originalCols: ['host.0', 'host.1', 'host.2'], leftCols: { 'host.0': true, 'host.2': true } }]);
  assert.equal(param(g!).hostColNames, [{ colNames: ['host.0', 'host.2', 'host.1'], partyId: '10000' }]);
  assert.equal((g!.model!.FeatureSelectionMeta as any).ivValueMeta, { valueThreshold: 0.1, localOnly: false });
  // The host's model: its own names, no IV.
  const hr = param(h!).results[0];
  assert.equal(hr.featureValues, {});
  assert.equal(hr.leftCols, { originalCols: ['h0', 'h1', 'h2'], leftCols: { h0: true, h2: true } });
  assert.equal(param(h!).hostColNames, []);
});

t('given iv_value_param.host_thresholds [0.5], then the host is judged by its own threshold', async () => {
  const [g, h] = await run({ filter_methods: ['iv_value_thres'], iv_value_param: { value_threshold: 0.1, host_thresholds: [0.5] } }, pair());
  assert.equal(header(g!), ['b', 'c']);
  assert.equal(header(h!), ['h2']);
});

t('given iv_percentile 0.5, then the threshold is the 4th highest of all 7 IVs (0.2) and only IVs above it stay', async () => {
  const [g, h] = await run({ filter_methods: ['iv_percentile'], iv_percentile_param: { percentile_threshold: 0.5 } }, pair());
  assert.equal(header(g!), ['b']);
  assert.equal(header(h!), ['h0', 'h2']);
});

t('given iv_top_k 2, then the two highest IVs over both parties stay (host.2 .7, b .5)', async () => {
  const [g, h] = await run({ filter_methods: ['iv_top_k'], iv_top_k_param: { k: 2 } }, pair());
  assert.equal(header(g!), ['b']);
  assert.equal(header(h!), ['h2']);
  assert.equal((g!.model!.FeatureSelectionMeta as any).ivTopKMeta, { k: 2, localOnly: false });
});

t('given iv_top_k 1, then the guest, left with nothing, keeps its lowest-ranked column as FATE does', async () => {
  const [g, h] = await run({ filter_methods: ['iv_top_k'], iv_top_k_param: { k: 1 } }, pair());
  assert.equal(header(g!), ['d']);
  assert.equal(header(h!), ['h2']);
});

t('given local filters then an IV filter, then each host offers only what its own filters kept', async () => {
  const log: Sent[] = [];
  const [g, h] = await run({ filter_methods: ['unique_value', 'iv_value_thres'], unique_param: { eps: 1e-6 }, iv_value_param: { value_threshold: 0.1 } }, pair(), log);
  // h0 is constant: the host's unique_value drops it before the IV filter, whatever its IV.
  assert.equal(header(h!), ['h2']);
  assert.equal(header(g!), ['b', 'c']);
  const offered = log.filter((m) => m.name === 'host_select_cols');
  assert.equal(offered.map((m) => m.payload), [['host.1', 'host.2']]);
  assert.equal(param(g!).results[1].hostLeftCols, [{ originalCols: ['host.1', 'host.2'], leftCols: { 'host.2': true } }]);
  assert.equal(param(g!).results[0].hostLeftCols, [], 'the host\'s local filters are not reported to the guest');
});

t('given iv_value_thres with local_only, then nothing crosses and the host keeps every column', async () => {
  const log: Sent[] = [];
  const [g, h] = await run({ filter_methods: ['iv_value_thres'], iv_value_param: { value_threshold: 0.1, local_only: true } }, pair(), log);
  assert.equal(log, []);
  assert.equal(header(g!), ['b', 'c']);
  assert.equal(header(h!), ['h0', 'h1', 'h2']);
});

t('privacy: with two hosts, each host receives only the list of its own anonymous columns left; the guest receives only anonymous names', async () => {
  const log: Sent[] = [];
  const binning = guestBinning({ 10000: { 'host.0': 0.3, 'host.1': 0.02, 'host.2': 0.7 }, 10001: { 'host.0': 0.9, 'host.1': 0.15 } });
  const host2Data = table({ k0: [1, 2, 3, 4, 5], k1: [5, 3, 1, 2, 2] }, false);
  const [g, h1, h2] = await run(
    { filter_methods: ['iv_value_thres', 'iv_percentile', 'iv_top_k'], iv_value_param: { value_threshold: 0.1 }, iv_percentile_param: { percentile_threshold: 0.9 }, iv_top_k_param: { k: 3 } },
    [{ ref: GUEST, data: GUEST_DATA, isometricModel: binning }, { ref: HOST, data: HOST_DATA, isometricModel: hostBinning() },
      { ref: HOST2, data: host2Data, isometricModel: hostBinning(['k0', 'k1']) }],
    log,
  );
  assert.ok(log.length > 0);
  const guestNames = GUEST_DATA.schema.header;
  const realHostNames = [...HOST_DATA.schema.header, ...host2Data.schema.header];
  for (const m of log) {
    const text = JSON.stringify(m.payload);
    assert.ok(Array.isArray(m.payload) && (m.payload as unknown[]).every((x) => typeof x === 'string' && /^host\.\d+$/.test(x)),
      `${m.name} ${m.from.role} ${m.from.partyId} → ${m.to.role} ${m.to.partyId} carries only anonymous host names: ${text}`);
    if (m.to.role === 'host') {
      assert.is(m.from.role, 'guest');
      assert.is(m.name, 'result_left_cols');
      // What the guest sends a host is a subset of what that same host offered under the same filter.
      const offered = log.filter((o) => o.name === 'host_select_cols' && o.from.partyId === m.to.partyId);
      assert.ok(offered.length > 0);
      const ownNames = new Set(offered.flatMap((o) => o.payload as string[]));
      for (const name of m.payload as string[]) assert.ok(ownNames.has(name), `host ${m.to.partyId} got ${name}, which it never offered`);
    } else {
      assert.is(m.name, 'host_select_cols');
      assert.is(m.to.role, 'guest');
    }
    for (const name of [...guestNames, ...realHostNames]) assert.not.ok(text.includes(`"${name}"`), `${name} crossed in ${m.name}`);
    assert.not.ok(/\d\.\d/.test(text), `a number crossed in ${m.name}: ${text}`);
  }
  // Each host got exactly one result per IV filter, addressed to it alone.
  for (const host of [HOST, HOST2]) assert.is(log.filter((m) => m.to.partyId === host.partyId && m.to.role === 'host').length, 3);
  assert.is(log.filter((m) => m.name === 'result_left_cols').length, 6);
  // The guest's model keeps one result per host, in role order, with the host party ids.
  assert.equal(param(g!).hostColNames.map((h: any) => h.partyId), ['10000', '10001']);
  assert.ok(header(h1!).length > 0 && header(h2!).length > 0);
});

t('given FATE\'s protos, then the buffers survive encode/decode with every field (pencentage_value_meta spelling included)', async () => {
  const [g] = await run({ filter_methods: ['unique_value', 'iv_top_k', 'percentage_value', 'manually'], iv_top_k_param: { k: 3 }, percentage_value_param: { upper_pct: 0.9 }, manually_param: { filter_out_names: ['zz'] } }, pair());
  const meta = decodeBuffer('FeatureSelectionMeta', encodeBuffer('FeatureSelectionMeta', g!.model!.FeatureSelectionMeta!));
  assert.equal(meta.filterMethods, ['unique_value', 'iv_top_k', 'percentage_value', 'manually']);
  assert.equal(meta.ivTopKMeta, { k: '3', localOnly: false });
  assert.equal(meta.pencentageValueMeta, { upperPct: 0.9 });
  assert.equal(meta.uniqueMeta, { eps: 1e-5 });
  assert.equal(meta.manuallyMeta, { filterOutNames: [] });
  assert.is(meta.needRun, true);
  const stored = decodeBuffer('FeatureSelectionParam', encodeBuffer('FeatureSelectionParam', g!.model!.FeatureSelectionParam!));
  assert.equal(stored, JSON.parse(JSON.stringify(g!.model!.FeatureSelectionParam)));
});

t('given a fitted model as input.model, then new data keeps exactly the stored columns, found by name, with no exchange', async () => {
  const [g, h] = await run({ filter_methods: ['iv_value_thres'], iv_value_param: { value_threshold: 0.1 } }, pair());
  // Eval data with the columns in another order and one more row.
  const evalGuest = table({ d: [9, 9], c: [1, 2], b: [3, 4], a: [5, 6] });
  const evalHost = table({ h2: [1, 2], h1: [3, 4], h0: [5, 6] }, false);
  const log: Sent[] = [];
  const stored = (m: ModelBuffers): ModelBuffers => ({
    FeatureSelectionMeta: decodeBuffer('FeatureSelectionMeta', encodeBuffer('FeatureSelectionMeta', m.FeatureSelectionMeta!)),
    FeatureSelectionParam: decodeBuffer('FeatureSelectionParam', encodeBuffer('FeatureSelectionParam', m.FeatureSelectionParam!)),
  });
  const [pg, ph] = await run({ filter_methods: ['iv_value_thres'] }, [
    { ref: GUEST, data: evalGuest, model: stored(g!.model!) }, { ref: HOST, data: evalHost, model: stored(h!.model!) },
  ], log);
  assert.equal(log, []);
  assert.equal(pg!.data!.schema.header, ['b', 'c']);
  assert.equal(pg!.data!.rows.map(([, i]) => (i as Instance).features), [[3, 1], [4, 2]]);
  assert.equal(ph!.data!.schema.header, ['h0', 'h2']);
  assert.equal(ph!.data!.rows.map(([, i]) => (i as Instance).features), [[5, 1], [6, 2]]);
  assert.equal(pg!.model, stored(g!.model!), 'the stored model is the output model');
  await rejects(run({}, [{ ref: HOST, data: table({ h0: [1], h1: [2] }, false), model: h!.model! }]), /column h2 kept by the model is not in the data header/);
});

t('given a host that selects no column (its own role_parameters), then the IV exchange still happens: no one waits forever', async () => {
  const job = new InProcessJob();
  const roles = { guest: ['9999'], host: ['10000'] };
  const params = { filter_methods: ['iv_value_thres'], iv_value_param: { value_threshold: 0.1 } };
  const [g, h] = await Promise.all([
    heteroFeatureSelection(componentInput({ module: 'HeteroFeatureSelection', role: 'guest', roles, params, data: { data: GUEST_DATA }, isometricModel: guestBinning() }), job.context(GUEST)),
    heteroFeatureSelection(componentInput({
      module: 'HeteroFeatureSelection', role: 'host', roles, params: { ...params, select_col_indexes: [] }, data: { data: HOST_DATA }, isometricModel: hostBinning(),
    }), job.context(HOST)),
  ]);
  assert.equal(header(g!), ['b', 'c']);
  assert.equal(header(h!), ['h0', 'h1', 'h2']);
  assert.equal(param(g!).results[0].hostLeftCols, [{ originalCols: [], leftCols: {} }]);
  assert.is(job.undelivered(), 0);
});

t('given an IV filter without a binning model, then FATE\'s reason, on the guest and on the host', async () => {
  await rejects(run({ filter_methods: ['iv_value_thres'] }, [{ ref: GUEST, data: GUEST_DATA }]), /HeteroFeatureBinning must run before/);
  await rejects(
    run({ filter_methods: ['iv_value_thres'] }, [{ ref: HOST, data: HOST_DATA }]),
    /HeteroFeatureBinning must run before and its model be input.isometric_model on the host too/,
  );
});

t('given a binning model without the host\'s result, then the guest names the host', async () => {
  const job = new InProcessJob();
  const roles = { guest: ['9999'], host: ['10000'] };
  const stop = new AbortController();
  const guest = heteroFeatureSelection(componentInput({
    module: 'HeteroFeatureSelection', role: 'guest', roles, params: { filter_methods: ['iv_value_thres'] }, data: { data: GUEST_DATA },
    isometricModel: guestBinning({ 10002: { 'host.0': 1 } }),
  }), job.context(GUEST));
  const host = heteroFeatureSelection(componentInput({
    module: 'HeteroFeatureSelection', role: 'host', roles, params: { filter_methods: ['iv_value_thres'] }, data: { data: HOST_DATA }, isometricModel: hostBinning(),
  }), job.context(HOST, stop.signal));
  await rejects(guest, /the binning model has no result for host 10000/);
  // In a job the runtime stops the other parties' tasks when one fails; here the test does.
  stop.abort(new Error('stopped'));
  await rejects(host, /stopped/);
});

t.run();
