// npm run bench:homo — HomoLR on breast homo (guest 227 + host 228 rows, 30 features) with the
// examples' params (sgd, lr 0.15, L2 0.01, 30 iterations, full batch), guest, host and arbiter in
// one process over the in-process federation. Every round runs the same maths with and without the
// pairwise masks, interleaved, so the masking cost is read against a same-run baseline; then the
// secure-aggregation primitives alone; then FATE's Paillier mode (the host encrypted, 1024-bit key,
// re_encrypt_batches 2) against the masked plaintext job of the same run.
import type { ComponentOutput, PartyRef } from '../src/components/contract.js';
import type { DataTable, Instance } from '../src/tableData/dataTable.js';
import { dataIO } from '../src/components/dataio/dataIO.js';
import { auc } from '../src/components/evaluation/binaryMetrics.js';
import { homoLRWith } from '../src/components/homoLR/homoLR.js';
import { KeyAgreement, PairwiseMasker, sumMasked } from '../src/components/homoLR/secureAggregation.js';
import { fixtureTable } from '../test/components/dataio/csvTable.js';
import { componentInput, InProcessJob } from '../test/support/inProcessFederation.js';

const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };
const PARAMS = {
  penalty: 'L2', optimizer: 'sgd', tol: 1e-5, alpha: 0.01, max_iter: 30, early_stop: 'diff', batch_size: -1, learning_rate: 0.15,
  init_param: { init_method: 'zeros' }, encrypt_param: { method: null },
};
const PAILLIER = { ...PARAMS, encrypt_param: { method: 'Paillier', key_length: 1024 } };
const PAILLIER_REPEATS = Number(process.env.PAILLIER_REPEATS ?? 3);
const REPEATS = Number(process.env.REPEATS ?? 15);

async function table(role: string, name: string, self: PartyRef): Promise<DataTable<Instance>> {
  const out = await dataIO(
    componentInput({ module: 'DataIO', role, params: { with_label: true, label_name: 'y' }, data: { data: fixtureTable(name) } }),
    new InProcessJob().context(self),
  );
  return out.data as DataTable<Instance>;
}

const guest = await table('guest', 'breast_homo_guest', GUEST);
const host = await table('host', 'breast_homo_host', HOST);

async function job(secureAggregation: boolean, params: Record<string, unknown> = PARAMS): Promise<{ ms: number; outs: ComponentOutput[]; aggregations: number }> {
  const component = homoLRWith({ secureAggregation });
  const fed = new InProcessJob();
  const input = (role: string, data?: DataTable<Instance>) =>
    componentInput({ module: 'HomoLR', componentName: 'homo_lr_0', role, roles: ROLES, params, data: data ? { train_data: data } : {} });
  const arbiter = fed.context(ARBITER);
  const started = performance.now();
  const outs = await Promise.all([component(input('guest', guest), fed.context(GUEST)), component(input('host', host), fed.context(HOST)), component(input('arbiter'), arbiter)]);
  const ms = performance.now() - started;
  return { ms, outs, aggregations: arbiter.tracker.get('train', 'loss').data.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const aucOf = (outs: ComponentOutput[]) => {
  const rows = outs.flatMap((o) => (o.data?.rows ?? []) as [string, [number, number, number]][]);
  return auc(rows.map(([, r]) => r[0]), rows.map(([, r]) => r[2]));
};

await job(true); // warm both paths
await job(false);
const masked: number[] = [];
const plain: number[] = [];
let last: Awaited<ReturnType<typeof job>> | null = null;
for (let i = 0; i < REPEATS; i++) {
  last = await job(true);
  masked.push(last.ms);
  plain.push((await job(false)).ms);
}
const m = median(masked);
const p = median(plain);
const iters = last!.aggregations;
console.log(`HomoLR breast homo, ${iters} iterations (local epoch + secure aggregation each), median of ${REPEATS} interleaved runs`);
console.log(`  masked (secure aggregation)   ${m.toFixed(1)} ms/job   ${(m / iters).toFixed(2)} ms/iteration  (min ${Math.min(...masked).toFixed(1)} ms)`);
console.log(`  plain (same maths, no masks)  ${p.toFixed(1)} ms/job   ${(p / iters).toFixed(2)} ms/iteration  (min ${Math.min(...plain).toFixed(1)} ms)`);
console.log(`  ratio masked/plain ${(m / p).toFixed(2)}×, masking overhead ${((m - p) / iters).toFixed(2)} ms/iteration`);
console.log(`  train AUC (guest + host rows) ${aucOf(last!.outs.slice(0, 2)).toFixed(6)}; guest rows ${aucOf([last!.outs[0]!]).toFixed(6)} (what evaluation_0 reports)`);

const encrypted: number[] = [];
const baseline: number[] = [];
let enc: Awaited<ReturnType<typeof job>> | null = null;
for (let i = 0; i < PAILLIER_REPEATS; i++) {
  enc = await job(true, PAILLIER);
  encrypted.push(enc.ms);
  baseline.push((await job(true)).ms);
}
const e = median(encrypted);
const b = median(baseline);
const hostAccuracy = (() => {
  const rows = (enc!.outs[1]!.data!.rows ?? []) as [string, [number, number]][];
  return rows.filter(([, r]) => r[0] === r[1]).length / rows.length;
})();
console.log(`HomoLR Paillier mode (host encrypted, 1024-bit key incl. keygen, re_encrypt_batches 2), median of ${PAILLIER_REPEATS}`);
console.log(`  host encrypted                ${e.toFixed(1)} ms/job   ${(e / iters).toFixed(2)} ms/iteration`);
console.log(`  all plaintext (masked)        ${b.toFixed(1)} ms/job   ratio ${(e / b).toFixed(1)}×`);
console.log(`  guest AUC ${aucOf([enc!.outs[0]!]).toFixed(6)}; encrypted host's label accuracy ${hostAccuracy.toFixed(4)}`);

function perOp(label: string, count: number, op: (i: number) => unknown): void {
  op(0);
  const started = performance.now();
  for (let i = 0; i < count; i++) op(i);
  const ms = (performance.now() - started) / count;
  console.log(`  ${label.padEnd(44)} ${ms < 0.1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(3)} ms`}/op`);
}

console.log('Secure-aggregation primitives');
perOp('X25519 key pair + HKDF pair key', 200, () => new KeyAgreement().pairKey(new KeyAgreement().publicKey, 'ctx', 'a', 'b'));
for (const [length, parties] of [[32, 2], [32, 10], [10_000, 2]] as const) {
  const keys = Array.from({ length: parties }, () => new KeyAgreement());
  const maskers = keys.map((mine, i) =>
    new PairwiseMasker(keys.flatMap((theirs, j) => (i === j ? [] : [{ sign: (i < j ? 1 : -1) as 1 | -1, key: mine.pairKey(theirs.publicKey, 'ctx', String(Math.min(i, j)), String(Math.max(i, j))) }]))),
  );
  const values = Array.from({ length }, (_, j) => Math.sin(j));
  const count = length > 1000 ? 20 : 2000;
  perOp(`mask ${length} values, ${parties} parties (${parties - 1} pads)`, count, (i) => maskers[0]!.mask(values, i, 0));
  const uploads = maskers.map((mk) => mk.mask(values, 1, 0));
  perOp(`arbiter sum of ${parties} × ${length} values`, count, () => sumMasked(uploads));
  perOp(`plain sum of ${parties} × ${length} numbers (the floor)`, count * 10, () => values.map((v) => v * parties));
}
console.log(`(node ${process.version}; shared 2-core machine: figures are noisy, compare within a run)`);
