// The initiator's side of a cluster job's life on the other parties: create it on every party's
// node at submit (all or nothing: a refusal or an unreachable party cancels it where it was
// accepted), and send every job status change to them so all parties converge.
import { IllegalStateError } from '../domain/decider.js';
import type { JobPlan } from '../domain/dsl/plan.js';
import type { JobCommand } from '../domain/job/commands.js';
import type { JobRow } from '../../projections/jobs/query.js';
import { makeHeader } from './commands.js';
import type { Outbox } from './outbox.js';

/** How long job creation waits for an unreachable party before the submit fails. */
export const CREATE_GIVE_UP_MS = 3000;

const STATUS_OF: Partial<Record<JobCommand['type'], string>> = {
  StartJob: 'running',
  SucceedJob: 'success',
  FailJob: 'failed',
  CancelJob: 'canceled',
  TimeOutJob: 'timeout',
};

/** Party ids of a job other than `local`, each with its first role (conf order). */
export function otherParties(roles: Readonly<Record<string, readonly (number | string)[]>>, local: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [role, ids] of Object.entries(roles)) for (const id of ids) if (String(id) !== local && !out.has(String(id))) out.set(String(id), role);
  return out;
}

export class JobDistribution {
  constructor(
    private readonly localPartyId: string,
    private readonly outbox: Outbox,
  ) {}

  /** Creates the job on every other party's node; throws IllegalStateError (retcode 100) naming the first failure. */
  async create(jobId: string, plan: JobPlan): Promise<void> {
    const parties = otherParties(plan.roles, this.localPartyId);
    const dslJson = JSON.stringify(plan.dsl);
    const runtimeConfJson = JSON.stringify(plan.conf);
    const results = await Promise.all(
      [...parties].map(async ([partyId, role]) => {
        const request = {
          header: makeHeader({ source: this.localPartyId, destination: partyId, jobId }),
          dslJson, runtimeConfJson,
          initiatorRole: plan.initiator.role,
          initiatorPartyId: String(plan.initiator.partyId),
          roles: Object.entries(plan.roles).filter(([, ids]) => ids.map(String).includes(partyId)).map(([r]) => r),
        };
        try {
          const ack = await this.outbox.send({ kind: 'createJob', request }, { giveUpAfterMs: CREATE_GIVE_UP_MS });
          return { partyId, role, ok: ack.retcode === 0, message: ack.retmsg };
        } catch (error) {
          return { partyId, role, ok: false, message: (error as Error).message };
        }
      }),
    );
    const failed = results.find((r) => !r.ok);
    if (!failed) return;
    const reason = `job creation failed on ${failed.role} ${failed.partyId}: ${failed.message}`;
    await Promise.all(results.filter((r) => r.ok).map((r) => this.sync(jobId, r.partyId, 'canceled', reason).catch(() => {})));
    throw new IllegalStateError(`an error occurred while creating the job: role ${failed.role} party_id ${failed.partyId}\n${failed.message}`);
  }

  /**
   * Scheduler hook. At the initiator, status and progress changes go to every other party. At
   * another party only a cancel (a /v1/job/stop there) is sent, to the initiator, which stops the
   * job everywhere.
   */
  onJobCommand(rows: readonly JobRow[], command: JobCommand): void {
    const status = command.type === 'ReportJobProgress' ? 'running' : STATUS_OF[command.type];
    const row = rows[0];
    if (!status || !row || Number(row.f_work_mode) !== 1) return;
    const jobId = String(row.f_job_id);
    const reason = 'reason' in command.data ? command.data.reason : '';
    const progress = command.type === 'ReportJobProgress' ? command.data.progress : 0;
    if (Number(row.f_is_initiator) !== 1) {
      if (command.type === 'CancelJob') void this.sync(jobId, String(row.f_initiator_party_id), status, reason, 0).catch(() => {});
      return;
    }
    const roles = JSON.parse(String(row.f_roles ?? '{}')) as Record<string, (number | string)[]>;
    for (const partyId of otherParties(roles, this.localPartyId).keys()) void this.sync(jobId, partyId, status, reason, progress).catch(() => {});
  }

  private async sync(jobId: string, partyId: string, status: string, reason: string, progress = 0): Promise<void> {
    await this.outbox.send({ kind: 'syncJobStatus', request: { header: makeHeader({ source: this.localPartyId, destination: partyId, jobId }), status, reason, progress } });
  }
}
