// FATE 1.4.5's file answers: GET /v1/job/log (the job's log folder as a tar.gz) and GET
// /v1/tracking/component/output/data/download (a component's output table as CSV + its meta).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type Router from '@koa/router';
import { queryJobs } from '../../../projections/jobs/query.js';
import { outputData } from '../../../projections/outputs/query.js';
import { packTarGz, type TarEntry } from '../../archive/tarGz.js';
import { jobLogDir } from '../../scheduler/taskLog.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { getFile } from '../fileRoute.js';
import { componentScope } from '../trackingScope.js';
import { name, requireKeys, toInt } from '../validate.js';
import { badRequest } from '../errors.js';
import { outputHeader, outputRow } from './tracking.js';
import { isPlainObject, own } from '../../domain/dsl/json.js';

const TAR_GZ = 'application/gzip';

export function downloadRoutes(router: Router, deps: EdgeDeps): void {
  getFile(router, '/job/log', deps, (body) => {
    requireKeys(body, ['job_id']);
    const jobId = name(body, 'job_id');
    // Only a job this node knows: its id then is a plain name, never a path.
    if (queryJobs(deps.views, { job_id: jobId }).length === 0) return { status: 404, answer: { retcode: 101, retmsg: 'find job failed' } };
    const dir = jobLogDir(join(deps.config.dataDir, 'logs'), jobId);
    return { file: { name: `job_${jobId}_log.tar.gz`, bytes: packTarGz(filesBelow(dir)), contentType: TAR_GZ } };
  });

  getFile(router, '/tracking/component/output/data/download', deps, (body) => {
    const scope = componentScope(deps.views, body);
    const job = queryJobs(deps.views, { job_id: scope.jobId })[0];
    if (!job) throw badRequest('can not get dag parser, please check if the parameters are correct');
    const components = own(parse(job.f_dsl), 'components');
    if (!isPlainObject(components) || !Object.prototype.hasOwnProperty.call(components, scope.componentName)) {
      throw badRequest('can not found component, please check if the parameters are correct');
    }
    const limit = body.limit === undefined || body.limit === null || body.limit === '' ? -1 : toInt(body.limit);
    if (limit === undefined) throw badRequest('the following arguments are required:  limit=<integer>');
    const output = outputData(deps.views, scope);
    if (!output || !deps.tables.exists(output.location)) return { status: 500, answer: { retcode: 500, retmsg: 'no data' } };
    if (limit === 0) return { status: 500, answer: { retcode: 500, retmsg: 'limit is 0' } };
    const lines: string[] = [];
    let labelled = false;
    for (const [key, value] of deps.tables.read(output.location, limit > 0 ? { limit } : {})) {
      const row = outputRow(key, value);
      labelled ||= row.labelled;
      lines.push(row.cells.map(csvCell).join(','));
    }
    if (lines.length === 0) return { status: 500, answer: { retcode: 500, retmsg: 'no data' } };
    const header = outputHeader(output.schema, labelled).map(String);
    const head = body.head === undefined || body.head === null ? true : ![false, 0, '0', 'false', 'False'].includes(body.head as never);
    const csv = `${head ? `${header.join(',')}\n` : ''}${lines.join('\n')}\n`;
    const meta = JSON.stringify({ header }, null, 4);
    const entries: TarEntry[] = [
      { name: 'output_data.csv', data: Buffer.from(csv) },
      { name: 'output_data_meta.json', data: Buffer.from(meta) },
    ];
    const file = `job_${scope.jobId}_${scope.componentName}_${scope.role}_${scope.partyId}_output_data.tar.gz`;
    return { file: { name: file.replace(/[^\w.#-]/g, '_'), bytes: packTarGz(entries), contentType: TAR_GZ } };
  });
}

/** FATE writes str(value); an object cell (predict_detail) is JSON, quoted so the line stays CSV. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object') return `"${JSON.stringify(value).replace(/"/g, '""')}"`;
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function filesBelow(dir: string): TarEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return []; // a job whose tasks have not started yet has no logs: an empty archive, as FATE's
  }
  const entries: TarEntry[] = [];
  for (const n of names.sort()) {
    const path = join(dir, n);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    entries.push({ name: relative(dir, path).split(sep).join('/'), data: readFileSync(path), mtime: st.mtimeMs / 1000 });
  }
  return entries;
}

function parse(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return undefined;
  }
}
