// Helpers shared by the client commands.
import type { CliOptions } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { credentialsFromEnv } from '../../api/auth/signature.js';
import { FlowClient, resolveServer, type Envelope } from '../http.js';
import { createReporter } from '../progress.js';
import { waitForJob } from '../wait.js';

export function clientFor(ctx: CliContext, options: CliOptions): FlowClient {
  return new FlowClient(resolveServer(options.server, ctx.env), ctx.fetch, credentialsFromEnv(ctx.env));
}

/** Prints the envelope; exit status 0 iff retcode 0. */
export function finish(ctx: CliContext, env: Envelope): number {
  printJson(ctx, env);
  return env.retcode === 0 ? 0 : 1;
}

/** Prints a job-creating answer, then (unless noWait) follows the job: 0 only for retcode 0 and status success. */
export async function finishAndWait(ctx: CliContext, client: FlowClient, env: Envelope, noWait: boolean): Promise<number> {
  printJson(ctx, env);
  if (env.retcode !== 0) return 1;
  if (noWait) return 0;
  const jobId = typeof env.jobId === 'string' && env.jobId ? env.jobId : undefined;
  if (!jobId) {
    ctx.stderr('fedflow: the answer has no jobId, cannot wait for the job\n');
    return 1;
  }
  const reporter = createReporter(ctx.stderr, ctx.stderrIsTTY, jobId);
  const result = await waitForJob((body) => client.post('/v1/job/query', body), jobId, reporter, {
    intervalMs: ctx.pollIntervalMs,
    maxErrors: ctx.maxPollErrors,
    sleep: ctx.sleep,
  });
  if (result.ok) return 0;
  ctx.stderr(`job ${jobId} ${result.status === 'unknown' ? 'not followed' : result.status}: ${result.reason}\n`);
  return 1;
}
