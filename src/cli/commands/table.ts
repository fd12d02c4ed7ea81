// table-info, table-delete (/v1/table/*).
import type { CliOptions } from '../args.js';
import type { CliContext } from '../context.js';
import { clientFor, finish } from './shared.js';

export async function tableInfo(ctx: CliContext, o: CliOptions): Promise<number> {
  const body = { namespace: o.namespace, table_name: o.tableName };
  return finish(ctx, await clientFor(ctx, o).post('/v1/table/table_info', body));
}

export async function tableDelete(ctx: CliContext, o: CliOptions): Promise<number> {
  const body: Record<string, unknown> = {};
  if (o.namespace !== undefined) body.namespace = o.namespace;
  if (o.tableName !== undefined) body.table_name = o.tableName;
  if (o.jobId !== undefined) body.job_id = o.jobId;
  if (o.role !== undefined) body.role = o.role;
  if (o.partyId !== undefined) body.party_id = o.partyId;
  if (o.componentName !== undefined) body.component_name = o.componentName;
  return finish(ctx, await clientFor(ctx, o).post('/v1/table/delete', body));
}
