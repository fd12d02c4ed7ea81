// Shared by the lost-party tests (partyTimeout.test.ts on 127.0.0.1, netns.test.ts across network
// namespaces): a hetero LR job long enough to be killed mid-training, and polling helpers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_EXAMPLES } from './fixtures.js';
import { post } from './http.js';

const example = (file: string) => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'cluster', file), 'utf8'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The examples' cluster hetero LR, encrypted and long, with job_parameters.party_timeout. */
export function longJobConf(partyTimeout: number): Record<string, any> {
  const c = example('hetero_lr_conf.json');
  c.algorithm_parameters.hetero_lr_0.encrypt_param = { method: 'Paillier', key_length: 1024 };
  c.algorithm_parameters.hetero_lr_0.max_iter = 60;
  c.job_parameters.party_timeout = partyTimeout;
  return c;
}

/** A node's first row of the job, or undefined when the node does not answer. */
export async function jobRow(url: string, jobId: string): Promise<Record<string, any> | undefined> {
  const r = await post(url, '/v1/job/query', { job_id: jobId }).catch(() => undefined);
  return r?.body.data?.[0];
}

/** Waits until the component's task runs on every listed node. */
export async function runningOn(nodes: { url: string }[], jobId: string, component: string): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(50)) {
    const all = await Promise.all(nodes.map((n) => post(n.url, '/v1/job/task/query', { job_id: jobId }).then((r) => (r.body.data ?? []) as Record<string, any>[])));
    if (all.every((tasks) => tasks.some((x) => x.f_component_name === component && x.f_status === 'running'))) return;
  }
  throw new Error(`${component} never ran on every node`);
}
