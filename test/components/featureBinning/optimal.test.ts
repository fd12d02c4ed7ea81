import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';
import { heteroFeatureBinning } from '../../../src/components/featureBinning/featureBinning.js';
import { optimalFromBuckets } from '../../../src/components/featureBinning/optimal.js';
import { readParams } from '../../../src/components/featureBinning/params.js';
import { binIndex } from '../../../src/components/featureBinning/splitPoints.js';
import { BUCKET_IDX, ENCRYPTED_BIN_SUM, ENCRYPTED_LABEL } from '../../../src/components/featureBinning/protocol.js';
import { breast, recording, type Sent } from '../../support/breastHetero.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';

const t = suite('HeteroFeatureBinning optimal');

const METRICS = ['iv', 'gini', 'chi_square', 'ks'] as const;

t('given two clearly separated groups of buckets, when asked for 2 bins, then every metric cuts between the groups', () => {
  const buckets = [
    { events: 10, nonEvents: 0 },
    { events: 9, nonEvents: 1 },
    { events: 1, nonEvents: 9 },
    { events: 0, nonEvents: 10 },
  ];
  for (const m of METRICS) {
    const p = readParams({ method: 'optimal', bin_num: 2, optimal_binning_param: { metric_method: m, mixture: false, min_bin_pct: 0, max_bin_pct: 1 } });
    assert.equal(optimalFromBuckets(buckets, p, 2), [1, 3], m);
  }
});

t('given mixture, then buckets holding one label only are merged first, even below bin_num', () => {
  const buckets = [
    { events: 5, nonEvents: 0 },
    { events: 3, nonEvents: 4 },
    { events: 2, nonEvents: 6 },
    { events: 0, nonEvents: 5 },
  ];
  const p = readParams({ method: 'optimal', bin_num: 10, optimal_binning_param: { metric_method: 'iv', mixture: true, min_bin_pct: 0, max_bin_pct: 1 } });
  const keep = optimalFromBuckets(buckets, p, 10);
  assert.ok(keep.length < 4 && keep[keep.length - 1] === 3, String(keep));
});

t('given max_bin_pct too small for bin_num, then FATE’s error', () => {
  const p = readParams({ method: 'optimal', bin_num: 2, optimal_binning_param: { max_bin_pct: 0.2 } });
  assert.throws(() => optimalFromBuckets([{ events: 1, nonEvents: 1 }], p, 2), /max_bin_pct/);
});

const GUEST: PartyRef = { role: 'guest', partyId: '10000' };
const HOST: PartyRef = { role: 'host', partyId: '9999' };

async function run(params: Record<string, unknown>, log: Sent[] = []): Promise<[ComponentOutput, ComponentOutput]> {
  const { guest, host } = await breast();
  const job = new InProcessJob();
  const ctx = (self: PartyRef) => {
    const c = job.context(self);
    return { ...c, federation: recording(c.federation, self, log) };
  };
  const roles = { guest: ['10000'], host: ['9999'] };
  const input = (self: PartyRef, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroFeatureBinning', role: self.role, partyId: self.partyId, roles, params, data: { data: table } });
  const out = await Promise.all([heteroFeatureBinning(input(GUEST, guest), ctx(GUEST)), heteroFeatureBinning(input(HOST, host), ctx(HOST))]);
  assert.is(job.undelivered(), 0);
  return out;
}

/** IV from scratch for the given split points. */
function ivOf(values: number[], labels: number[], sp: number[]): number {
  const bins = values.map((v) => binIndex(v, sp));
  const top = Math.max(...bins);
  const ev = Array(top + 1).fill(0);
  const ne = Array(top + 1).fill(0);
  bins.forEach((b, i) => (labels[i] === 1 ? ev[b]++ : ne[b]++));
  const E = ev.reduce((a, b) => a + b, 0);
  const N = ne.reduce((a, b) => a + b, 0);
  let iv = 0;
  for (let b = 0; b <= top; b++) {
    const adj = ev[b] === 0 || ne[b] === 0 ? 0.5 : 0;
    const er = (ev[b] + adj) / E;
    const nr = (ne[b] + adj) / N;
    iv += (er - nr) * Math.log(er / nr);
  }
  return iv;
}

for (const metric of METRICS) {
  t(`given breast and the suite’s ${metric} conf (100 initial buckets, 10 bins, 5%..80%), then both sides get ≤ 10 bins, the host keeps the guest’s choice, and every IV matches its split points`, async () => {
    const params = { method: 'optimal', bin_num: 10, encrypt_param: metric === 'iv' ? { method: 'Paillier', key_length: 512 } : { method: null }, optimal_binning_param: { metric_method: metric, min_bin_pct: 0.05, max_bin_pct: 0.8, init_bucket_method: 'quantile', init_bin_nums: 100, mixture: true } };
    const log: Sent[] = [];
    const [g, h] = await run(params, log);
    // What crosses: labels (encrypted) and bucket indexes to the host; encrypted sums and sizes to the guest.
    assert.equal([...new Set(log.filter((m) => m.to.role === 'host').map((m) => m.name))], [ENCRYPTED_LABEL, BUCKET_IDX]);
    assert.equal([...new Set(log.filter((m) => m.to.role === 'guest').map((m) => m.name))], [ENCRYPTED_BIN_SUM]);
    const idx = log.find((m) => m.name === BUCKET_IDX)!.payload as Record<string, number[]>;
    for (const [k, v] of Object.entries(idx)) {
      assert.match(k, /^host\.\d+$/);
      assert.ok(v.every((i) => Number.isInteger(i) && i >= 0 && i < 100), 'bucket indexes only');
    }
    const { guest, host } = await breast();
    const labels = guest.rows.map(([, r]) => r.label!);
    const gp = (g.model!.FeatureBinningParam as any).binningResult.binningResult;
    guest.schema.header.forEach((name, c) => {
      const col = gp[name];
      assert.ok(col.splitPoints.length >= 1 && col.splitPoints.length <= 10, `${name}: ${col.splitPoints.length}`);
      assert.ok(Math.abs(col.iv - ivOf(guest.rows.map(([, r]) => r.features[c]!), labels, col.splitPoints)) < 1e-9, name);
    });
    const hostOwn = (h.model!.FeatureBinningParam as any).binningResult.binningResult;
    const hostView = (g.model!.FeatureBinningParam as any).hostResults[0].binningResult;
    host.schema.header.forEach((name, c) => {
      const sp = hostOwn[name].splitPoints as number[];
      assert.ok(sp.length >= 1 && sp.length <= 10, `${name}: ${sp.length} host split points`);
      assert.ok(Math.abs(hostView[`host.${c}`].iv - ivOf(host.rows.map(([, r]) => r.features[c]!), labels, sp)) < 1e-9, name);
      assert.is(hostView[`host.${c}`].binNums, sp.length);
    });
    if (metric !== 'ks') {
      // Every bin of a guest column holds both labels when that is possible at all (mixture).
      const col = gp[guest.schema.header[0]!];
      for (let i = 0; i < col.binNums; i++) assert.ok(Number(col.eventCountArray[i]) > 0 && Number(col.nonEventCountArray[i]) > 0);
    }
  });
}

t.run();
