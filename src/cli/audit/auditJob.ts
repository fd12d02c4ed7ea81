// `fedflow audit job -j <id>`: POST /v1/audit/job/receipts rendered for a terminal — one line per
// party's signed receipt (valid or why not, its status, digests, chain head), then the verdict.
// Exit 0 when every party signed and they agree, 1 otherwise.
import { parseArgs } from 'node:util';
import type { CliContext } from '../context.js';
import { FlowClient, resolveServer } from '../http.js';
import type { ReceiptReport } from '../../federation/receipts/receiptReport.js';

export function renderReceipts(r: ReceiptReport): string {
  const short = (h: string | undefined | null) => (h ? `${h.slice(0, 12)}…` : '-');
  const lines = r.receipts.map((x) => {
    const roles = Object.entries(x.roles ?? {}).map(([role, status]) => `${role} ${status}`).join(', ');
    const models = Object.entries(x.models ?? {}).map(([role, sha]) => `${role} ${short(sha)}`).join(', ') || 'none';
    const sig = x.signature_valid ? (x.proven ? 'signature ok (CA)' : 'signature ok (unproven key)') : `INVALID: ${x.reason}`;
    return `  party ${x.party_id.padEnd(6)} ${sig}; ${roles}; dsl ${short(x.dsl_sha256)} conf ${short(x.conf_sha256)}; model ${models}; chain head ${x.chain_head?.position ?? '?'} ${short(x.chain_head?.hash)}`;
  });
  const missing = r.missing.length ? `  missing: party ${r.missing.join(', ')}\n` : '';
  return `job ${r.job_id}: ${r.receipts.length} receipt(s) for parties ${r.parties.join(', ')}\n${lines.join('\n')}\n${missing}${r.agreed ? 'AGREED' : 'NOT AGREED'}: ${r.verdict}\n`;
}

export async function auditJobCommand(ctx: CliContext, args: readonly string[], usage: string): Promise<number> {
  const { values } = parseArgs({ args: [...args], strict: true, options: { 'job-id': { type: 'string', short: 'j' }, json: { type: 'boolean' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    ctx.stdout(usage);
    return 0;
  }
  if (!values['job-id']) {
    ctx.stderr(`fedflow audit job: needs -j <job_id>\n${usage}`);
    return 2;
  }
  const client = new FlowClient(resolveServer(values.server, ctx.env), ctx.fetch);
  const answer = await client.post('/v1/audit/job/receipts', { job_id: values['job-id'] });
  if (answer.retcode !== 0) {
    ctx.stderr(`fedflow audit job: ${answer.retmsg ?? `retcode ${answer.retcode}`}\n`);
    return 1;
  }
  const report = answer.data as ReceiptReport;
  ctx.stdout(values.json ? `${JSON.stringify(answer, null, 2)}\n` : renderReceipts(report));
  return report.agreed ? 0 : 1;
}
