// npm run bench:federation — wall time of the examples' hetero LR job (Paillier 1024, 30 iterations
// unless BENCH_ENCRYPT=none / BENCH_MAX_ITER=n) on one standalone node process and on the
// three-process federation (mutual TLS, gRPC between the nodes), in the same run, with their ratio.
// BENCH_ROUNDS (1) repeats the pair, alternating which runs first. Uses the test support helpers.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from '../test/support/fixtures.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../test/support/http.js';
import { spawnNode } from '../test/support/nodeProcess.js';
import { startFederation } from '../test/support/federation.js';

const maxIter = Number(process.env.BENCH_MAX_ITER ?? 30);
const encrypt = process.env.BENCH_ENCRYPT === 'none' ? { method: null } : { method: 'Paillier', key_length: 1024 };
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const example = (mode: string, file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, mode, file), 'utf8'));

function conf(mode: 'standalone' | 'cluster'): Record<string, any> {
  const c = example(mode, 'hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = encrypt;
  c.algorithm_parameters.hetero_lr_0.max_iter = maxIter;
  return c;
}

async function upload(url: string, mode: string, file: string): Promise<void> {
  const r = await post(url, '/v1/data/upload', example(mode, file));
  if ((await waitForJob(url, r.body.jobId)).f_status !== 'success') throw new Error(`upload ${file} failed`);
}

async function timeJob(submitUrl: string, mode: 'standalone' | 'cluster', others: string[]): Promise<{ ms: number; auc: number }> {
  const started = performance.now();
  const s = await post(submitUrl, '/v1/job/submit', { job_dsl: example(mode, 'hetero_lr_dsl.json'), job_runtime_conf: conf(mode) });
  if (s.body.retcode !== 0) throw new Error(s.body.retmsg);
  for (const url of [submitUrl, ...others]) {
    const row = await waitForJob(url, s.body.jobId, 3_600_000, 100);
    if (row.f_status !== 'success') throw new Error(`${mode} job ${row.f_status}: ${row.f_reason}`);
  }
  const ms = performance.now() - started;
  const m = await post(submitUrl, '/v1/tracking/component/metric/all', { job_id: s.body.jobId, component_name: 'evaluation_0' });
  return { ms, auc: Object.fromEntries(m.body.data.train.hetero_lr_0.data as [string, number][]).auc };
}

async function standalone(dir: string): Promise<{ ms: number; auc: number }> {
  const node = await spawnNode({ FEDFLOW_DATA_DIR: join(dir, 'standalone'), FEDFLOW_DATA_ROOTS: SHARED_DATA });
  try {
    await upload(node.url, 'standalone', 'upload_breast_hetero_guest.json');
    await upload(node.url, 'standalone', 'upload_breast_hetero_host.json');
    return await timeJob(node.url, 'standalone', []);
  } finally {
    await node.kill('SIGTERM');
  }
}

async function federation(dir: string): Promise<{ ms: number; auc: number }> {
  const { nodes } = await startFederation({ dir: join(dir, 'federation'), processes: true });
  try {
    await upload(nodes.guest.url, 'cluster', 'upload_breast_hetero_guest.json');
    await upload(nodes.host.url, 'cluster', 'upload_breast_hetero_host.json');
    return await timeJob(nodes.guest.url, 'cluster', [nodes.host.url, nodes.arbiter.url]);
  } finally {
    await Promise.all(Object.values(nodes).map((n) => n.close()));
  }
}

console.log(`hetero LR, ${encrypt.method ?? 'plaintext'}${encrypt.method ? ' 1024' : ''}, max_iter ${maxIter}, ${rounds} round(s); wall time submit → success on every party`);
for (let round = 0; round < rounds; round++) {
  const dir = tempDir('bench-federation');
  try {
    const order = round % 2 === 0 ? (['standalone', 'federation'] as const) : (['federation', 'standalone'] as const);
    const results: Record<string, { ms: number; auc: number }> = {};
    for (const which of order) results[which] = which === 'standalone' ? await standalone(dir) : await federation(dir);
    const s = results.standalone!;
    const f = results.federation!;
    console.log(`  round ${round + 1}: standalone ${(s.ms / 1000).toFixed(1)} s (AUC ${s.auc}), 3-process federation ${(f.ms / 1000).toFixed(1)} s (AUC ${f.auc}), ratio ${(f.ms / s.ms).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
