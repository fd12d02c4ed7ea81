// npm run bench:secureboost — HeteroSecureBoost, Paillier 1024 next to the plaintext run of the very
// same algorithm (same packing, histograms and compression, identity "cipher"), in one run, on
// breast (binary: 5 trees, depth 3, the examples' params) and vehicle_scale (4 classes: 5 rounds =
// 20 trees, depth 3). Guest and host run in one thread here (in-process federation), so the times are
// the sum of both parties' work; on a node they run in two worker threads. Goals on the 2-core
// machine: breast ≤ 15 s, vehicle_scale ≤ 45 s with Paillier 1024. SB_KEY_BITS=2048 (or 512) for
// another key length.
import type { ComponentOutput, MetricPoint, PartyRef } from '../src/components/contract.js';
import type { DataTable, Instance } from '../src/tableData/dataTable.js';
import { auc } from '../src/components/evaluation/binaryMetrics.js';
import { heteroSecureBoost } from '../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { heteroTables } from '../test/support/boostTables.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const KEY_BITS = Number(process.env.SB_KEY_BITS ?? 1024);

async function run(data: { guest: DataTable<Instance>; host: DataTable<Instance> }, extra: Record<string, unknown>, encrypt: Record<string, unknown>) {
  const params = { objective_param: { objective: 'cross_entropy' }, num_trees: 5, subsample_feature_rate: 1, tree_param: { max_depth: 3 }, ...extra, encrypt_param: encrypt };
  const job = new InProcessJob();
  const guestCtx = job.context(GUEST);
  const roundDone: number[] = [];
  const tracker = guestCtx.tracker;
  const logMetricData = tracker.logMetricData.bind(tracker);
  tracker.logMetricData = (ns: string, name: string, points: MetricPoint[]) => {
    if (name === 'loss') roundDone.push(performance.now());
    logMetricData(ns, name, points);
  };
  const input = (role: string, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroSecureBoost', componentName: 'hetero_secureboost_0', role, roles: { guest: ['9999'], host: ['10000'] }, params, data: { train_data: table } });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const [guest] = await Promise.all([heteroSecureBoost(input('guest', data.guest), guestCtx), heteroSecureBoost(input('host', data.host), job.context(HOST))]);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const perRound = roundDone.map((t, i) => t - (i === 0 ? started : roundDone[i - 1]!));
  const rows = (guest as ComponentOutput).data!.rows as [string, [number, number, number]][];
  const quality = rows.every(([, r]) => r[0] === 0 || r[0] === 1)
    ? `AUC ${auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2])).toFixed(6)}`
    : `accuracy ${(rows.filter(([, r]) => r[0] === r[1]).length / rows.length).toFixed(4)}`;
  return { ms, cpuMs, perRound, quality };
}

const fmt = (r: Awaited<ReturnType<typeof run>>) =>
  `${(r.ms / 1000).toFixed(2)} s wall (${(r.cpuMs / 1000).toFixed(2)} s CPU), per round ${r.perRound.map((x) => (x / 1000).toFixed(2)).join(' / ')} s, ${r.quality}`;

const cases = [
  { name: 'breast, binary, 569 rows (guest 10 + host 20 features), 5 trees, depth 3, bin_num 32', goal: 15, tables: ['breast_hetero_guest', 'breast_hetero_host'], extra: { task_type: 'classification' } },
  { name: 'vehicle_scale, 4 classes, 846 rows (guest 9 + host 9 features), 5 rounds = 20 trees, depth 3, bin_num 32', goal: 45, tables: ['vehicle_scale_hetero_guest', 'vehicle_scale_hetero_host'], extra: { task_type: 'classification' } },
];
console.log('HeteroSecureBoost, guest and host in one thread');
for (const c of cases) {
  const t = await heteroTables(c.tables[0]!, [c.tables[1]!], 'y');
  const data = { guest: t.guest, host: t.hosts[0]! };
  const plain = await run(data, c.extra, { method: null, key_length: KEY_BITS });
  const he = await run(data, c.extra, { method: 'Paillier', key_length: KEY_BITS });
  console.log(`${c.name}`);
  console.log(`  plaintext (same algorithm, no encryption) ${fmt(plain)}`);
  console.log(`  Paillier ${KEY_BITS}-bit (key generation included)   ${fmt(he)}   goal ≤ ${c.goal} s: ${he.ms / 1000 <= c.goal ? 'met' : 'NOT met'}`);
  console.log(`  ratio Paillier / plaintext: ${(he.ms / plain.ms).toFixed(0)}× wall, ${(he.cpuMs / plain.cpuMs).toFixed(0)}× CPU (CPU time is the steadier figure on a shared machine)`);
}
