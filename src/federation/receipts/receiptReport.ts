// `fedflow audit job` / POST /v1/audit/job/receipts: the receipts this node recorded for a job,
// each signature checked again now against the federation CA, and whether the parties agree —
// every party signed, all ran the same DSL and conf, all report the same outcome.
import type { RecordedEvent } from '../../store/eventStore.js';
import type { ReceiptRecordedData } from '../../domain/receipt/decider.js';
import { checkReceipt } from './receipt.js';

export interface ReceiptLine {
  readonly party_id: string;
  readonly signature_valid: boolean;
  /** A CA certificate vouches for the signer's party (false on an insecure federation). */
  readonly proven: boolean;
  readonly reason?: string;
  readonly roles?: Readonly<Record<string, string>>;
  readonly dsl_sha256?: string;
  readonly conf_sha256?: string;
  readonly models?: Readonly<Record<string, string>>;
  readonly chain_head?: { readonly position: string; readonly hash: string | null };
  readonly signed_at?: number;
  readonly received_from: string;
  readonly position: string;
}

export interface ReceiptReport {
  readonly job_id: string;
  readonly parties: readonly string[];
  readonly receipts: readonly ReceiptLine[];
  readonly missing: readonly string[];
  readonly all_valid: boolean;
  readonly same_dsl: boolean;
  readonly same_conf: boolean;
  readonly same_outcome: boolean;
  /** Every party's receipt is here, valid, and they agree on DSL, conf and outcome. */
  readonly agreed: boolean;
  readonly shared: boolean;
  readonly verdict: string;
}

export function receiptReport(jobId: string, parties: readonly string[], events: readonly RecordedEvent[], caPem?: string | Buffer, now = Date.now()): ReceiptReport {
  const receipts: ReceiptLine[] = events.filter((e) => e.type === 'JobReceiptRecorded').map((e) => {
    const d = e.data as ReceiptRecordedData;
    const check = checkReceipt(d, caPem, now);
    const r = check.receipt;
    return {
      party_id: r?.partyId ?? d.partyId,
      signature_valid: check.valid,
      proven: check.valid && check.proven,
      ...(check.valid ? {} : { reason: check.reason }),
      ...(r ? { roles: r.roles, dsl_sha256: r.dslSha256, conf_sha256: r.confSha256, models: r.models, chain_head: r.chainHead, signed_at: r.signedAt } : {}),
      received_from: d.receivedFrom,
      position: String(e.position),
    };
  });
  const valid = receipts.filter((r) => r.signature_valid);
  const distinct = (f: (r: ReceiptLine) => unknown): number => new Set(valid.map((r) => JSON.stringify(f(r)))).size;
  const missing = parties.filter((p) => !valid.some((r) => r.party_id === p));
  const all_valid = receipts.length > 0 && valid.length === receipts.length;
  const same_dsl = distinct((r) => r.dsl_sha256) <= 1;
  const same_conf = distinct((r) => r.conf_sha256) <= 1;
  const same_outcome = new Set(valid.flatMap((r) => Object.values(r.roles ?? {}))).size <= 1;
  const agreed = all_valid && missing.length === 0 && same_dsl && same_conf && same_outcome;
  const problems = [
    ...(receipts.length === 0 ? ['no receipt recorded on this node'] : []),
    ...receipts.filter((r) => !r.signature_valid).map((r) => `party ${r.party_id}'s receipt is not valid: ${r.reason}`),
    ...(missing.length ? [`no valid receipt from party ${missing.join(', ')}`] : []),
    ...(same_dsl ? [] : ['the parties ran different DSLs']),
    ...(same_conf ? [] : ['the parties ran different runtime confs']),
    ...(same_outcome ? [] : ['the parties report different outcomes']),
  ];
  const outcome = [...new Set(valid.flatMap((r) => Object.values(r.roles ?? {})))].join('/');
  const unproven = valid.some((r) => !r.proven) ? ' (signed with bare keys: an insecure federation proves no party)' : '';
  return {
    job_id: jobId, parties, receipts, missing, all_valid, same_dsl, same_conf, same_outcome, agreed,
    shared: events.some((e) => e.type === 'JobReceiptsShared'),
    verdict: agreed ? `all ${parties.length} parties signed: same DSL and conf, outcome ${outcome}${unproven}` : problems.join('; '),
  };
}
