// FATE 1.4's job functions beyond the contract, as fate_flow_client.py calls them: job-log (GET
// /v1/job/log, unpacked into <dir>/job_<job_id>_log/), data-view-query, clean-job, clean-queue,
// component-metric-delete, and component-output-data -o (GET output/data/download, unpacked into
// <dir>/job_<job>_<cpn>_<role>_<party>_output_data/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { unpackTarGz } from '../../archive/tarGz.js';
import type { CliOptions } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { clientFor, finish } from './shared.js';

/** -j -r -p -cpn as the body's job_id, role, party_id, component_name (absent ones left out). */
export function jobFilters(o: CliOptions): Record<string, string> {
  const body: Record<string, string> = {};
  if (o.jobId !== undefined) body.job_id = o.jobId;
  if (o.role !== undefined) body.role = o.role;
  if (o.partyId !== undefined) body.party_id = o.partyId;
  if (o.componentName !== undefined) body.component_name = o.componentName;
  return body;
}

export const dataViewQuery = async (ctx: CliContext, o: CliOptions): Promise<number> => finish(ctx, await clientFor(ctx, o).post('/v1/job/data/view/query', jobFilters(o)));
export const cleanJob = async (ctx: CliContext, o: CliOptions): Promise<number> => finish(ctx, await clientFor(ctx, o).post('/v1/job/clean', jobFilters(o)));
export const cleanQueue = async (ctx: CliContext, o: CliOptions): Promise<number> => finish(ctx, await clientFor(ctx, o).post('/v1/job/clean/queue', {}));
export const metricDelete = async (ctx: CliContext, o: CliOptions): Promise<number> =>
  finish(ctx, await clientFor(ctx, o).post('/v1/tracking/component/metric/delete', jobFilters(o)));

export async function jobLog(ctx: CliContext, o: CliOptions): Promise<number> {
  return download(ctx, o, '/v1/job/log', { job_id: o.jobId! }, `job_${o.jobId}_log`);
}

export async function outputDataDownload(ctx: CliContext, o: CliOptions): Promise<number> {
  const query: Record<string, string> = { ...jobFilters(o) };
  if (o.limit) query.limit = String(o.limit);
  return download(ctx, o, '/v1/tracking/component/output/data/download', query, `job_${o.jobId}_${o.componentName}_${o.role}_${o.partyId}_output_data`);
}

async function download(ctx: CliContext, o: CliOptions, path: string, query: Record<string, string>, folder: string): Promise<number> {
  const answer = await clientFor(ctx, o).getFile(path, query);
  if (!answer.ok) return finish(ctx, answer.env);
  const directory = resolve(ctx.cwd, o.outputPath!, folder.replace(/[^\w.#-]/g, '_'));
  try {
    const entries = unpackTarGz(answer.bytes);
    mkdirSync(directory, { recursive: true });
    for (const e of entries) {
      const target = join(directory, ...e.name.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, e.data);
    }
  } catch (err) {
    printJson(ctx, { retcode: 100, retmsg: `download failed: ${(err as Error).message}` });
    return 1;
  }
  printJson(ctx, { retcode: 0, directory, retmsg: `download successfully, please check ${directory} directory` });
  return 0;
}
