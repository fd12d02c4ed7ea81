// job-query, submit-job, stop-job, query-task, job-config, update-job (/v1/job/*) and
// dag-dependency (/v1/pipeline/dag/dependency).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, type CliOptions } from '../args.js';
import { loadConf, type Conf } from '../conf.js';
import { printJson, type CliContext } from '../context.js';
import type { Envelope } from '../http.js';
import { createJobBoard } from '../progress.js';
import { followJob } from '../wait.js';
import { clientFor, finish } from './shared.js';

/** Drops f_dsl and f_runtime_conf from each job row, like fate_flow_client.py's query_job. */
export function stripJobRows(env: Envelope): Envelope {
  if (!Array.isArray(env.data)) return env;
  const data = env.data.map((row: unknown) => {
    if (!row || typeof row !== 'object') return row;
    const { f_dsl: _dsl, f_runtime_conf: _conf, ...rest } = row as Record<string, unknown>;
    return rest;
  });
  return { ...env, data };
}

export async function jobQuery(ctx: CliContext, o: CliOptions): Promise<number> {
  const body: Record<string, unknown> = {};
  if (o.jobId !== undefined) body.job_id = o.jobId;
  if (o.role !== undefined) body.role = o.role;
  if (o.partyId !== undefined) body.party_id = o.partyId;
  if (o.status !== undefined) body.status = o.status;
  return finish(ctx, stripJobRows(await clientFor(ctx, o).post('/v1/job/query', body)));
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** Component names of a DSL, in DSL order. */
export function dslComponents(dsl: Conf): string[] {
  return isObject(dsl.components) ? Object.keys(dsl.components) : [];
}

/**
 * The /v1/job/submit body. Like fate_flow_client.py, the DSL may be left out only for a predict
 * job (the server then uses the trained model's inference DSL); `{}` is sent in its place.
 */
export function submitBody(conf: Conf, dsl: Conf | undefined): { job_dsl: Conf; job_runtime_conf: Conf } {
  if (dsl === undefined) {
    const params = isObject(conf.job_parameters) ? conf.job_parameters : {};
    if (params.job_type !== 'predict') {
      throw new UsageError('missing required option -d <dsl.json> (only a predict job may leave it out)', 'submit-job');
    }
  }
  return { job_dsl: dsl ?? {}, job_runtime_conf: conf };
}

export async function submitJob(ctx: CliContext, o: CliOptions): Promise<number> {
  const conf = loadConf(o.config!, ctx.cwd).conf;
  const dsl = o.dsl === undefined ? undefined : loadConf(o.dsl, ctx.cwd, 'dsl file').conf;
  const body = submitBody(conf, dsl);
  const client = clientFor(ctx, o);
  const env = await client.post('/v1/job/submit', body);
  printJson(ctx, env);
  if (env.retcode !== 0) return 1;
  if (!o.wait) return 0;
  const jobId = typeof env.jobId === 'string' && env.jobId ? env.jobId : undefined;
  if (!jobId) {
    ctx.stderr('fedflow submit-job: the answer has no jobId, cannot wait for the job\n');
    return 1;
  }
  const initiator = isObject(conf.initiator) ? conf.initiator : {};
  const known = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const board = createJobBoard(ctx.stderr, ctx.stderrIsTTY, jobId, dslComponents(body.job_dsl), ctx.stderrColumns);
  const result = await followJob((path, b) => client.post(path, b), { jobId, role: known(initiator.role), partyId: known(initiator.party_id) }, board, {
    intervalMs: ctx.pollIntervalMs,
    maxErrors: ctx.maxPollErrors,
    sleep: ctx.sleep,
  });
  if (result.ok) return 0;
  ctx.stderr(`job ${jobId} ${result.status === 'unknown' ? 'not followed' : result.status}: ${result.reason}\n`);
  const failed = board.failedTasks();
  if (failed.length > 0) ctx.stderr(`failed tasks: ${failed.join(', ')}\n`);
  return 1;
}

export async function stopJob(ctx: CliContext, o: CliOptions): Promise<number> {
  const body: Record<string, unknown> = { job_id: o.jobId };
  if (o.operate !== undefined) body.operate = o.operate;
  return finish(ctx, await clientFor(ctx, o).post('/v1/job/stop', body));
}

export async function queryTask(ctx: CliContext, o: CliOptions): Promise<number> {
  const body: Record<string, unknown> = {};
  if (o.jobId !== undefined) body.job_id = o.jobId;
  if (o.componentName !== undefined) body.component_name = o.componentName;
  if (o.role !== undefined) body.role = o.role;
  if (o.partyId !== undefined) body.party_id = o.partyId;
  if (o.status !== undefined) body.status = o.status;
  return finish(ctx, await clientFor(ctx, o).post('/v1/job/task/query', body));
}

/** The files job-config writes, one per key of the answer's data (fate_flow_client.py's names). */
export const JOB_CONFIG_FILES = ['dsl', 'runtime_conf', 'train_runtime_conf', 'model_info'] as const;

const safeName = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_.-]+$/.test(s) && s !== '.' && s !== '..';

export async function jobConfig(ctx: CliContext, o: CliOptions): Promise<number> {
  const env = await clientFor(ctx, o).post('/v1/job/config', { job_id: o.jobId, role: o.role, party_id: o.partyId });
  if (env.retcode !== 0) return finish(ctx, env);
  const data = env.data;
  if (!isObject(data)) {
    printJson(ctx, env);
    ctx.stderr('fedflow job-config: the answer has no job configuration\n');
    return 1;
  }
  // The directory is named after the server's job_id like FATE's client, unless that is not a plain name.
  const jobId = safeName(data.job_id) ? data.job_id : o.jobId!;
  const directory = resolve(ctx.cwd, o.outputPath!, `job_${jobId}_config`);
  try {
    mkdirSync(directory, { recursive: true });
    for (const key of JOB_CONFIG_FILES) {
      if (data[key] !== undefined) writeFileSync(join(directory, `${key}.json`), `${JSON.stringify(data[key], null, 4)}\n`);
    }
  } catch (err) {
    ctx.stderr(`fedflow job-config: cannot write ${directory}: ${(err as Error).message}\n`);
    return 1;
  }
  const { dsl: _dsl, runtime_conf: _conf, train_runtime_conf: _train, ...rest } = data;
  printJson(ctx, { ...env, retmsg: `download successfully, please check ${directory} directory`, data: rest, directory });
  return 0;
}

export async function updateJob(ctx: CliContext, o: CliOptions): Promise<number> {
  const body = { job_id: o.jobId, role: o.role, party_id: o.partyId, notes: o.notes };
  return finish(ctx, await clientFor(ctx, o).post('/v1/job/update', body));
}

export async function dagDependency(ctx: CliContext, o: CliOptions): Promise<number> {
  let body: Record<string, unknown>;
  if (o.jobId !== undefined) {
    body = { job_id: o.jobId, role: o.role, party_id: o.partyId };
  } else {
    const conf = loadConf(o.config!, ctx.cwd).conf;
    const dsl = loadConf(o.dsl!, ctx.cwd, 'dsl file').conf;
    body = { job_dsl: dsl, job_runtime_conf: conf, role: o.role, party_id: o.partyId };
  }
  return finish(ctx, await clientFor(ctx, o).post('/v1/pipeline/dag/dependency', body));
}
