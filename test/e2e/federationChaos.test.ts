// Chaos: the three-process federation with every node's transport dropping 10% of its messages
// (half the requests, half the answers after the receiver applied them), duplicating 10% and
// reordering 10%. The cluster hetero LR job still succeeds on every party, with the AUC of the
// same job run on one standalone node.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode } from '../../src/main.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';
import type { FaultCounts } from '../../src/federation/faultyTransport.js';
import { PARTIES, startFederation, type Federation, type RoleName } from '../support/federation.js';

const dir = tempDir('chaos');
let fed: Federation | undefined;
const example = (mode: string, file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, mode, file), 'utf8'));
const t = suite('e2e: chaos federation (10% drop, 10% duplicate, 10% reorder)');

function conf(mode: 'cluster' | 'standalone'): Record<string, any> {
  const c = example(mode, 'hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  c.algorithm_parameters.hetero_lr_0.max_iter = 5;
  return c;
}

async function aucOf(url: string, jobId: string): Promise<number> {
  const r = await post(url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
  return Object.fromEntries(r.body.data.train.hetero_lr_0.data as [string, number][]).auc;
}

t.after(async () => {
  await Promise.all(Object.values(fed ?? {}).map((n) => n.close().catch(() => {})));
  rmSync(dir, { recursive: true, force: true });
});

t('the job succeeds on every party with the standalone AUC', async () => {
  // Baseline: the same job on one standalone node.
  const standalone = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'standalone'), dataRoots: [SHARED_DATA], logLevel: 'silent' }));
  let baseline: number;
  try {
    for (const file of ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']) {
      const r = await post(standalone.url, '/v1/data/upload', example('standalone', file));
      assert.is((await waitForJob(standalone.url, r.body.jobId)).f_status, 'success');
    }
    const s = await post(standalone.url, '/v1/job/submit', { job_dsl: example('standalone', 'hetero_lr_dsl.json'), job_runtime_conf: conf('standalone') });
    assert.is((await waitForJob(standalone.url, s.body.jobId, 120_000, 50)).f_status, 'success');
    baseline = await aucOf(standalone.url, s.body.jobId);
  } finally {
    await standalone.close();
  }

  fed = (await startFederation({ dir: join(dir, 'fed'), processes: true, faults: JSON.stringify({ drop: 0.1, duplicate: 0.1, reorder: 0.1, reorderMs: 20 }) })).nodes;
  for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
    const r = await post(fed[role].url, '/v1/data/upload', example('cluster', file));
    assert.is((await waitForJob(fed[role].url, r.body.jobId)).f_status, 'success');
  }
  // Submit may meet a dropped CreateJob answer: the outbox retries it within the submit.
  const submit = await post(fed.guest.url, '/v1/job/submit', { job_dsl: example('cluster', 'hetero_lr_dsl.json'), job_runtime_conf: conf('cluster') });
  assert.is(submit.body.retcode, 0, submit.body.retmsg);
  const jobId = submit.body.jobId as string;
  for (const role of ['guest', 'host', 'arbiter'] as RoleName[]) {
    const row = await waitForJob(fed[role].url, jobId, 180_000, 50);
    assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
  }
  const auc = await aucOf(fed.guest.url, jobId);
  assert.is(auc, baseline, `chaos ${auc} vs standalone ${baseline}`);
  // The faults really happened (each node writes its totals when it closes).
  await Promise.all(Object.values(fed).map((n) => n.close()));
  const counts = Object.values(PARTIES).map((id) => JSON.parse(readFileSync(join(dir, 'fed', `party-${id}`, 'fault-counts.json'), 'utf8')) as FaultCounts);
  const total = (k: keyof FaultCounts) => counts.reduce((sum, c) => sum + c[k], 0);
  if (process.env.FEDFLOW_TEST_VERBOSE) console.error('fault counts', JSON.stringify(counts));
  assert.ok(total('sent') > 50 && total('dropped') >= 3 && total('duplicated') >= 3, JSON.stringify(counts));
  fed = undefined;
});

t.run();
