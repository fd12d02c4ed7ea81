// /v1/data/upload, /v1/data/download, /v1/data/upload/history (contract 5.1–5.3).
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { SubmitDownload, SubmitUpload } from '../../app/commands.js';
import { jobFilePaths } from '../../app/jobFiles.js';
import { checkUploadFile } from '../../components/upload/runUploadTask.js';
import type { UploadParams } from '../../scheduler/localJobs.js';
import { queryJobs } from '../../../projections/jobs/query.js';
import { successfulUploadTasks } from '../../../projections/tasks/query.js';
import { queryDataViews } from '../../../projections/dataView/query.js';
import { getTable } from '../../../projections/tables/query.js';
import { readJsonObject } from '../body.js';
import { envelope, ok } from '../envelope.js';
import { badRequest } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { isMultipart, receiveMultipart } from '../multipart.js';
import { resolveDownloadPath, resolveInputPath } from '../paths.js';
import { postJson } from '../route.js';
import { intIn, name, optionalInt, optionalString, requireKeys, requiredArgumentsMessage, toInt } from '../validate.js';

const UPLOAD_KEYS = ['file', 'head', 'partition', 'work_mode', 'namespace', 'table_name'];

export function dataRoutes(router: Router, deps: EdgeDeps): void {
  // Uploads being received now: each holds a connection, a temp file and disk bandwidth.
  let receiving = 0;
  router.post('/data/upload', async (ctx) => {
    const limit = deps.config.limits.maxConcurrentUploads;
    if (receiving >= limit) {
      ctx.set('connection', 'close');
      throw badRequest(`${receiving} uploads are being received at this node (maxConcurrentUploads ${limit}); retry later`);
    }
    receiving++;
    try {
      ctx.body = envelope(await upload(ctx, deps));
    } finally {
      receiving--;
    }
  });

  postJson(router, '/data/download', deps, async (body) => {
    requireKeys(body, ['namespace', 'table_name', 'output_path', 'work_mode']);
    const work_mode = workMode(body, deps) as 0 | 1;
    const namespace = name(body, 'namespace');
    const table_name = name(body, 'table_name');
    const output = optionalString(body, 'output_path')!;
    const delimitor = optionalString(body, 'delimitor') ?? ',';
    const output_path = resolveDownloadPath('output_path', output, deps.config.dataRoots, process.cwd());
    const jobId = deps.nextJobId();
    await deps.commands.execute(new SubmitDownload(jobId, { namespace, table_name, output_path, delimitor, work_mode }));
    // The absolute path the file is written to: a relative output_path is not ambiguous afterwards.
    return ok({ jobId, data: { ...jobFilePaths(deps.config.dataDir, jobId), output_path } });
  });

  postJson(router, '/data/upload/history', deps, (body) => {
    const jobId = optionalString(body, 'job_id');
    const limit = optionalInt(body, 'limit', 0);
    const tasks = successfulUploadTasks(deps.views, jobId, limit);
    const data = tasks.map((t) => {
      const id = String(t.f_job_id);
      const job = queryJobs(deps.views, { job_id: id, role: 'local', party_id: '0' })[0];
      const view = queryDataViews(deps.views, { job_id: id, component_name: 'upload_0' })[0];
      const table = view ? getTable(deps.views, String(view.f_table_namespace), String(view.f_table_name)) : undefined;
      return {
        [id]: {
          upload_info: {
            table_name: view?.f_table_name, namespace: view?.f_table_namespace, partition: view?.f_partition,
            upload_count: view?.f_table_count_upload, actual_count: view?.f_table_count_actual,
          },
          notes: job?.f_description ?? '',
          meta: table?.meta ?? {},
        },
      };
    });
    return ok({ data });
  });
}

function workMode(body: Record<string, unknown>, deps: EdgeDeps): number {
  return intIn(body, 'work_mode', [deps.config.workMode], String(deps.config.workMode));
}

async function upload(ctx: Context, deps: EdgeDeps) {
  const jobId = deps.nextJobId();
  const tempDir = join(deps.config.dataDir, 'upload_tmp', jobId);
  const multipart = isMultipart(ctx);
  try {
    let body: Record<string, unknown>;
    let file: string;
    if (multipart) {
      const received = await receiveMultipart(ctx, tempDir, deps.config.uploadLimit);
      body = received.fields;
      requireKeys(body, UPLOAD_KEYS.filter((k) => k !== 'file'));
      if (!received.file) throw badRequest('multipart upload has no part named `file`');
      file = received.file;
    } else {
      body = await readJsonObject(ctx, deps.config.jsonBodyLimit);
      requireKeys(body, UPLOAD_KEYS);
    }
    const params = uploadParams(body, deps);
    if (!multipart) {
      const given = optionalString(body, 'file')!;
      file = resolveInputPath('file', given, deps.config.dataRoots);
      const problem = checkUploadFile(file);
      if (problem) throw badRequest(problem.replace(file, given));
      if (!statSync(file).isFile()) throw badRequest(`${given} is not a file`);
    } else {
      const problem = checkUploadFile(file!);
      if (problem) throw badRequest('the uploaded file is empty');
    }
    const full: UploadParams = { ...params, file: file!, ...(multipart ? { temp_dir: tempDir } : {}) };
    await deps.commands.execute(new SubmitUpload(jobId, full));
    return ok({ jobId, data: { table_name: full.table_name, namespace: full.namespace, ...jobFilePaths(deps.config.dataDir, jobId) } });
  } catch (error) {
    if (multipart) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
}

function uploadParams(body: Record<string, unknown>, deps: EdgeDeps): Omit<UploadParams, 'file'> {
  const work_mode = workMode(body, deps) as 0 | 1;
  const head = toInt(body.head);
  if (head !== 0 && head !== 1) throw badRequest("'head' in conf.json should be 0 or 1");
  const partition = toInt(body.partition);
  if (partition === undefined || partition <= 0 || partition >= 1024) {
    throw badRequest('Error number of partition, it should between 0 and 1024');
  }
  const namespace = name(body, 'namespace');
  const table_name = name(body, 'table_name');
  let drop: 0 | 1 | undefined;
  if (body.drop !== undefined && body.drop !== null && body.drop !== '') {
    const d = toInt(body.drop);
    if (d !== 0 && d !== 1 && d !== 2) throw badRequest(requiredArgumentsMessage([], ['drop=(0, 1)']));
    drop = d === 2 ? undefined : d;
  }
  const in_version = body.in_version === true || body.in_version === 'true' || body.in_version === 1;
  return { head, partition, work_mode, namespace, table_name, ...(drop !== undefined ? { drop } : {}), ...(in_version ? { in_version } : {}) };
}

