// job-query (/v1/job/query).
import type { CliOptions } from '../args.js';
import type { CliContext } from '../context.js';
import type { Envelope } from '../http.js';
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
