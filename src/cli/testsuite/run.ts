// `fedflow testsuite`: the I/O around the pure plan — uploads, submits, waits, prints the table.
// Progress lines go to stderr (FATE's run_test.py prints them), the result tables to stdout.
import { credentialsFromEnv } from '../../api/auth/signature.js';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { FlowClient, resolveServer, type Envelope } from '../http.js';
import { DEFAULT_ENV, SuiteError, parseEnv, type SuiteEnv } from './env.js';
import { defaultDataBase, findSuites, readJson } from './files.js';
import { TESTSUITE_USAGE, TestsuiteUsageError, parseTestsuiteArgs, type TestsuiteOptions } from './options.js';
import { filterTasks, planSuite, type SuitePlan, type TaskStep, type UploadStep } from './plan.js';
import { renderConf, type Json, type ModelInfo } from './render.js';
import { exitStatus, formatResults, jobOutcome, type PartyRow, type TaskResult } from './results.js';

const END = new Set(['success', 'failed', 'canceled', 'timeout']);
const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

interface Run {
  ctx: CliContext;
  opts: TestsuiteOptions;
  env: SuiteEnv;
  server: FlowClient;
  log(line: string): void;
}

export async function testsuiteCli(ctx: CliContext, argv: readonly string[]): Promise<number> {
  let opts: TestsuiteOptions;
  try {
    opts = parseTestsuiteArgs(argv);
  } catch (err) {
    if (!(err instanceof TestsuiteUsageError)) throw err;
    ctx.stderr(`fedflow testsuite: ${err.message}\nRun 'fedflow testsuite --help' for usage.\n`);
    return 2;
  }
  if (opts.help) {
    ctx.stdout(TESTSUITE_USAGE);
    return 0;
  }
  try {
    return await runTestsuites(ctx, opts);
  } catch (err) {
    if (!(err instanceof SuiteError)) throw err;
    ctx.stderr(`fedflow testsuite: ${err.message}\n`);
    return 1;
  }
}

async function runTestsuites(ctx: CliContext, opts: TestsuiteOptions): Promise<number> {
  let env = opts.env === undefined ? DEFAULT_ENV : parseEnv(readJson(resolve(ctx.cwd, opts.env), 'env file'), opts.env);
  if (opts.mode !== undefined) env = { ...env, workMode: opts.mode };
  if (opts.force !== undefined) env = { ...env, forceUpload: opts.force };
  const suites = opts.suite !== undefined ? [resolve(ctx.cwd, opts.suite)] : findSuites(resolve(ctx.cwd, opts.dir!));
  if (suites.length === 0) throw new SuiteError(`no *testsuite.json below ${opts.dir}`);
  // Check every suite before running any, so a typo in --tasks does not surface after an hour.
  const plans = suites.map((path) => {
    const dataBase = opts.dataBase !== undefined ? resolve(ctx.cwd, opts.dataBase) : defaultDataBase(path);
    try {
      return { path, plan: planSuite(readJson(path, 'testsuite'), dirname(path), dataBase, env) };
    } catch (err) {
      throw err instanceof SuiteError ? new SuiteError(`${path}: ${err.message}`) : err;
    }
  });
  const known = new Set(plans.flatMap(({ plan }) => plan.tasks.map((t) => t.name)));
  const unknown = [...opts.tasks, ...opts.skip].filter((n) => !known.has(n));
  if (unknown.length > 0) throw new SuiteError(`no task named ${unknown.join(', ')} (tasks: ${[...known].join(', ')})`);
  const run: Run = { ctx, opts, env, server: new FlowClient(resolveServer(opts.server, ctx.env), ctx.fetch, credentialsFromEnv(ctx.env)), log: (line) => ctx.stderr(`[${stamp()}]${line}\n`) };
  ctx.stderr(`testsuites:\n${suites.join('\n')}\n`);
  const all: TaskResult[] = [];
  for (const { path, plan } of plans) {
    const tasks = filterTasks(plan.tasks, { only: opts.tasks, skip: opts.skip });
    if (tasks.length === 0) continue;
    run.log(`running testsuite ${path}`);
    const results = await runSuite(run, path, { ...plan, tasks });
    all.push(...results);
    const block = `${path}\n${'='.repeat(68)}\n${formatResults(results)}\n`;
    ctx.stdout(block);
    if (opts.output !== undefined) appendFileSync(resolve(ctx.cwd, opts.output), block);
  }
  if (all.length === 0) throw new SuiteError('no task left to run after --tasks/--skip');
  const failed = all.filter((r) => r.status !== 'success');
  ctx.stderr(failed.length === 0 ? `all ${all.length} tasks success\n` : `${failed.length} of ${all.length} tasks not success: ${failed.map((r) => r.task).join(', ')}\n`);
  return exitStatus(all);
}

const stamp = (): string => new Date().toISOString().replace('T', ' ').slice(0, 19);

async function runSuite(run: Run, path: string, plan: SuitePlan): Promise<TaskResult[]> {
  if (!run.opts.skipData) {
    for (const step of plan.uploads) {
      const failure = await upload(run, step);
      if (failure) {
        run.log(`upload failed: ${failure}`);
        return plan.tasks.map((t) => ({ suite: path, task: t.name, status: 'submit_fail', reason: `data upload failed: ${failure}` }));
      }
    }
  }
  const models = new Map<string, ModelInfo | undefined>();
  const results: TaskResult[] = [];
  for (const task of plan.tasks) {
    const result = await runTask(run, path, task, models);
    results.push(result);
  }
  return results;
}

/** Resolves to undefined when the table is there (uploaded, or kept with force -1), else why not. */
async function upload(run: Run, step: UploadStep): Promise<string | undefined> {
  const what = `@${step.role}(${step.partyId}):${step.file} >> ${step.namespace}.${step.tableName}`;
  const file = step.candidates.find((p) => existsSync(p) && statSync(p).isFile());
  if (!file) return `${what}: file not found (tried ${step.candidates.join(', ')})`;
  const target = run.env.ipMap[String(step.partyId)];
  const client = typeof target === 'string' ? new FlowClient(target, run.ctx.fetch, credentialsFromEnv(run.ctx.env)) : run.server;
  run.log(`uploading ${what}`);
  const query: Record<string, string> = {
    head: String(step.head),
    partition: String(step.partition),
    work_mode: String(run.env.workMode),
    table_name: step.tableName,
    namespace: step.namespace,
  };
  if (run.env.forceUpload !== -1) query.drop = String(run.env.forceUpload);
  const env = await client.postFile('/v1/data/upload', file, query);
  if (env.retcode !== 0) {
    // FATE's submitter: with no drop, an existing table is kept and the upload skipped.
    if (env.retcode === 100 && /table already exists/.test(String(env.retmsg))) {
      run.log(`kept the existing table ${step.namespace}.${step.tableName}`);
      return undefined;
    }
    return `${what}: retcode ${env.retcode}: ${env.retmsg ?? ''}`;
  }
  const jobId = String(env.jobId ?? '');
  const end = await waitJob(run, client, jobId, Date.now());
  if (end.status !== 'success') return `${what}: job ${jobId} ${end.status}${end.reason ? `: ${end.reason}` : ''}`;
  run.log(`upload done ${what}, job_id=${jobId}`);
  return undefined;
}

async function runTask(run: Run, suite: string, task: TaskStep, models: Map<string, ModelInfo | undefined>): Promise<TaskResult> {
  const fail = (reason: string): TaskResult => {
    run.log(`[${task.name}]submit_fail: ${reason}`);
    return { suite, task: task.name, status: 'submit_fail', reason };
  };
  if (task.invalid) return fail(task.invalid);
  let body: { job_dsl: Json; job_runtime_conf: Json };
  try {
    const conf = readJson(task.conf, 'conf');
    if (!isObject(conf)) return fail(`conf ${task.conf} must hold a JSON object`);
    if (task.type === 'train') {
      const dsl = readJson(task.dsl!, 'dsl');
      if (!isObject(dsl)) return fail(`dsl ${task.dsl} must hold a JSON object`);
      body = { job_dsl: dsl, job_runtime_conf: renderConf(conf, run.env, undefined, task.substitute) };
    } else {
      if (!models.has(task.deps!)) return fail(`deps ${task.deps} not found (it was not run or its submit failed)`);
      const model = models.get(task.deps!);
      if (!model) return fail(`deps ${task.deps}: its submit answer had no model_info`);
      body = { job_dsl: {}, job_runtime_conf: renderConf(conf, run.env, model) };
    }
  } catch (err) {
    if (err instanceof SuiteError) return fail(err.message);
    throw err;
  }
  run.log(`[${task.name}]submitting...`);
  const started = Date.now();
  const env = await run.server.post('/v1/job/submit', body);
  if (env.retcode !== 0 || typeof env.jobId !== 'string') return fail(`retcode ${env.retcode}: ${env.retmsg ?? ''}`);
  const jobId = env.jobId;
  if (task.type === 'train') models.set(task.name, modelInfoOf(env));
  run.log(`[${task.name}]submit done, job_id=${jobId}`);
  const end = await waitJob(run, run.server, jobId, started);
  const seconds = (Date.now() - started) / 1000;
  run.log(`[${task.name}]${end.status}, elapse: ${seconds.toFixed(1)} s`);
  return { suite, task: task.name, status: end.status, jobId, seconds, ...(end.reason ? { reason: end.reason } : {}) };
}

function modelInfoOf(env: Envelope): ModelInfo | undefined {
  const info = isObject(env.data) && isObject(env.data.model_info) ? env.data.model_info : undefined;
  if (!info || typeof info.model_id !== 'string' || typeof info.model_version !== 'string') return undefined;
  return { model_id: info.model_id, model_version: info.model_version };
}

/** Polls /v1/job/query until the initiator's row ends; the task's status then looks at every party's row. */
async function waitJob(run: Run, client: FlowClient, jobId: string, started: number): Promise<{ status: string; reason?: string }> {
  let errors = 0;
  for (;;) {
    const env = await client.post('/v1/job/query', { job_id: jobId });
    const rows = env.retcode === 0 && Array.isArray(env.data) ? (env.data as PartyRow[]) : [];
    const lead = rows.find((r) => Number(r.f_is_initiator) === 1) ?? rows[0];
    if (!lead || typeof lead.f_status !== 'string') {
      if (++errors > run.ctx.maxPollErrors) return { status: 'unknown', reason: `cannot query job ${jobId}: retcode ${env.retcode} ${env.retmsg ?? ''}`.trim() };
    } else {
      errors = 0;
      if (END.has(lead.f_status)) return jobOutcome(lead.f_status, rows);
    }
    if (run.opts.timeoutMs !== undefined && Date.now() - started > run.opts.timeoutMs) {
      return { status: 'timeout', reason: `still ${String(lead?.f_status ?? 'unknown')} after ${run.opts.timeoutMs / 1000} s (--timeout); the job was left running` };
    }
    await run.ctx.sleep(run.opts.intervalMs);
  }
}
