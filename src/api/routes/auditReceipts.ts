// POST /v1/audit/job/receipts {job_id}: the signed receipts of a cluster job this node holds, each
// checked against the federation CA now, and whether the parties agree (receiptReport.ts).
import type Router from '@koa/router';
import { readFileSync } from 'node:fs';
import { queryJobs } from '../../../projections/jobs/query.js';
import { receiptStreamId } from '../../domain/receipt/decider.js';
import { participantsOf } from '../../federation/receipts/receiptBook.js';
import { receiptReport } from '../../federation/receipts/receiptReport.js';
import { ok } from '../envelope.js';
import { badRequest, notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';

export function auditReceiptRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/audit/job/receipts', deps, async (body) => {
    const jobId = typeof body.job_id === 'string' ? body.job_id : undefined;
    if (!jobId) throw badRequest('job_id is required');
    if (!deps.eventLog) throw badRequest('this node has no event log to audit');
    const rows = queryJobs(deps.views, { job_id: jobId });
    if (rows.length === 0) throw notFound(`no job ${jobId} on this node`);
    if (!rows.some((row) => Number(row.f_work_mode) === 1 && row.f_role !== 'local')) {
      throw badRequest(`job ${jobId} ran on this one node (standalone or local): there are no other parties, so no receipts`);
    }
    const ca = deps.config.tlsCa && !deps.config.insecure ? readFileSync(deps.config.tlsCa) : undefined;
    const events = await deps.eventLog.readStream(receiptStreamId(jobId));
    return ok({ data: receiptReport(jobId, [...participantsOf(rows)].sort(), events, ca) });
  });
}
