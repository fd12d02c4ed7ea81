// Chaos: the three-process federation with every node's transport dropping 10% of its messages
// (half the requests, half the answers after the receiver applied them), duplicating 10% and
// reordering 10%. The cluster hetero LR job still succeeds on every party, with the AUC of the
// same job run on one standalone node, and every node then stops on SIGTERM (see
// test/federation/clusterShutdown.test.ts for the sequence that once kept one from stopping).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig } from '../../src/config.js';
import { startNode } from '../../src/main.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { SHARED_DATA, post, tempDir, waitForJob } from '../support/http.js';
import type { FaultCounts } from '../../src/federation/faultyTransport.js';
import { PARTIES, startFederation, stopAtOnce, type Federation, type RoleName } from '../support/federation.js';
import { within } from '../support/within.js';

const dir = tempDir('chaos');
const example = (mode: string, file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, mode, file), 'utf8'));
const t = suite('e2e: chaos federation (10% drop, 10% duplicate, 10% reorder)');

// uvu has no per-test timeout: every await below has its bound, and fails saying what it waited for.
/** One HTTP round trip to a node (it answers at once, whatever the federation does). */
const CALL_MS = 30_000;
/** A job to end, polled (waitForJob's own deadline + its last round trip). */
const JOB_MS = 180_000;
/** A node's graceful shutdown after SIGTERM (a node that never exits is a defect: see clusterShutdown.test.ts). */
const EXIT_MS = 30_000;
const call = (what: string, url: string, path: string, body: unknown) => within(CALL_MS, `${what} (POST ${path})`, post(url, path, body));
const jobEnd = (what: string, url: string, jobId: string) => within(JOB_MS + CALL_MS, `${what}: job ${jobId} to end`, waitForJob(url, jobId, JOB_MS, 50));

function conf(mode: 'cluster' | 'standalone'): Record<string, any> {
  const c = example(mode, 'hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = { method: null };
  c.algorithm_parameters.hetero_lr_0.max_iter = 5;
  return c;
}

async function aucOf(url: string, jobId: string): Promise<number> {
  const r = await call('the AUC', url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: 'evaluation_0' });
  return Object.fromEntries(r.body.data.train.hetero_lr_0.data as [string, number][]).auc;
}

t.after(() => rmSync(dir, { recursive: true, force: true }));

t('the job succeeds on every party with the standalone AUC', async () => {
  // Baseline: the same job on one standalone node.
  const standalone = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'standalone'), dataRoots: [SHARED_DATA], logLevel: 'silent' }));
  let baseline: number;
  try {
    for (const file of ['upload_breast_hetero_guest.json', 'upload_breast_hetero_host.json']) {
      const r = await call(`standalone upload ${file}`, standalone.url, '/v1/data/upload', example('standalone', file));
      assert.is((await jobEnd(`standalone upload ${file}`, standalone.url, r.body.jobId)).f_status, 'success');
    }
    const s = await call('standalone submit', standalone.url, '/v1/job/submit', { job_dsl: example('standalone', 'hetero_lr_dsl.json'), job_runtime_conf: conf('standalone') });
    assert.is((await jobEnd('standalone hetero LR', standalone.url, s.body.jobId)).f_status, 'success');
    baseline = await aucOf(standalone.url, s.body.jobId);
  } finally {
    await within(EXIT_MS, 'the standalone node to close', standalone.close());
  }

  let fed: Federation | undefined;
  try {
    const starting = startFederation({ dir: join(dir, 'fed'), processes: true, faults: JSON.stringify({ drop: 0.1, duplicate: 0.1, reorder: 0.1, reorderMs: 20 }) });
    fed = (await within(60_000, 'the three nodes to start', starting).catch((error: Error) => {
      // Nodes that start after the bound are stopped as they come.
      void starting.then(({ nodes }) => Promise.all(Object.values(nodes).map(stopAtOnce)), () => {});
      throw error;
    })).nodes;
    const nodes = fed;
    for (const [role, file] of [['guest', 'upload_breast_hetero_guest.json'], ['host', 'upload_breast_hetero_host.json']] as const) {
      const r = await call(`${role} upload`, nodes[role].url, '/v1/data/upload', example('cluster', file));
      assert.is((await jobEnd(`${role} upload`, nodes[role].url, r.body.jobId)).f_status, 'success');
    }
    // Submit may meet a dropped CreateJob answer: the outbox retries it within the submit.
    const submit = await call('guest submit', nodes.guest.url, '/v1/job/submit', { job_dsl: example('cluster', 'hetero_lr_dsl.json'), job_runtime_conf: conf('cluster') });
    assert.is(submit.body.retcode, 0, submit.body.retmsg);
    const jobId = submit.body.jobId as string;
    for (const role of ['guest', 'host', 'arbiter'] as RoleName[]) {
      const row = await jobEnd(`cluster hetero LR on ${role}`, nodes[role].url, jobId);
      assert.is(row.f_status, 'success', `${role}: ${row.f_reason}`);
    }
    const auc = await aucOf(nodes.guest.url, jobId);
    assert.is(auc, baseline, `chaos ${auc} vs standalone ${baseline}`);
    // Every node stops on SIGTERM (the test's last step: a node whose peers are gone must stop too),
    // and writes its fault totals as it closes: the faults really happened.
    await Promise.all(Object.entries(nodes).map(([role, n]) => within(EXIT_MS, `${role} ${n.partyId}'s node to exit after SIGTERM`, n.close())));
    const counts = Object.values(PARTIES).map((id) => JSON.parse(readFileSync(join(dir, 'fed', `party-${id}`, 'fault-counts.json'), 'utf8')) as FaultCounts);
    const total = (k: keyof FaultCounts) => counts.reduce((sum, c) => sum + c[k], 0);
    if (process.env.FEDFLOW_TEST_VERBOSE) console.error('fault counts', JSON.stringify(counts));
    assert.ok(total('sent') > 50 && total('dropped') >= 3 && total('duplicated') >= 3, JSON.stringify(counts));
  } finally {
    // Whatever failed above, no node outlives the test (a child left running keeps uvu from exiting).
    await Promise.all(Object.values(fed ?? {}).map(stopAtOnce));
  }
});

t.run();
