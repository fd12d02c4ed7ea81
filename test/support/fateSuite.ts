// A FATE testsuite run the way FATE 1.4.5's examples/test/run_test.py does it, for e2e tests of the
// examples' suites: the env's roles (test_default_env.json: guest 10000, hosts 9998, 9999, …,
// arbiter 9999), each data entry uploaded with drop, each conf rendered (work_mode, initiator and
// role party ids replaced by the env's, by position). Kept small on purpose: `fedflow testsuite`
// is the product's runner; this only lets a test submit a suite's jobs unchanged.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FIXTURES } from './fixtures.js';
import { post, waitForJob } from './http.js';

/** FATE's examples folder (holding `data/` and `federatedml-1.x-examples/`). */
export const FATE_EXAMPLES = join(FIXTURES, 'fate-examples', 'examples');

export interface SuiteEnv {
  readonly role: Readonly<Record<string, readonly number[]>>;
}

export const DEFAULT_ENV: SuiteEnv = JSON.parse(readFileSync(join(FATE_EXAMPLES, 'test_default_env.json'), 'utf8'));

export interface Suite {
  readonly dir: string;
  readonly data: { file: string; head: number; partition: number; table_name: string; namespace: string; role: string }[];
  readonly tasks: Record<string, { conf: string; dsl?: string; deps?: string }>;
}

export function readSuite(relativePath: string): Suite {
  const path = join(FATE_EXAMPLES, 'federatedml-1.x-examples', relativePath);
  return { dir: dirname(path), ...JSON.parse(readFileSync(path, 'utf8')) };
}

/** The conf with the env's party ids by position (`role.<r>[i]` → env `<r>[i]`, initiator likewise) and work_mode 0. */
export function renderConf(conf: any, env: SuiteEnv = DEFAULT_ENV): any {
  const out = structuredClone(conf);
  out.job_parameters = { ...(out.job_parameters ?? {}), work_mode: 0 };
  for (const [role, ids] of Object.entries(out.role as Record<string, number[]>)) {
    const envIds = env.role[role];
    if (!envIds || envIds.length < ids.length) throw new Error(`the env has too few ${role} parties for this conf`);
    out.role[role] = envIds.slice(0, ids.length);
  }
  if (out.initiator) out.initiator.party_id = env.role[out.initiator.role]![0];
  return out;
}

/** Uploads every data entry of the suite (drop 1) and waits for each upload to succeed. */
export async function uploadSuiteData(url: string, suite: Suite): Promise<void> {
  for (const d of suite.data) {
    const r = await post(url, '/v1/data/upload', {
      file: join(FATE_EXAMPLES, '..', d.file), head: d.head, partition: d.partition, work_mode: 0,
      namespace: d.namespace, table_name: d.table_name, drop: 1,
    });
    if (r.body.retcode !== 0) throw new Error(`upload ${d.file}: ${r.body.retmsg}`);
    const row = await waitForJob(url, r.body.jobId, 120_000);
    if (row.f_status !== 'success') throw new Error(`upload ${d.file} ended ${row.f_status}: ${row.f_reason}`);
  }
}

/** Submits one task of the suite (conf rendered, DSL unchanged); returns the submit answer. */
export async function submitSuiteTask(url: string, suite: Suite, task: string): Promise<Record<string, any>> {
  const t = suite.tasks[task];
  if (!t) throw new Error(`no task ${task} in the suite`);
  const conf = renderConf(JSON.parse(readFileSync(join(suite.dir, t.conf), 'utf8')));
  const body: Record<string, unknown> = { job_runtime_conf: conf };
  if (t.dsl) body.job_dsl = JSON.parse(readFileSync(join(suite.dir, t.dsl), 'utf8'));
  const r = await post(url, '/v1/job/submit', body);
  return r.body;
}
