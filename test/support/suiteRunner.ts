// Runs a FATE 1.4 testsuite file against a node through /v1, as FATE's examples/test/run_test.py does
// (see test/fixtures/fate-examples/README): data uploaded by (namespace, table_name), confs rendered
// with the default env (guest 10000, hosts 9998, 9999, …, arbiter 9999, by position), predict tasks
// (`deps`) given their train task's model_id / model_version. A task whose modules or DataIO formats
// this build does not have yet is skipped with its reason (the caller lists them), never failed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataTable } from '../../src/tableData/dataTable.js';
import { COMPONENTS } from '../../src/components/registry.js';
import { post, waitForJob } from './http.js';

export const ENV = { guest: [10000], host: [9998, 9999, 10000, 10001, 10002], arbiter: [9999] } as Record<string, number[]>;

export interface TaskResult {
  task: string;
  status: string;
  jobId: string;
  seconds: number;
  reason?: string;
}

const json = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

/** run_test.py's rendering: work_mode, initiator and every role's ids replaced by the env's, by position. */
export function renderConf(conf: any, extra: Record<string, unknown> = {}): any {
  const out = structuredClone(conf);
  out.job_parameters = { ...(out.job_parameters ?? {}), work_mode: 0, ...extra };
  for (const [role, ids] of Object.entries(out.role as Record<string, number[]>)) out.role[role] = ids.map((_, i) => ENV[role]![i]);
  out.initiator = { role: out.initiator.role, party_id: ENV[out.initiator.role]![0] };
  return out;
}

export interface SkipRule {
  /** A reason to skip the task, or null to run it. */
  (task: { name: string; dsl: any; conf: any }): Promise<string | null> | string | null;
}

/** Modules the DSL names that this build does not implement. */
export const missingModules: SkipRule = ({ dsl }) => {
  if (!dsl) return null;
  const missing = [...new Set(Object.values(dsl.components as Record<string, { module: string }>).map((c) => c.module))].filter((m) => !COMPONENTS[m]);
  return missing.length > 0 ? `module ${missing.join(', ')} not implemented` : null;
};

/** DataIO settings of the conf that DataIO refuses on a one-row table (e.g. sparse formats, not built yet). */
export const unsupportedDataIO: SkipRule = async ({ conf }) => {
  const dataio = COMPONENTS.DataIO!;
  for (const byRole of Object.values((conf.role_parameters ?? {}) as Record<string, Record<string, Record<string, unknown[]>>>)) {
    for (const [name, params] of Object.entries(byRole)) {
      if (!name.startsWith('dataio')) continue;
      const p = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
      const format = String(p.input_format ?? 'dense');
      if (format === 'dense' && (p.output_format ?? 'dense') === 'dense') continue;
      const probe: DataTable<string> = { schema: { header: ['y', 'x0'], sid_name: 'id' }, rows: [['1', format === 'dense' ? '1,0.5' : '1 x0:0.5']] };
      try {
        await dataio(
          { jobId: '', taskId: '', componentName: name, module: 'DataIO', role: 'guest', partyId: '', roles: {}, params: { ...p, with_label: true, label_name: 'y' }, data: { data: probe } },
          { tracker: { logMetricData() {}, setMetricMeta() {}, setProgress() {} }, federation: null as never, signal: new AbortController().signal },
        );
      } catch (e) {
        return `DataIO ${JSON.stringify({ input_format: p.input_format, output_format: p.output_format })}: ${(e as Error).message}`;
      }
    }
  }
  return null;
};

export async function runSuite(url: string, suitePath: string, opts: { only?: readonly string[]; skip?: readonly SkipRule[]; timeoutMs?: number; uploaded?: Set<string> }): Promise<TaskResult[]> {
  const dir = dirname(suitePath);
  const suite = json(suitePath);
  const uploaded = opts.uploaded ?? new Set<string>();
  for (const d of suite.data as any[]) {
    const key = `${d.namespace}.${d.table_name}`;
    if (uploaded.has(key)) continue;
    // `file` is relative to FATE's root: examples/data/... sits next to federatedml-1.x-examples.
    const file = join(dir, '..', '..', '..', d.file);
    const r = await post(url, '/v1/data/upload', { file, head: d.head, partition: d.partition, namespace: d.namespace, table_name: d.table_name, work_mode: 0, drop: 1 });
    if (r.body.retcode !== 0) throw new Error(`upload ${key}: ${r.body.retmsg}`);
    const row = await waitForJob(url, r.body.jobId, 120_000);
    if (row.f_status !== 'success') throw new Error(`upload ${key}: ${row.f_status}`);
    uploaded.add(key);
  }
  const results: TaskResult[] = [];
  const models = new Map<string, { model_id: string; model_version: string }>();
  for (const [name, task] of Object.entries(suite.tasks as Record<string, any>)) {
    if (opts.only && !opts.only.includes(name)) continue;
    const conf = json(join(dir, task.conf));
    const dsl = task.dsl ? json(join(dir, task.dsl)) : null;
    let reason: string | null = null;
    if (task.deps && !models.has(task.deps)) reason = `its train task ${task.deps} did not run`;
    for (const rule of opts.skip ?? []) reason ??= await rule({ name, dsl, conf });
    if (reason) {
      results.push({ task: name, status: 'skipped', jobId: '', seconds: 0, reason });
      continue;
    }
    const started = Date.now();
    const body = task.deps ? { job_runtime_conf: renderConf(conf, models.get(task.deps)!) } : { job_dsl: dsl, job_runtime_conf: renderConf(conf) };
    const submit = await post(url, '/v1/job/submit', body);
    if (submit.body.retcode !== 0) {
      results.push({ task: name, status: 'refused', jobId: '', seconds: 0, reason: submit.body.retmsg });
      continue;
    }
    let row: Record<string, any>;
    try {
      row = await waitForJob(url, submit.body.jobId, opts.timeoutMs ?? 600_000, 200);
    } catch {
      // Not ended in time: stopped, and reported as such (a slow machine, not a verdict on the job).
      await post(url, '/v1/job/stop', { job_id: submit.body.jobId });
      await waitForJob(url, submit.body.jobId, 30_000, 200).catch(() => undefined);
      results.push({ task: name, status: 'timeout', jobId: submit.body.jobId, seconds: (Date.now() - started) / 1000, reason: `not ended within ${(opts.timeoutMs ?? 600_000) / 1000} s` });
      continue;
    }
    if (!task.deps && submit.body.data?.model_info) models.set(name, submit.body.data.model_info);
    results.push({ task: name, status: row.f_status, jobId: submit.body.jobId, seconds: (Date.now() - started) / 1000, ...(row.f_status === 'success' ? {} : { reason: row.f_reason }) });
  }
  return results;
}

export const resultTable = (rs: readonly TaskResult[]) =>
  rs.map((r) => `    ${r.task.padEnd(22)} ${r.status.padEnd(8)} ${r.jobId.padEnd(22)} ${r.seconds.toFixed(1).padStart(6)}${r.reason ? `  (${r.reason})` : ''}`).join('\n');

/** Algorithm parameters naming an optimizer this build refuses (FATE's sqn until it is built). */
export const unsupportedOptimizer: SkipRule = async ({ conf }) => {
  const { readParams } = await import('../../src/components/linearModel/params.js');
  for (const params of Object.values((conf.algorithm_parameters ?? {}) as Record<string, Record<string, unknown>>)) {
    if (typeof params.optimizer !== 'string') continue;
    try {
      readParams({ optimizer: params.optimizer });
    } catch (e) {
      return (e as Error).message;
    }
  }
  return null;
};
