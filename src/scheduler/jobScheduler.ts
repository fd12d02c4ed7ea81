// The job scheduler: a process manager at the initiator, driven by the event log. A JobCreated on
// the initiator's row queues the job; up to `maxConcurrentJobs` run at once. A running job runs its
// components in DAG order (independent branches concurrently) on every party whose role the module
// supports and whose need_run is true; a component succeeds when all those tasks succeed. Every
// status change goes to every party's row. Stop, timeout and restart all end in a definite state.
// Upload and download jobs (role `local`, one component) are jobs like the others here: same queue,
// limit, stop and timeout; they only never leave this node and save no pipeline model.
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { isPlainObject } from '../domain/dsl/json.js';
import { planJob, type ComponentPlan, type JobPlan } from '../domain/dsl/plan.js';
import { jobDecider } from '../domain/job/decider.js';
import { jobStreamId, stopOutcome, type JobCreatedData } from '../domain/job/events.js';
import type { JobCommand } from '../domain/job/commands.js';
import { taskDecider } from '../domain/task/decider.js';
import { taskStreamId } from '../domain/task/events.js';
import { handleCommand } from '../eventSourcing/handleCommand.js';
import type { Clock } from '../eventSourcing/clock.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { currentScope, runAsProcess, runInScope, type AuditScope } from '../store/audit/auditScope.js';
import { jobsInStatus, queryJobs, type JobRow } from '../../projections/jobs/query.js';
import { queryTasks } from '../../projections/tasks/query.js';
import type { Mailbox } from './mailbox.js';
import { LOCAL_ROLE } from './localJobs.js';
import { TASK_STOPPED_REASON, type PartyActors, type StopAck, type TaskResult } from './partyActor.js';

export interface JobSchedulerDeps {
  readonly store: EventStore;
  readonly views: Database;
  /** Runs one party's task (PartyActors; in cluster mode a router that reaches other nodes too). */
  readonly actors: Pick<PartyActors, 'runTask' | 'stopJob'>;
  /** This node's own actors (cluster mode: `actors` routes by party id): local jobs run here. */
  readonly localActors?: Pick<PartyActors, 'runTask' | 'stopJob'>;
  readonly mailbox: Mailbox;
  readonly clock: Clock;
  readonly log: Logger;
  readonly workMode: 0 | 1;
  readonly maxConcurrentJobs: number;
  readonly defaultTimeoutSeconds: number;
  /** The log, event by event, once the views hold each event (see ProjectionRunner.onApplied). */
  readonly follow: (handler: (event: RecordedEvent) => void) => () => void;
  /** Cluster mode: every command the scheduler applied to this node's rows of a job, to be sent on to the other parties. */
  readonly onJobCommand?: (rows: JobRow[], command: JobCommand) => void;
  /**
   * A training job whose components all succeeded: every party saves its pipeline model before the
   * job is called a success (rows = this node's rows of the job). Throws with the reason it failed.
   */
  readonly saveModels?: (plan: JobPlan, rows: JobRow[]) => Promise<void>;
  /**
   * After a restart, for a job that was running: whether its work was in fact done (see
   * local/restart.ts); it then ends `success` instead of `failed`.
   */
  readonly doneBeforeRestart?: (row: JobRow) => Promise<boolean>;
  /** A job canceled while queued never runs: what was kept for its task goes (a multipart upload's file). */
  readonly discardUnrun?: (row: JobRow) => void;
}

type EndKind = 'canceled' | 'timeout' | 'failed';

interface RunningJob {
  readonly abort: AbortController;
  end?: { kind: EndKind; reason: string };
  /** Set by a stop: every party's acknowledgement; the job ends only once they are all in. */
  acks?: Promise<StopAck[]>;
  /** Who asked for the stop (audit): the job's end is recorded in that scope. */
  stopScope?: AuditScope;
  readonly done: Promise<void>;
}

export type StopOutcome = 'cancel job success' | 'kill job success' | 'unknown';

export class JobScheduler {
  private unfollow: (() => void) | undefined;
  /** Queued job ids, oldest first. */
  private readonly queue: string[] = [];
  private readonly running = new Map<string, RunningJob>();
  /** Each queued job's audit scope: the scheduler, in the conversation of the job's submission. */
  private readonly scopes = new Map<string, AuditScope>();
  private stopping = false;

  constructor(private readonly deps: JobSchedulerDeps) {}

  async start(): Promise<void> {
    await runAsProcess('job-scheduler recovery', () => this.recover());
    this.unfollow = this.deps.follow((e) => runAsProcess('job-scheduler', () => this.onEvent(e), e));
    this.drain();
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.unfollow?.();
    this.queue.length = 0;
    for (const job of this.running.values()) {
      job.end = { kind: 'canceled', reason: 'node stopped while the job ran' };
      job.abort.abort();
    }
    await Promise.allSettled([...this.running.values()].map((j) => j.done));
  }

  /** /v1/job/stop: a queued job is canceled at once; a running job's tasks are stopped on every party. */
  async stop(jobId: string, reason = 'stopped by user'): Promise<StopOutcome> {
    const rows = queryJobs(this.deps.views, { job_id: jobId });
    if (rows.length === 0) return 'unknown';
    const queued = this.queue.indexOf(jobId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.scopes.delete(jobId);
      await this.forAllRows(rows, { type: 'CancelJob', data: { reason, at: this.deps.clock.now() } });
      for (const row of rows) this.deps.discardUnrun?.(row);
      return 'cancel job success';
    }
    const job = this.running.get(jobId);
    if (job) {
      job.end ??= { kind: 'canceled', reason };
      // Who asked: a client or another party wins over the node's own stop (which may come first).
      const asked = currentScope();
      if (asked && (!job.stopScope || (job.stopScope.actor.kind === 'node' && asked.actor.kind !== 'node'))) job.stopScope = asked;
      // No further component starts; then every party ends its tasks and acknowledges.
      job.abort.abort();
      job.acks ??= this.stopParties(jobId, rows, job.end.reason);
      await job.done;
      return 'kill job success';
    }
    // Not queued here and not running here: a waiting row left over (e.g. queued on a stopped node),
    // or in cluster mode this party's row of another initiator's job (the hook then asks the
    // initiator to stop it everywhere). This party stops its own tasks and acknowledges first; end
    // states are sticky, so a finished job keeps its status.
    await this.cancelAcknowledged(rows, reason, this.stopParties(jobId, rows, reason));
    return 'kill job success';
  }

  /**
   * Fails a job running here with `reason` (a party lost for its party_timeout, see
   * federation/partyLiveness.ts): its tasks are stopped on every party that can still be reached and
   * every row ends `failed`. No acknowledgement is awaited: the lost party cannot give one.
   */
  async fail(jobId: string, reason: string): Promise<boolean> {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.end ??= { kind: 'failed', reason };
    job.abort.abort();
    await job.done;
    return true;
  }

  /** /v1/job/clean/queue (FATE's TaskScheduler.clean_queue): every job still queued here is canceled; running jobs go on. */
  async cleanQueue(reason = 'canceled by /v1/job/clean/queue'): Promise<string[]> {
    const queued = [...this.queue];
    for (const jobId of queued) await this.stop(jobId, reason);
    return queued;
  }

  private onEvent(event: RecordedEvent): void {
    if (event.type !== 'JobCreated' || this.stopping) return;
    const created = event.data as JobCreatedData;
    if (!created.isInitiator) return;
    const scope = currentScope();
    if (scope) this.scopes.set(created.jobId, scope);
    this.queue.push(created.jobId);
    this.drain();
    // FATE users could not see why a job waited: say it on every row, once, when it has to wait.
    // (Events reach this scheduler only once the views hold them, so the rows are there.)
    const ahead = this.queue.indexOf(created.jobId);
    if (ahead >= 0) {
      const tag = `waiting: ${this.running.size} of ${this.deps.maxConcurrentJobs} jobs running (limit reached), ${ahead} queued ahead`;
      this.forAllRows(queryJobs(this.deps.views, { job_id: created.jobId }), { type: 'TagJob', data: { tag, at: this.deps.clock.now() } })
        .catch((error) => this.deps.log.warn({ err: error, jobId: created.jobId }, 'waiting reason not recorded'));
    }
  }

  private drain(): void {
    while (!this.stopping && this.running.size < this.deps.maxConcurrentJobs && this.queue.length) {
      const jobId = this.queue.shift()!;
      const abort = new AbortController();
      const scope = this.scopes.get(jobId);
      this.scopes.delete(jobId);
      const run = () => this.run(jobId, abort.signal, () => job);
      const job: RunningJob = {
        abort,
        done: (scope ? runInScope(scope, run) : runAsProcess('job-scheduler', run))
          .catch((error) => this.deps.log.error({ err: error, jobId }, 'job scheduler failed to record a job end'))
          .finally(() => {
            this.running.delete(jobId);
            this.drain();
          }),
      };
      this.running.set(jobId, job);
    }
  }

  private async run(jobId: string, signal: AbortSignal, current: () => RunningJob): Promise<void> {
    const rows = queryJobs(this.deps.views, { job_id: jobId });
    const initiator = rows.find((r) => r.f_is_initiator === 1) ?? rows[0];
    // Stopped before its turn came (or before this scheduler saw it): it must never run.
    if (!initiator || initiator.f_status !== 'waiting') return;
    const trainRuntimeConf = JSON.parse(String(initiator.f_train_runtime_conf ?? '{}')) as unknown;
    const outcome = planJob(JSON.parse(String(initiator.f_dsl)), JSON.parse(String(initiator.f_runtime_conf)), {
      jobId, serverWorkMode: this.deps.workMode, defaultTimeoutSeconds: this.deps.defaultTimeoutSeconds,
      // Predict jobs: the training job's parameters (stored on the row at submit).
      ...(isPlainObject(trainRuntimeConf) && Object.keys(trainRuntimeConf).length ? { trainRuntimeConf } : {}),
    });
    const now = () => this.deps.clock.now();
    if (!outcome.ok) {
      await this.forAllRows(rows, { type: 'FailJob', data: { reason: outcome.message, at: now() } });
      return;
    }
    const plan = outcome.plan;
    await this.forAllRows(rows, { type: 'StartJob', data: { at: now() } });
    const timer = setTimeout(() => {
      const job = this.running.get(jobId);
      if (job && !job.end) job.end = { kind: 'timeout', reason: `job timeout after ${plan.timeoutSeconds} s` };
      job?.abort.abort(job.end?.kind === 'timeout' ? 'timeout' : undefined);
    }, Math.min(plan.timeoutSeconds * 1000, 2 ** 31 - 1));
    try {
      let failure = await this.runComponents(plan, rows, signal);
      if (!failure && !current().end && plan.jobType === 'train' && !isLocal(rows) && this.deps.saveModels) {
        failure = await this.deps.saveModels(plan, rows).then(
          () => undefined,
          (error: unknown) => `pipeline model not saved: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const { end, acks, stopScope } = current();
      if (end?.kind === 'timeout') await this.forAllRows(rows, { type: 'TimeOutJob', data: { at: now() } });
      else if (end?.kind === 'failed') await this.forAllRows(rows, { type: 'FailJob', data: { reason: end.reason, at: now() } });
      else if (end) {
        const cancel = () => this.cancelAcknowledged(rows, end.reason, acks);
        await (stopScope ? runInScope(stopScope, cancel) : cancel());
      }
      else if (failure) await this.forAllRows(rows, { type: 'FailJob', data: { reason: failure, at: now() } });
      else await this.forAllRows(rows, { type: 'SucceedJob', data: { at: now() } });
    } finally {
      clearTimeout(timer);
      this.deps.mailbox.clearJob(jobId, 'job ended');
    }
  }

  /** Runs the DAG; returns the first failure's reason, or undefined when every component succeeded. */
  private async runComponents(plan: JobPlan, rows: JobRow[], signal: AbortSignal): Promise<string | undefined> {
    const byName = new Map(plan.components.map((c) => [c.name, c]));
    const pending = new Map(plan.components.map((c) => [c.name, c.upstreams.length]));
    const total = plan.components.length;
    let done = 0;
    let failure: string | undefined;
    const stopAll = new AbortController();
    signal.addEventListener('abort', () => stopAll.abort(signal.reason), { once: true });
    const inFlight = new Set<Promise<void>>();
    const launch = (component: ComponentPlan): void => {
      const p = this.runComponent(plan, component, stopAll.signal).then(async (result) => {
        if (result) {
          failure ??= result;
          stopAll.abort();
          return;
        }
        done += 1;
        const taskId = `${plan.jobId}_${component.name}`;
        // The progress is recorded before the next tasks start, in the same group commit (appends
        // are committed in call order): one commit round trip per component instead of two. In
        // cluster mode the progress also goes to the other nodes (onJobCommand) once recorded: wait
        // for that, so a party sees the progress before it is asked to start the next task.
        const progress = this.forAllRows(rows, { type: 'ReportJobProgress', data: { progress: Math.floor((done / total) * 100), currentTasks: [taskId], at: this.deps.clock.now() } });
        if (this.deps.onJobCommand) await progress;
        for (const next of component.downstreams) {
          const left = pending.get(next)! - 1;
          pending.set(next, left);
          if (left === 0 && !stopAll.signal.aborted) launch(byName.get(next)!);
        }
        await progress;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    for (const c of plan.components) if (c.upstreams.length === 0) launch(c);
    while (inFlight.size) await Promise.allSettled([...inFlight]);
    if (!failure && done < total && signal.aborted) failure = 'job stopped';
    return failure;
  }

  private async runComponent(plan: JobPlan, component: ComponentPlan, signal: AbortSignal): Promise<string | undefined> {
    // Parties with need_run false run too, as pass-throughs (FATE 1.4: their task rows exist and
    // hand the input data on); parties whose role the module does not support are not in the plan.
    const parties = component.parties;
    if (parties.length === 0 || signal.aborted) return signal.aborted ? 'job stopped' : undefined;
    // A party whose task fails ends its siblings at once: they would otherwise wait for its
    // federation objects until the job times out. The first failure is the component's reason.
    const component_ = new AbortController();
    const follow = (): void => component_.abort(signal.reason);
    signal.addEventListener('abort', follow, { once: true });
    let failed: TaskResult | undefined;
    try {
      const actors = this.actorsOf(plan.initiator.role);
      await Promise.all(parties.map((p) => actors.runTask(plan, component, p, component_.signal).then((r) => {
        if (r.status !== 'success' && !failed) {
          failed = r;
          if (signal.aborted) return r;
          if (r.reason === TASK_STOPPED_REASON) {
            // The party stopped its own task: a /v1/job/stop asked at that party's node, which also
            // passes the stop on to this initiator. The job is being canceled, not failing, whichever
            // of the two messages arrives first.
            // Stopped in the scope of who asked there (a client at that party), not this scheduler's.
            const stop = () => this.stop(plan.jobId);
            (r.stoppedBy ? runInScope(r.stoppedBy, stop) : stop()).catch((error) => this.deps.log.warn({ err: error, jobId: plan.jobId }, 'stop after a party stopped its task'));
          } else component_.abort('a party failed');
        }
        return r;
      })));
    } finally {
      signal.removeEventListener('abort', follow);
    }
    // A local job is its one task: its reason is the task's (e.g. the upload refusal), as FATE users know it.
    if (failed && plan.initiator.role === LOCAL_ROLE) return failed.reason;
    return failed && `component ${component.name} failed on ${failed.party.role} ${failed.party.partyId}: ${failed.reason}`;
  }

  /**
   * After a restart: a job that was running ends `failed` with the reason (its workers died with
   * the node), unless its work was done before the crash (doneBeforeRestart: e.g. an upload whose
   * table load is recorded), which ends `success`; a job that was still waiting is queued again.
   */
  private async recover(): Promise<void> {
    const open = jobsInStatus(this.deps.views, ['waiting', 'running']).filter((r) => r.f_is_initiator === 1);
    for (const row of open) {
      const jobId = String(row.f_job_id);
      if (row.f_status === 'waiting') {
        this.queue.push(jobId);
        continue;
      }
      if (await this.deps.doneBeforeRestart?.(row)) {
        await this.forAllRows(queryJobs(this.deps.views, { job_id: jobId }), { type: 'SucceedJob', data: { at: this.deps.clock.now() } });
        this.deps.log.warn({ jobId }, 'recorded the end of a job that finished just before the node stopped');
        continue;
      }
      const reason = 'node restarted while the job ran';
      const at = this.deps.clock.now();
      for (const task of queryTasks(this.deps.views, { job_id: jobId, status: 'running' })) {
        await handleCommand(this.deps.store, taskStreamId(String(task.f_task_id), String(task.f_role), String(task.f_party_id)), taskDecider, { type: 'FailTask', data: { reason, at } });
      }
      await this.forAllRows(queryJobs(this.deps.views, { job_id: jobId }), { type: 'FailJob', data: { reason, at } });
      this.deps.log.warn({ jobId }, 'failed a job that was running when the node stopped');
    }
  }

  /** Asks every party of the job to stop its tasks; each answers once it has (see PartyActors.stopJob). */
  private stopParties(jobId: string, rows: JobRow[], reason: string): Promise<StopAck[]> {
    return Promise.all(rows.map((r) => this.actorsOf(String(r.f_role)).stopJob(jobId, { role: String(r.f_role), partyId: String(r.f_party_id) }, reason)));
  }

  /** Each row ends canceled with the reason and what its party acknowledged. */
  private async cancelAcknowledged(rows: JobRow[], reason: string, acks: Promise<StopAck[]> | undefined): Promise<void> {
    const acknowledged = await (acks ?? Promise.resolve([])).catch((error: unknown) => {
      this.deps.log.warn({ err: error }, 'a party did not acknowledge the stop');
      return [] as StopAck[];
    });
    const at = this.deps.clock.now();
    await Promise.all(rows.map((r) => {
      const ack = acknowledged.find((a) => a.party.role === String(r.f_role) && a.party.partyId === String(r.f_party_id));
      const rowReason = ack ? `${reason}; ${stopOutcome(ack.stoppedTasks, ack.unansweredTasks)}` : reason;
      return handleCommand(this.deps.store, jobStreamId(String(r.f_job_id), String(r.f_role), String(r.f_party_id)), jobDecider, { type: 'CancelJob', data: { reason: rowReason, at } });
    }));
    // Cluster mode: the other parties' nodes learn the end like any other job status change.
    if (!isLocal(rows)) this.deps.onJobCommand?.(rows, { type: 'CancelJob', data: { reason, at } });
  }

  private async forAllRows(rows: JobRow[], command: JobCommand): Promise<void> {
    await Promise.all(rows.map((r) => handleCommand(this.deps.store, jobStreamId(String(r.f_job_id), String(r.f_role), String(r.f_party_id)), jobDecider, command)));
    if (!isLocal(rows)) this.deps.onJobCommand?.(rows, command);
  }

  /** Local jobs never leave this node, whatever their work_mode says. */
  private actorsOf(role: string): Pick<PartyActors, 'runTask' | 'stopJob'> {
    return role === LOCAL_ROLE ? (this.deps.localActors ?? this.deps.actors) : this.deps.actors;
  }
}

function isLocal(rows: readonly JobRow[]): boolean {
  return rows.length > 0 && rows.every((r) => r.f_role === LOCAL_ROLE);
}
