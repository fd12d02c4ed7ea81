// npm run bench:learning (this part) — HeteroLR jobs on a standalone node, as a user runs them:
// the examples' job (DataIO → Intersection rsa → HeteroLR → Evaluation) on breast, 30 iterations,
// Paillier 1024, then on default_credit with FATE's benchmark-quality parameters (spec §2.2). For each
// it prints the job wall time, the RSA intersection and HeteroLR task times, time per iteration, AUC,
// and in the same run the same job in plaintext mode (encrypt_param.method null: the same maths with
// no crypto, i.e. the limit), followed by Paillier op speed. The machine may be shared: compare the
// ratios printed next to the same-run baselines, not absolute times across runs.
//
// BENCH_OBFUSCATION      standard (default, textbook rⁿ) | djn (the fedflow opt-in) — breast
// BENCH_CREDIT_OBFUSCATION  the same for default_credit (default standard: ≈ 60,000 obfuscators per
//                        iteration, dealt by the arbiter; it converges in about 7 iterations, ≈ 4 min
//                        on 2 quiet cores)
// BENCH_DATASETS         breast,default_credit (default both)
// BENCH_ITERS            max_iter (default 30)
// FEDFLOW_CRYPTO_WORKERS helper threads per encrypting party (default: cores − 1, at least 1)
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../src/config.js';
import { startNode } from '../src/main.js';
import { generatePaillierKeyPair, PaillierEncryptor } from '../src/components/crypto/paillier.js';
import { randomBelow } from '../src/components/crypto/bigint.js';
import { FIXTURE_DATA, FIXTURE_EXAMPLES } from '../test/support/fixtures.js';
import { post, tempDir, waitForJob } from '../test/support/http.js';

const DATASETS = (process.env.BENCH_DATASETS ?? 'breast,default_credit').split(',').map((s) => s.trim());
const ITERS = Number(process.env.BENCH_ITERS ?? 30);
const BREAST_OBF = process.env.BENCH_OBFUSCATION ?? 'standard';
const CREDIT_OBF = process.env.BENCH_CREDIT_OBFUSCATION ?? 'standard';

const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'standalone', file), 'utf8'));
const dir = tempDir('bench-hetero-lr');
const node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, FIXTURE_DATA], logLevel: 'silent' }));

async function upload(file: string, table: string): Promise<void> {
  const r = await post(node.url, '/v1/data/upload', { file, head: 1, partition: 8, work_mode: 0, namespace: 'bench', table_name: table, drop: 1 });
  const row = await waitForJob(node.url, r.body.jobId, 600_000, 100);
  if (row.f_status !== 'success') throw new Error(`upload ${file}: ${row.f_reason}`);
}

interface JobRun {
  wallMs: number;
  /** CPU time of this process (all threads) during the job: steadier than wall time on a shared machine. */
  cpuMs: number;
  intersectionMs: number;
  lrMs: number;
  iters: number;
  auc: number;
  loss: number[];
}

async function runJob(dataset: string, lrParams: Record<string, unknown>): Promise<JobRun> {
  const conf = example('hetero_lr_conf.json');
  conf.role_parameters.guest.args.data.train_data = [{ name: `${dataset}_guest`, namespace: 'bench' }];
  conf.role_parameters.host.args.data.train_data = [{ name: `${dataset}_host`, namespace: 'bench' }];
  conf.algorithm_parameters.hetero_lr_0 = { ...conf.algorithm_parameters.hetero_lr_0, ...lrParams };
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  const submit = await post(node.url, '/v1/job/submit', { job_dsl: example('hetero_lr_dsl.json'), job_runtime_conf: conf });
  if (submit.body.retcode !== 0) throw new Error(submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  const row = await waitForJob(node.url, jobId, 4 * 3600_000, 200);
  const wallMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (row.f_status !== 'success') throw new Error(`job ${jobId}: ${row.f_status} ${row.f_reason}`);
  const tasks = (await post(node.url, '/v1/job/task/query', { job_id: jobId })).body.data as Record<string, any>[];
  const elapsed = (component: string) => Math.max(...tasks.filter((t) => t.f_component_name === component).map((t) => Number(t.f_elapsed)));
  const metrics = await post(node.url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
  const summary = Object.fromEntries(metrics.body.data.train.hetero_lr_0.data as [string, number][]);
  const model = await post(node.url, '/v1/tracking/component/output/model', { job_id: jobId, component_name: 'hetero_lr_0' });
  const lossData = await post(node.url, '/v1/tracking/component/metric_data', { job_id: jobId, component_name: 'hetero_lr_0', role: 'arbiter', party_id: 10001, metric_namespace: 'train', metric_name: 'loss' });
  return {
    wallMs,
    cpuMs,
    intersectionMs: elapsed('intersection_0'),
    lrMs: elapsed('hetero_lr_0'),
    iters: Number(model.body.data.iters),
    auc: summary.auc,
    loss: ((lossData.body.data ?? []) as [number, number][]).map(([, v]) => v),
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function report(label: string, he: JobRun, plain: JobRun): void {
  console.log(`  ${label}`);
  console.log(`    job wall time             ${s(he.wallMs)}   (plaintext job ${s(plain.wallMs)}, ratio ${(he.wallMs / plain.wallMs).toFixed(1)}×)`);
  console.log(`    CPU time, all threads     ${s(he.cpuMs)}   (plaintext job ${s(plain.cpuMs)}; load average now ${loadavg()[0]!.toFixed(1)})`);
  console.log(`    RSA intersection task     ${s(he.intersectionMs)}`);
  console.log(`    HeteroLR task             ${s(he.lrMs)} for ${he.iters} iterations = ${(he.lrMs / he.iters / 1000).toFixed(2)} s/iteration   (plaintext ${(plain.lrMs / plain.iters).toFixed(0)} ms/iteration)`);
  console.log(`    AUC                       ${he.auc.toFixed(6)}   (plaintext ${plain.auc.toFixed(6)})`);
  console.log(`    loss                      ${he.loss.map((l) => l.toFixed(4)).join(' ')}`);
}

console.log(`HeteroLR bench: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine: figures are noisy)`);

if (DATASETS.includes('breast')) {
  await upload('breast_hetero_guest.csv', 'breast_guest');
  await upload('breast_hetero_host.csv', 'breast_host');
  const base = { max_iter: ITERS };
  const plain = await runJob('breast', { ...base, encrypt_param: { method: null } });
  const he = await runJob('breast', { ...base, encrypt_param: { method: 'Paillier', key_length: 1024, fedflow_obfuscation: BREAST_OBF } });
  report(`breast 569×(10+20), examples' conf, ${ITERS} iterations, Paillier 1024, ${BREAST_OBF} obfuscation`, he, plain);
}

if (DATASETS.includes('default_credit')) {
  await upload('default_credit_hetero_guest.csv', 'default_credit_guest');
  await upload('default_credit_hetero_host.csv', 'default_credit_host');
  // FATE's benchmark-quality default_credit parameters (spec §2.2): L2, alpha 0.001, batch 3200, zeros init.
  const base = { penalty: 'L2', alpha: 0.001, optimizer: 'rmsprop', learning_rate: 0.15, batch_size: 3200, max_iter: ITERS, early_stop: 'diff', tol: 0.0001, init_param: { init_method: 'zeros' } };
  const plain = await runJob('default_credit', { ...base, encrypt_param: { method: null } });
  const he = await runJob('default_credit', { ...base, encrypt_param: { method: 'Paillier', key_length: 1024, fedflow_obfuscation: CREDIT_OBF } });
  report(`default_credit 30000×(13+10), FATE benchmark params, ≤ ${ITERS} iterations, Paillier 1024, ${CREDIT_OBF} obfuscation`, he, plain);
}

await node.close();
rmSync(dir, { recursive: true, force: true });

// Paillier op speed at 1024 bits (the arithmetic above is ~all of the HE job's cost).
function opsPerSecond(label: string, count: number, op: (i: number) => unknown): void {
  op(0);
  const started = performance.now();
  for (let i = 0; i < count; i++) op(i);
  const ms = (performance.now() - started) / count;
  console.log(`  ${label.padEnd(38)} ${ms.toFixed(4)} ms/op  ${Math.round(1000 / ms)} op/s`);
}
const { publicKey: pk, privateKey: sk } = generatePaillierKeyPair(1024);
console.log('Paillier 1024-bit op speed (one thread)');
const plainValues = Array.from({ length: 40 }, () => randomBelow(1n << 40n));
const standard = new PaillierEncryptor(pk);
const djn = new PaillierEncryptor(pk, { obfuscation: 'djn' });
const cts = plainValues.map((m) => standard.encrypt(m));
opsPerSecond('encrypt (standard rⁿ)', 40, (i) => standard.encrypt(plainValues[i]!));
opsPerSecond('encrypt (DJN opt-in)', 400, (i) => djn.encrypt(plainValues[i % 40]!));
opsPerSecond('decrypt (CRT)', 40, (i) => sk.decrypt(cts[i]!));
opsPerSecond('add', 8000, (i) => pk.add(cts[i % 40]!, cts[(i + 1) % 40]!));
opsPerSecond('scalar-mul, 24-bit k (features at 2^23)', 400, (i) => pk.mulScalar(cts[i % 40]!, BigInt(1 + (i % 1000)) << 14n));
const tables = pk.precompute(cts);
const ks = cts.map((_, i) => BigInt(Math.round((Math.sin(i) * 2 ** 23))));
opsPerSecond('dot product term (Straus, per ct·feature)', 20, () => pk.dot(tables, ks));
console.log('  (dot product line: ms per 40-term dot; divide by 40 for one term)');
