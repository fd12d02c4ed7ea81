// npm run bench:secureboost — HeteroSecureBoost on breast (the examples' params: 5 trees, depth 3,
// bin_num 32, all features), Paillier 1024 against the plaintext run of the very same algorithm
// (same packing, histograms and compression, identity "cipher"), in one run. Guest and host run in
// one thread here (in-process federation), so the times are the sum of both parties' work; on a node
// they run in two worker threads. Set SB_KEY_BITS=2048 (or 512) for another key length.
import type { ComponentOutput, DataTable, Instance, MetricPoint, PartyRef } from '../src/components/contract.js';
import { dataIO } from '../src/components/dataio/dataIO.js';
import { auc } from '../src/components/evaluation/binaryMetrics.js';
import { heteroSecureBoost } from '../src/components/heteroSecureBoost/heteroSecureBoost.js';
import { csvTable } from '../test/components/dataio/csvTable.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';
import { FIXTURE_DATA } from '../test/support/fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const KEY_BITS = Number(process.env.SB_KEY_BITS ?? 1024);

async function breast(): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  const job = new InProcessJob();
  const load = async (name: string, role: string, params: Record<string, unknown>) => {
    const table = csvTable(readFileSync(join(FIXTURE_DATA, `${name}.csv`), 'utf8'));
    const out = await dataIO(componentInput({ module: 'DataIO', role, params, data: { data: table } }), job.context(role === 'guest' ? GUEST : HOST));
    return out.data as DataTable<Instance>;
  };
  return { guest: await load('breast_hetero_guest', 'guest', { with_label: true, label_name: 'y' }), host: await load('breast_hetero_host', 'host', { with_label: false }) };
}

async function run(data: { guest: DataTable<Instance>; host: DataTable<Instance> }, encrypt: Record<string, unknown>) {
  const params = { task_type: 'classification', objective_param: { objective: 'cross_entropy' }, num_trees: 5, subsample_feature_rate: 1, tree_param: { max_depth: 3 }, encrypt_param: encrypt };
  const job = new InProcessJob();
  const guestCtx = job.context(GUEST);
  const treeDone: number[] = [];
  const tracker = guestCtx.tracker;
  const logMetricData = tracker.logMetricData.bind(tracker);
  tracker.logMetricData = (ns: string, name: string, points: MetricPoint[]) => {
    if (name === 'loss') treeDone.push(performance.now());
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
  const perTree = treeDone.map((t, i) => t - (i === 0 ? started : treeDone[i - 1]!));
  const rows = (guest as ComponentOutput).data!.rows as [string, [number, number, number]][];
  return { ms, cpuMs, perTree, auc: auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2])) };
}

const data = await breast();
const plain = await run(data, { method: null, key_length: KEY_BITS });
const he = await run(data, { method: 'Paillier', key_length: KEY_BITS });
const fmt = (r: typeof he) => `${(r.ms / 1000).toFixed(2)} s wall (${(r.cpuMs / 1000).toFixed(2)} s CPU), per tree ${r.perTree.map((x) => (x / 1000).toFixed(2)).join(' / ')} s, AUC ${r.auc.toFixed(6)}`;
console.log(`HeteroSecureBoost, breast 569 rows (guest 10 + host 20 features), 5 trees, depth 3, bin_num 32; guest and host in one thread`);
console.log(`  plaintext (same algorithm, no encryption) ${fmt(plain)}`);
console.log(`  Paillier ${KEY_BITS}-bit (key generation included)   ${fmt(he)}`);
console.log(`  ratio Paillier / plaintext: ${(he.ms / plain.ms).toFixed(0)}× wall, ${(he.cpuMs / plain.cpuMs).toFixed(0)}× CPU (CPU time is the steadier figure on a shared machine)`);
