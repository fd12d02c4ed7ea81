// The initiator's view of tasks that run on other parties' nodes: runTask has the same shape as
// PartyActors.runTask, so the job scheduler does not know where a party lives. A remote task is
// started with a StartTask command and ends when that party reports its final status; stopping the
// job sends StopTask and ends the wait at once (the party records its own end).
import type { PartyRef } from '../domain/partyRef.js';
import type { ComponentPlan, JobPlan, PartyPlan } from '../domain/dsl/plan.js';
import { taskIdOf } from '../domain/task/events.js';
import { TASK_STOPPED_REASON, type PartyActors, type StopAck, type TaskResult } from '../scheduler/partyActor.js';
import { currentScope } from '../store/audit/auditScope.js';
import type { TaskCommand } from '../domain/task/commands.js';
import { makeHeader } from './commands.js';
import type { ReportTaskStatusRequest } from '../gen/fedflow/v1/party.js';
import type { Outbox } from './outbox.js';

/** How long a StartTask may stay unacknowledged before the task fails as unreachable. */
export const START_TASK_GIVE_UP_MS = 60_000;

/**
 * How long a StopTask may stay unacknowledged: a party that never answers (its node gone for good)
 * must not keep /v1/job/stop waiting, nor the job running, until this node restarts.
 */
export const STOP_TASK_GIVE_UP_MS = 60_000;

/**
 * Records a remote party's task on the initiator's own log too, so the initiator's
 * /v1/job/task/query lists every party's tasks as FATE's does (the party's node records its own).
 */
export type TaskMirror = (taskId: string, party: PartyRef, command: TaskCommand) => Promise<unknown>;

const waiterKey = (jobId: string, component: string, role: string, partyId: string): string => `${jobId}\u0000${component}\u0000${role}\u0000${partyId}`;

/**
 * The tasks of one component across parties: when one fails the others are stopped, since they
 * would otherwise wait forever for the federation objects of the party that failed.
 */
interface ComponentGroup {
  readonly abort: AbortController;
  members: number;
  failure?: string;
}

export class RemoteTasks {
  private readonly waiters = new Map<string, (result: TaskResult) => void>();
  private readonly groups = new Map<string, ComponentGroup>();
  /** StopTask commands sent to each remote party of a job (job + party → task ids and whether each was acknowledged). */
  private readonly stopsSent = new Map<string, { taskIds: string[]; acks: Promise<boolean>[] }>();

  constructor(
    private readonly localPartyId: string,
    private readonly local: Pick<PartyActors, 'runTask' | 'stopJob'>,
    private readonly outbox: Outbox,
    private readonly mirror?: TaskMirror,
    private readonly addressOf: (partyId: string) => string = () => '',
    private readonly now: () => number = Date.now,
    private readonly stopGiveUpMs: number = STOP_TASK_GIVE_UP_MS,
  ) {}

  async runTask(plan: JobPlan, component: ComponentPlan, party: PartyPlan, jobSignal: AbortSignal): Promise<TaskResult> {
    const groupKey = `${plan.jobId}\u0000${component.name}`;
    let group = this.groups.get(groupKey);
    if (!group) {
      const g: ComponentGroup = { abort: new AbortController(), members: 0 };
      const follow = (): void => g.abort.abort(jobSignal.reason);
      if (jobSignal.aborted) follow();
      else jobSignal.addEventListener('abort', follow, { once: true });
      this.groups.set(groupKey, (group = g));
    }
    group.members++;
    try {
      const result = await this.runOne(plan, component, party, group.abort.signal);
      if (result.status === 'success') return result;
      if (group.failure !== undefined && !jobSignal.aborted) return { ...result, reason: group.failure };
      group.failure = `${result.party.role} ${result.party.partyId}: ${result.reason}`;
      group.abort.abort();
      return result;
    } finally {
      if (--group.members === 0) this.groups.delete(groupKey);
    }
  }

  private runOne(plan: JobPlan, component: ComponentPlan, party: PartyPlan, signal: AbortSignal): Promise<TaskResult> {
    const partyId = String(party.partyId);
    if (partyId === this.localPartyId) return this.local.runTask(plan, component, party, signal);
    const ref: PartyRef = { role: party.role, partyId };
    const taskId = taskIdOf(plan.jobId, component.name);
    const key = waiterKey(plan.jobId, component.name, ref.role, partyId);
    const header = () => makeHeader({ source: this.localPartyId, destination: partyId, jobId: plan.jobId });
    // Mirror records in order (start before end); a mirror failure never fails the task.
    let mirrored: Promise<unknown> = Promise.resolve();
    const mirror = (command: TaskCommand): void => {
      const record = this.mirror;
      if (record) mirrored = mirrored.then(() => record(taskId, ref, command)).catch(() => {});
    };
    return new Promise<TaskResult>((resolve) => {
      let settled = false;
      const finish = (result: TaskResult): void => {
        if (settled) return;
        settled = true;
        this.waiters.delete(key);
        signal.removeEventListener('abort', onAbort);
        const at = this.now();
        if (result.status === 'success') mirror({ type: 'SucceedTask', data: { at } });
        else if (result.reason === 'task timeout') mirror({ type: 'TimeOutTask', data: { at } });
        else mirror({ type: 'FailTask', data: { reason: result.reason ?? 'failed', at } });
        void mirrored.then(() => resolve(result));
      };
      const onAbort = (): void => {
        const timeout = signal.reason === 'timeout';
        const acked = this.outbox
          .send({ kind: 'stopTask', request: { header: header(), componentName: component.name, status: timeout ? 'timeout' : 'canceled', reason: timeout ? 'task timeout' : 'task stopped' } }, { giveUpAfterMs: this.stopGiveUpMs })
          .then((ack) => ack.retcode === 0, () => false);
        const stopKey = `${plan.jobId}\u0000${partyId}`;
        const sent = this.stopsSent.get(stopKey) ?? { taskIds: [], acks: [] };
        sent.taskIds.push(taskId);
        sent.acks.push(acked);
        this.stopsSent.set(stopKey, sent);
        finish({ status: 'failed', reason: timeout ? 'task timeout' : 'task stopped', taskId, party: ref });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(key, finish);
      this.outbox
        .send({ kind: 'startTask', request: { header: header(), componentName: component.name, taskId, role: ref.role, partyId, taskJson: '' } }, { giveUpAfterMs: START_TASK_GIVE_UP_MS })
        .then(
          (ack) => {
            if (ack.retcode === 0 && !settled) {
              mirror({
                type: 'StartTask',
                data: { jobId: plan.jobId, taskId, componentName: component.name, role: ref.role, partyId, runIp: this.addressOf(partyId), runPid: 0, at: this.now() },
              });
            }
            if (ack.retcode !== 0) finish({ status: 'failed', reason: `${ref.role} ${partyId} refused the task: ${ack.retmsg}`, taskId, party: ref });
          },
          (error: Error) => finish({ status: 'failed', reason: error.message, taskId, party: ref }),
        );
    });
  }

  /**
   * The per-party stop (see PartyActors.stopJob): this node's own party stops locally; a remote party
   * was sent StopTask for each of its running tasks when the job's signal aborted, and its
   * acknowledgement is the party's Ack of those commands.
   */
  async stopJob(jobId: string, party: PartyRef, reason: string): Promise<StopAck> {
    const partyId = String(party.partyId);
    if (partyId === this.localPartyId) return this.local.stopJob(jobId, party, reason);
    const stopKey = `${jobId}\u0000${partyId}`;
    const sent = this.stopsSent.get(stopKey);
    this.stopsSent.delete(stopKey);
    const answered = await Promise.all(sent?.acks ?? []);
    const taskIds = sent?.taskIds ?? [];
    const unanswered = taskIds.filter((_, i) => !answered[i]);
    return { party: { role: party.role, partyId }, stoppedTasks: taskIds.filter((_, i) => answered[i]), ...(unanswered.length ? { unansweredTasks: unanswered } : {}) };
  }

  /** A party's report of its task (at the initiator). */
  onReport(r: ReportTaskStatusRequest): void {
    const finish = this.waiters.get(waiterKey(r.header!.jobId, r.componentName, r.role, r.partyId));
    if (!finish) return;
    const ref = { role: r.role, partyId: r.partyId };
    if (r.status === 'success') return finish({ status: 'success', taskId: r.taskId, party: ref });
    // A task its party stopped: the stop was asked there (the report comes in that scope, naming who asked).
    const stoppedBy = r.reason === TASK_STOPPED_REASON ? currentScope() : undefined;
    if (r.status !== 'running') finish({ status: 'failed', reason: r.reason || r.status, taskId: r.taskId, party: ref, ...(stoppedBy ? { stoppedBy } : {}) });
  }
}
