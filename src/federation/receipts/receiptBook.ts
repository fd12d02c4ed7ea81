// Job receipts in cluster mode (issue 14, "parties agree, provably"). When a job ends for this
// node's party it signs a receipt (receipt.ts) and records it; a party sends its receipt to the job's
// initiator; the initiator, once it holds every party's, records that it shares the set and sends
// it to every party. Whoever receives receipts checks every signature against the federation CA
// first: one bad receipt and the whole message is refused, nothing is recorded.
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { IllegalStateError } from '../../domain/decider.js';
import { receiptDecider, receiptStreamId, type ReceiptState } from '../../domain/receipt/decider.js';
import { fold } from '../../domain/decider.js';
import type { Clock } from '../../eventSourcing/clock.js';
import { handleCommand } from '../../eventSourcing/handleCommand.js';
import type { EventStore, RecordedEvent } from '../../store/eventStore.js';
import { queryJobs, type JobRow } from '../../../projections/jobs/query.js';
import type { DeliverReceiptsRequest } from '../../gen/fedflow/v1/party.js';
import { makeHeader, type AckResult } from '../commands.js';
import type { Outbox } from '../outbox.js';
import { canonicalDigest, checkReceipt, RECEIPT_KIND, type Receipt, type SignedReceipt } from './receipt.js';

const FINAL = new Set(['success', 'failed', 'canceled', 'timeout']);
const JOB_ENDS = new Set(['JobSucceeded', 'JobFailed', 'JobCanceled', 'JobTimedOut']);

export interface ReceiptBookDeps {
  readonly partyId: string;
  readonly store: EventStore;
  readonly views: Database;
  readonly outbox: Pick<Outbox, 'send'>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly sign: (receipt: Receipt) => SignedReceipt;
  /** The federation CA (PEM); absent on an insecure federation (receipts are then unproven). */
  readonly caPem?: string | Buffer;
}

export class ReceiptBook {
  /** One job's receipt work at a time (issue, receive, share), in arrival order. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ReceiptBookDeps) {}

  /** Process-manager hook: every event once the views hold it. A job's end for this party issues its receipt. */
  onEvent(event: RecordedEvent): Promise<void> | undefined {
    if (!JOB_ENDS.has(event.type)) return undefined;
    const jobId = (event.data as { jobId?: string }).jobId;
    if (!jobId || !event.streamId.endsWith(`-${this.deps.partyId}`)) return undefined;
    return this.serial(jobId, () => this.issue(jobId)).catch((error: Error) => this.deps.log.error({ err: error, jobId }, 'job receipt not issued'));
  }

  /** A DeliverReceipts from another party (already authenticated by its certificate). */
  onDeliver(r: DeliverReceiptsRequest): Promise<AckResult> {
    const jobId = r.header!.jobId;
    return this.serial(jobId, () => this.receive(r));
  }

  private serial<T>(jobId: string, job: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(jobId) ?? Promise.resolve()).then(job, job);
    const tail = run.catch(() => undefined);
    this.queues.set(jobId, tail);
    void tail.then(() => {
      if (this.queues.get(jobId) === tail) this.queues.delete(jobId);
    });
    return run;
  }

  private rows(jobId: string): JobRow[] {
    return queryJobs(this.deps.views, { job_id: jobId, party_id: this.deps.partyId });
  }

  private async issue(jobId: string): Promise<void> {
    const rows = this.rows(jobId);
    if (rows.length === 0 || !isFederated(rows) || rows.some((row) => !FINAL.has(String(row.f_status)))) return;
    const state = await this.state(jobId);
    if (state.byParty.has(this.deps.partyId)) return;
    const signed = this.deps.sign(await this.receiptOf(jobId, rows));
    await this.record(jobId, signed, this.deps.partyId);
    const initiator = String(rows[0]!.f_initiator_party_id);
    if (initiator === this.deps.partyId) await this.shareIfComplete(jobId);
    else this.send(jobId, initiator, [signed]);
  }

  private async receiptOf(jobId: string, rows: JobRow[]): Promise<Receipt> {
    const row = rows[0]!;
    const models = this.deps.views
      .prepare('SELECT f_role, f_sha256 FROM t_pipeline_model WHERE f_job_id = ? AND f_party_id = ? ORDER BY f_role')
      .all(jobId, this.deps.partyId) as { f_role: string; f_sha256: string }[];
    const last = await this.lastHashedEvent();
    return {
      kind: RECEIPT_KIND, version: 1, jobId, partyId: this.deps.partyId, initiatorPartyId: String(row.f_initiator_party_id),
      roles: Object.fromEntries(rows.map((r) => [String(r.f_role), String(r.f_status)])),
      dslSha256: canonicalDigest(JSON.parse(String(row.f_dsl ?? 'null'))),
      confSha256: canonicalDigest(JSON.parse(String(row.f_runtime_conf ?? 'null'))),
      models: Object.fromEntries(models.map((m) => [m.f_role, m.f_sha256])),
      chainHead: { position: String(last?.position ?? 0n), hash: last?.hash ?? null },
      signedAt: this.deps.clock.now(),
    };
  }

  /**
   * The newest event of this node's log with a chain hash: a SQLite node links each batch just
   * after its commit (store/sqlite/chainLinks.ts), so the very newest may have none for a moment.
   */
  private async lastHashedEvent(): Promise<RecordedEvent | undefined> {
    const WINDOW = 256n;
    for (let end = await this.deps.store.headPosition(); end > 0n; end -= WINDOW) {
      const from = end > WINDOW ? end - WINDOW : 0n;
      const found = (await this.deps.store.readAll({ fromPosition: from, maxCount: Number(end - from) })).filter((e) => e.hash);
      if (found.length) return found.at(-1);
    }
    return undefined;
  }

  private async receive(r: DeliverReceiptsRequest): Promise<AckResult> {
    const h = r.header!;
    const jobId = h.jobId;
    const refuse = (why: string): AckResult => {
      this.deps.log.warn({ jobId, from: h.sourcePartyId, why }, 'job receipts refused');
      return { retcode: 100, retmsg: `receipts of job ${jobId} refused: ${why}` };
    };
    const rows = this.rows(jobId);
    if (rows.length === 0) return refuse(`job ${jobId} does not exist for party ${this.deps.partyId} on this node`);
    const initiator = String(rows[0]!.f_initiator_party_id);
    const participants = participantsOf(rows);
    if (r.receipts.length === 0) return refuse('no receipt in the message');
    // A party speaks for itself only; the initiator passes on everyone's (each signed by its party).
    if (h.sourcePartyId !== initiator && (r.receipts.length !== 1 || partyOfPayload(r.receipts[0]!.payload) !== h.sourcePartyId)) {
      return refuse(`party ${h.sourcePartyId} may send only its own receipt`);
    }
    for (const signed of r.receipts) {
      const check = checkReceipt(signed, this.deps.caPem, this.deps.clock.now());
      if (!check.valid) return refuse(`receipt of party ${check.receipt?.partyId ?? '?'}: ${check.reason}`);
      if (check.receipt.jobId !== jobId) return refuse(`a receipt of job ${check.receipt.jobId} in a message about job ${jobId}`);
      if (!participants.has(check.receipt.partyId)) return refuse(`party ${check.receipt.partyId} has no role in job ${jobId}`);
      if (check.receipt.initiatorPartyId !== initiator) return refuse(`party ${check.receipt.partyId}'s receipt names initiator ${check.receipt.initiatorPartyId}, not ${initiator}`);
    }
    try {
      for (const signed of r.receipts) await this.record(jobId, signed, h.sourcePartyId);
    } catch (error) {
      if (error instanceof IllegalStateError) return refuse(error.message);
      throw error;
    }
    if (initiator === this.deps.partyId) await this.shareIfComplete(jobId);
    return { retcode: 0, retmsg: 'success' };
  }

  private async record(jobId: string, signed: SignedReceipt, receivedFrom: string): Promise<void> {
    await handleCommand(this.deps.store, receiptStreamId(jobId), receiptDecider, {
      type: 'RecordReceipt',
      data: { jobId, partyId: partyOfPayload(signed.payload), payload: signed.payload, signature: signed.signature, signer: signed.signer, receivedFrom, at: this.deps.clock.now() },
    });
  }

  /** At the initiator: once every party's receipt is here, the set goes to every other party (once). */
  private async shareIfComplete(jobId: string): Promise<void> {
    const parties = [...participantsOf(this.rows(jobId))].sort();
    const state = await this.state(jobId);
    if (state.shared || !parties.every((p) => state.byParty.has(p))) return;
    const shared = await handleCommand(this.deps.store, receiptStreamId(jobId), receiptDecider, { type: 'ShareReceipts', data: { jobId, parties, at: this.deps.clock.now() } });
    if (shared.events.length === 0) return;
    const recorded = (await this.deps.store.readStream(receiptStreamId(jobId)))
      .filter((e) => e.type === 'JobReceiptRecorded')
      .map((e) => e.data as SignedReceipt);
    const all = recorded.map((e) => ({ payload: e.payload, signature: e.signature, signer: e.signer }));
    for (const p of parties) if (p !== this.deps.partyId) this.send(jobId, p, all);
  }

  /**
   * Through the outbox (persisted before this returns, retried until acknowledged, resumed after a
   * restart), not awaited: a party that is down must not hold up this job's other receipt work.
   */
  private send(jobId: string, partyId: string, receipts: SignedReceipt[]): void {
    this.deps.outbox.send({ kind: 'deliverReceipts', request: { header: makeHeader({ source: this.deps.partyId, destination: partyId, jobId }), receipts } }).then(
      (ack) => ack.retcode !== 0 && this.deps.log.warn({ jobId, partyId, retmsg: ack.retmsg }, 'party refused the job receipts'),
      (error: Error) => this.deps.log.warn({ err: error, jobId, partyId }, 'job receipts not delivered'),
    );
  }

  private async state(jobId: string): Promise<ReceiptState> {
    const events = await this.deps.store.readStream(receiptStreamId(jobId));
    return fold(receiptDecider, events as never);
  }
}

/** Every party id of the job's role assignment. */
export function participantsOf(rows: readonly JobRow[]): Set<string> {
  const out = new Set<string>();
  for (const row of rows) {
    try {
      const roles = JSON.parse(String(row.f_roles ?? '{}')) as Record<string, (string | number)[]>;
      for (const ids of Object.values(roles)) for (const id of ids) out.add(String(id));
    } catch {
      // a row without a readable role map names no party
    }
  }
  return out;
}

function isFederated(rows: readonly JobRow[]): boolean {
  return rows.some((row) => Number(row.f_work_mode) === 1 && String(row.f_role) !== 'local');
}

function partyOfPayload(payload: string): string {
  try {
    return String((JSON.parse(payload) as { partyId?: unknown }).partyId ?? '');
  } catch {
    return '';
  }
}
