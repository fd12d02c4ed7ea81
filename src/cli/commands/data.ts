// upload, download, upload-history (/v1/data/*).
import { basename } from 'node:path';
import type { CliOptions } from '../args.js';
import { loadConf, planDownload, planUpload } from '../conf.js';
import type { CliContext } from '../context.js';
import { createUploadMeter } from '../progress.js';
import type { Envelope } from '../http.js';
import { clientFor, finish, finishAndWait } from './shared.js';

export async function upload(ctx: CliContext, o: CliOptions): Promise<number> {
  const loaded = loadConf(o.config!, ctx.cwd);
  const plan = planUpload(loaded, ctx.cwd, {
    drop: o.drop,
    namespace: o.namespace,
    tableName: o.tableName,
    workMode: o.workMode,
    jsonMode: o.jsonMode,
  });
  const client = clientFor(ctx, o);
  let env: Envelope;
  if (plan.mode === 'multipart') {
    const meter = ctx.stderrIsTTY ? createUploadMeter(ctx.stderr, basename(plan.localFile)) : undefined;
    env = await client.postFile('/v1/data/upload', plan.localFile, plan.query, meter && ((sent, total) => meter.progress(sent, total)));
    meter?.finish();
  } else {
    env = await client.post('/v1/data/upload', plan.body);
  }
  return finishAndWait(ctx, client, env, o.noWait);
}

export async function download(ctx: CliContext, o: CliOptions): Promise<number> {
  const loaded = loadConf(o.config!, ctx.cwd);
  const body = planDownload(loaded, ctx.cwd, { namespace: o.namespace, tableName: o.tableName, workMode: o.workMode });
  const client = clientFor(ctx, o);
  return finishAndWait(ctx, client, await client.post('/v1/data/download', body), o.noWait);
}

export async function uploadHistory(ctx: CliContext, o: CliOptions): Promise<number> {
  const body: Record<string, unknown> = {};
  if (o.jobId !== undefined) body.job_id = o.jobId;
  if (o.limit !== undefined) body.limit = o.limit;
  return finish(ctx, await clientFor(ctx, o).post('/v1/data/upload/history', body));
}
