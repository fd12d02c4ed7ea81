// A cluster node's answers to the other parties' commands: it creates jobs, runs and stops its own
// party's tasks (reporting their end to the initiator through the outbox), and applies the
// initiator's job status so every party's row converges. Each command arrives here once
// (nodeServer.ts deduplicates by message id).
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { COMPONENTS } from '../components/registry.js';
import { IllegalStateError } from '../domain/decider.js';
import { planJob, type ComponentPlan, type JobPlan } from '../domain/dsl/plan.js';
import { permissionRefusal, type CheckedCommand } from '../domain/permission/check.js';
import { privilegesOf } from '../../projections/permissions/query.js';
import { localOnlyModuleRefusal } from '../scheduler/localJobs.js';
import type { JobCommand } from '../domain/job/commands.js';
import { jobDecider } from '../domain/job/decider.js';
import { jobStreamId, stopAcknowledgement, type UnreachableParty } from '../domain/job/events.js';
import { handleCommand } from '../eventSourcing/handleCommand.js';
import type { Clock } from '../eventSourcing/clock.js';
import { writeJobFiles } from '../app/jobFiles.js';
import type { EventStore } from '../store/eventStore.js';
import type { PartyActors } from '../scheduler/partyActor.js';
import { queryJobs, type JobRow } from '../../projections/jobs/query.js';
import { queryTasks } from '../../projections/tasks/query.js';
import { taskDecider } from '../domain/task/decider.js';
import { taskIdOf, taskStreamId } from '../domain/task/events.js';
import { makeHeader, type AckResult, type PartyCommand } from './commands.js';
import type { ClusterMailbox } from './clusterMailbox.js';
import type { CreateJobRequest, LoadModelRequest, StartTaskRequest, StopTaskRequest, SyncJobStatusRequest } from '../gen/fedflow/v1/party.js';
import type { Outbox } from './outbox.js';
import type { RemoteTasks } from './remoteTasks.js';
import { isPlainObject } from '../domain/dsl/json.js';
import type { PipelineModels } from '../models/pipelineModels.js';
import { partiesOf, predictModelOf, predictPlanInputs } from '../models/predictJob.js';
import type { SavePipelineModelRequest } from '../gen/fedflow/v1/party.js';
import type { ReceiptBook } from './receipts/receiptBook.js';
import { runInScope } from '../store/audit/auditScope.js';

export interface ClusterPartyDeps {
  readonly partyId: string;
  readonly store: EventStore;
  readonly views: Database;
  readonly waitForViews: (position: bigint) => Promise<void>;
  readonly actors: Pick<PartyActors, 'runTask'>;
  readonly remoteTasks: RemoteTasks;
  readonly outbox: Outbox;
  readonly mailbox: ClusterMailbox;
  readonly clock: Clock;
  readonly log: Logger;
  readonly dataDir: string;
  readonly runIp: string;
  readonly defaultTimeoutSeconds: number;
  /** The initiator's /v1/job/stop, for a cancel that another party asks for. */
  readonly stopJob: (jobId: string, reason: string) => Promise<unknown>;
  /** Publishes this party's model to its own servings (FATE's /v1/model/load/do). */
  readonly loadModel: (request: LoadModelRequest) => Promise<AckResult>;
  /** This party's pipeline models (saved at the end of a training job, read by predict jobs). */
  readonly models?: Pick<PipelineModels, 'save' | 'pipeline'>;
  /** Signed job receipts (issue 14): checks and records those other parties send. */
  readonly receipts?: Pick<ReceiptBook, 'onDeliver'>;
  /** Party permissions are checked (t_permission) before a job is created or a task started here. */
  readonly permission?: boolean;
}

const OK: AckResult = { retcode: 0, retmsg: 'success' };
const refuse = (retmsg: string): AckResult => ({ retcode: 100, retmsg });
const FINAL = new Set(['success', 'failed', 'canceled', 'timeout']);

export class ClusterParty {
  /** Running tasks of this party: job id → component → abort. */
  private readonly running = new Map<string, Map<string, RunningTask>>();
  /** Tasks of a job this node stopped on the initiator's word, and their ends: the stop's acknowledgement. */
  private readonly stopped = new Map<string, { taskIds: string[]; ends: Promise<unknown>[] }>();
  private readonly active = new Set<Promise<unknown>>();
  /**
   * Jobs this party failed because their initiator was lost (failJobHere), with the reason: the
   * reports of their tasks say it, so a returning initiator fails the job too instead of reading
   * "task stopped" as a stop asked here and canceling it.
   */
  private readonly lost = new Map<string, string>();

  constructor(private readonly deps: ClusterPartyDeps) {}

  async onCommand(c: PartyCommand): Promise<AckResult> {
    try {
      return await this.apply(c);
    } catch (error) {
      // A definite refusal (not retried); anything else is retried by the sender.
      if (error instanceof IllegalStateError) return refuse(error.message);
      throw error;
    }
  }

  private async apply(c: PartyCommand): Promise<AckResult> {
    // A party does only what the job it accepted says, on the word of that job's initiator: the
    // sender (proven by its certificate, nodeServer.ts) is checked against the job here.
    const refusal = this.senderRefusal(c);
    if (refusal) {
      this.deps.log.warn({ kind: c.kind, jobId: c.request.header?.jobId, source: c.request.header?.sourcePartyId, refusal }, 'party command refused');
      return refuse(refusal);
    }
    switch (c.kind) {
      case 'createJob':
        return this.createJob(c.request);
      case 'startTask':
        return this.startTask(c.request);
      case 'stopTask':
        return this.stopTask(c.request);
      case 'reportTaskStatus':
        this.deps.remoteTasks.onReport(c.request);
        return OK;
      case 'syncJobStatus':
        return this.syncJobStatus(c.request);
      case 'savePipelineModel':
        return this.savePipelineModel(c.request);
      case 'clean':
        this.deps.mailbox.clearJob(c.request.header!.jobId, 'job cleaned');
        return OK;
      case 'deliverReceipts':
        return this.deps.receipts ? this.deps.receipts.onDeliver(c.request) : refuse(`party ${this.deps.partyId} keeps no job receipts`);
      case 'loadModel': {
        const r = c.request;
        if (r.partyId !== this.deps.partyId) return refuse(`party ${r.partyId} is not the party of this node (${this.deps.partyId})`);
        // Only the load's initiator asks (the sender's party is already proven by its certificate).
        if (r.header!.sourcePartyId !== r.initiatorPartyId) return refuse(`model load for initiator ${r.initiatorPartyId} was sent by party ${r.header!.sourcePartyId}`);
        return this.deps.loadModel(r);
      }
    }
  }

  /**
   * Why the sender may not send this command for its job, if it may not. Job commands (start/stop
   * a task, save the model, clean, the job's status) come from the job's initiator only; a task
   * report comes from the party that ran the task, to the initiator; a job's status may go from a
   * participant to the initiator (a party stopping the job).
   */
  private senderRefusal(c: PartyCommand): string | undefined {
    const h = c.request.header;
    if (!h) return `${c.kind} without a header`;
    const source = h.sourcePartyId;
    if (c.kind === 'createJob' || c.kind === 'loadModel') return undefined; // checked against the job's own conf below
    const rows = queryJobs(this.deps.views, { job_id: h.jobId });
    if (rows.length === 0) return undefined; // nothing here to act on: each handler answers for an unknown job
    const initiator = String(rows[0]!.f_initiator_party_id);
    const isInitiator = rows.some((row) => Number(row.f_is_initiator) === 1);
    const participants = new Set(rows.flatMap((row) => Object.values(rolesOf(row)).flat().map(String)));
    switch (c.kind) {
      case 'reportTaskStatus':
        if (!isInitiator) return `job ${h.jobId}: party ${this.deps.partyId} is not its initiator, task reports go to party ${initiator}`;
        if (c.request.partyId !== source) return `job ${h.jobId}: party ${source} reported a task of party ${c.request.partyId}`;
        if (!rows.some((row) => (rolesOf(row)[c.request.role] ?? []).map(String).includes(source))) {
          return `job ${h.jobId}: party ${source} is not ${c.request.role} in the job's role assignment`;
        }
        return undefined;
      case 'deliverReceipts':
        // A party's own receipt goes to the initiator, the initiator's set to every party (receiptBook.ts checks which).
        return participants.has(source) ? undefined : `job ${h.jobId}: party ${source} is not one of its parties`;
      case 'syncJobStatus':
        if (isInitiator) return participants.has(source) ? undefined : `job ${h.jobId}: party ${source} is not one of its parties`;
        return source === initiator ? undefined : `job ${h.jobId} was initiated by party ${initiator}, not by party ${source}`;
      default:
        return source === initiator ? undefined : `job ${h.jobId} was initiated by party ${initiator}, not by party ${source}: ${c.kind} refused`;
    }
  }

  /**
   * Heartbeats lost the job's initiator for its party_timeout: this party's tasks stop and its rows
   * end `failed` with `reason` (a later status from a returning initiator changes nothing: end states
   * are sticky).
   */
  async failJobHere(jobId: string, reason: string): Promise<void> {
    this.lost.set(jobId, reason);
    this.abortTasks(jobId, '', 'initiator lost');
    const at = this.deps.clock.now();
    const rows = queryJobs(this.deps.views, { job_id: jobId, party_id: this.deps.partyId });
    await Promise.all(rows.map((row) => handleCommand(this.deps.store, jobStreamId(jobId, String(row.f_role), this.deps.partyId), jobDecider, { type: 'FailJob', data: { reason, at } })));
    this.running.delete(jobId);
    this.deps.mailbox.clearJob(jobId, 'job failed: initiator lost');
  }

  /** Heartbeats: which parties of the job this node cannot reach, on each of its rows (f_reason while it runs). */
  async markUnreachable(jobId: string, parties: readonly UnreachableParty[]): Promise<void> {
    const at = this.deps.clock.now();
    const rows = queryJobs(this.deps.views, { job_id: jobId, party_id: this.deps.partyId });
    await Promise.all(rows.map((row) => handleCommand(this.deps.store, jobStreamId(jobId, String(row.f_role), this.deps.partyId), jobDecider, { type: 'MarkPartiesUnreachable', data: { parties, at } })));
  }

  /** A heartbeat from `source`: the status here of each job it asks about, only for jobs it is a party of ('' otherwise). */
  jobStatusesFor(source: string, jobIds: readonly string[]): { jobId: string; status: string }[] {
    return jobIds.map((jobId) => {
      const row = queryJobs(this.deps.views, { job_id: jobId, party_id: this.deps.partyId })[0];
      const known = row && Object.values(rolesOf(row)).flat().map(String).includes(source);
      return { jobId, status: known ? String(row.f_status) : '' };
    });
  }

  /**
   * Stops every task (node closing) and waits for their reports to be queued: queued, not
   * acknowledged. The initiator's node may already be gone (the job over, its answer to a report
   * lost); the outbox keeps an unacknowledged report and sends it again when this node starts.
   */
  async close(): Promise<void> {
    for (const tasks of this.running.values()) for (const task of tasks.values()) task.abort.abort();
    await Promise.allSettled([...this.active]);
  }

  /**
   * After a restart: this party's tasks of other initiators' jobs that were running died with the
   * node. They end `failed` here and the initiator is told, so the job ends in one definite state
   * on every party instead of waiting for a report that would never come.
   */
  async recover(): Promise<number> {
    const reason = 'node restarted while the task ran';
    let failed = 0;
    for (const task of queryTasks(this.deps.views, { status: 'running' })) {
      const jobId = String(task.f_job_id);
      const role = String(task.f_role);
      const partyId = String(task.f_party_id);
      const job = queryJobs(this.deps.views, { job_id: jobId, role, party_id: partyId })[0];
      if (!job || Number(job.f_work_mode) !== 1 || Number(job.f_is_initiator) === 1) continue;
      const taskId = String(task.f_task_id);
      await handleCommand(this.deps.store, taskStreamId(taskId, role, partyId), taskDecider, { type: 'FailTask', data: { reason, at: this.deps.clock.now() } });
      failed++;
      // Queued once send() returns; its delivery is the outbox's (not awaited: see close()).
      void this.deps.outbox.send({
        kind: 'reportTaskStatus',
        request: {
          header: makeHeader({ source: this.deps.partyId, destination: String(job.f_initiator_party_id), jobId }),
          componentName: String(task.f_component_name), taskId, role, partyId, status: 'failed', reason, outputJson: '',
        },
      }).catch(() => {});
    }
    return failed;
  }

  /**
   * With permissions on, what the job's initiator lacks to make this party run `components` in
   * `roles` (the tables they would read here included), as a sentence naming both parties.
   */
  private permissionRefusal(plan: JobPlan, command: CheckedCommand, roles: readonly string[], components: readonly ComponentPlan[]): string | undefined {
    const src = String(plan.initiator.partyId);
    if (!this.deps.permission || src === this.deps.partyId) return undefined;
    const datasets = components.flatMap((c) => c.parties.filter((p) => String(p.partyId) === this.deps.partyId && roles.includes(p.role)))
      .flatMap((p) => Object.values(p.args).filter((t): t is NonNullable<typeof t> => t !== null));
    const why = permissionRefusal(privilegesOf(this.deps.views, src), {
      srcPartyId: src, srcRole: plan.initiator.role, command, roles, modules: components.map((c) => c.module), datasets,
    });
    return why && `party ${this.deps.partyId} refused ${command} of job ${plan.jobId}: ${why} (grant it on party ${this.deps.partyId} with /v1/permission/grant/privilege or /v1/permission/grant)`;
  }

  private plan(jobId: string, row: JobRow): JobPlan {
    const trainRuntimeConf = JSON.parse(String(row.f_train_runtime_conf ?? '{}')) as unknown;
    const outcome = planJob(JSON.parse(String(row.f_dsl)), JSON.parse(String(row.f_runtime_conf)), {
      jobId, serverWorkMode: 1, defaultTimeoutSeconds: this.deps.defaultTimeoutSeconds,
      ...(isPlainObject(trainRuntimeConf) && Object.keys(trainRuntimeConf).length ? { trainRuntimeConf } : {}),
    });
    if (!outcome.ok) throw new IllegalStateError(outcome.message);
    return outcome.plan;
  }

  private async createJob(r: CreateJobRequest): Promise<AckResult> {
    const jobId = r.header!.jobId;
    const dsl = JSON.parse(r.dslJson) as unknown;
    const conf = JSON.parse(r.runtimeConfJson) as unknown;
    // A predict job runs with this party's own stored model: it must hold it.
    const predict = predictModelOf(conf);
    let trainRuntimeConf = {};
    if (predict) {
      const models = this.deps.models;
      if (!models) return refuse(`party ${this.deps.partyId} has no pipeline model store`);
      const local = partiesOf(conf).filter((p) => p.partyId === this.deps.partyId);
      try {
        trainRuntimeConf = predictPlanInputs(predict, local, (role, partyId, modelId, version) => models.pipeline(role, partyId, modelId, version)).trainRuntimeConf;
      } catch (error) {
        return refuse((error as Error).message);
      }
    }
    const outcome = planJob(dsl, conf, { jobId, serverWorkMode: 1, defaultTimeoutSeconds: this.deps.defaultTimeoutSeconds, ...(predict ? { trainRuntimeConf } : {}) });
    if (!outcome.ok) return refuse(outcome.message);
    const plan = outcome.plan;
    // The job's own conf must name the sender as its initiator and this party in its roles.
    const sender = r.header!.sourcePartyId;
    if (String(plan.initiator.partyId) !== sender) {
      return refuse(`job ${jobId} names party ${plan.initiator.partyId} as its initiator but was sent by party ${sender}`);
    }
    if (!Object.values(plan.roles).some((ids) => ids.map(String).includes(this.deps.partyId))) {
      return refuse(`job ${jobId}: party ${this.deps.partyId} has no role in the job's role assignment`);
    }
    const myRoles = Object.entries(plan.roles).filter(([, ids]) => ids.map(String).includes(this.deps.partyId)).map(([role]) => role);
    const denied = this.permissionRefusal(plan, 'create_job', myRoles, plan.components);
    if (denied) return refuse(denied);
    const localOnly = localOnlyModuleRefusal(plan.components.map((c) => c.module));
    if (localOnly) return refuse(localOnly);
    const missing = [...new Set(plan.components.map((c) => c.module).filter((m) => !COMPONENTS[m]))];
    if (missing.length) return refuse(`module ${missing.join(', ')} is not implemented on party ${this.deps.partyId}'s fedflow node`);
    const initiator = { role: plan.initiator.role, partyId: String(plan.initiator.partyId) };
    const at = this.deps.clock.now();
    writeJobFiles(this.deps.dataDir, jobId, plan.dsl, plan.conf);
    let last: bigint | undefined;
    for (const [role, ids] of Object.entries(plan.roles)) {
      if (!ids.map(String).includes(this.deps.partyId)) continue;
      const party = { role, partyId: this.deps.partyId };
      try {
        const result = await handleCommand(this.deps.store, jobStreamId(jobId, role, party.partyId), jobDecider, {
          type: 'CreateJob',
          data: {
            jobId, ...party, initiator, isInitiator: false, workMode: plan.workMode, roles: plan.roles as Record<string, number[]>, dsl: plan.dsl,
            runtimeConf: plan.conf, trainRuntimeConf, runIp: this.deps.runIp, tag: '', at,
          },
        }, { retries: 0 });
        if (result.appended) last = result.appended.position;
      } catch (error) {
        // Created by an earlier delivery whose answer was lost: the same job, nothing to do.
        if (!(error instanceof IllegalStateError && /already exists/.test(error.message))) throw error;
      }
    }
    if (last !== undefined) await this.deps.waitForViews(last);
    return OK;
  }

  /** The initiator asks at the end of a training job: this node saves its party's pipeline model(s). */
  private async savePipelineModel(r: SavePipelineModelRequest): Promise<AckResult> {
    const jobId = r.header!.jobId;
    const models = this.deps.models;
    if (!models) return refuse(`party ${this.deps.partyId} has no pipeline model store`);
    const rows = queryJobs(this.deps.views, { job_id: jobId, party_id: this.deps.partyId });
    if (rows.length === 0) return refuse(`job ${jobId} does not exist for party ${this.deps.partyId} on this node`);
    try {
      for (const row of rows) {
        const plan = this.plan(jobId, row);
        if (plan.modelId !== r.modelId || plan.modelVersion !== r.modelVersion) {
          return refuse(`job ${jobId} trains model ${plan.modelId} version ${plan.modelVersion}, not ${r.modelId} version ${r.modelVersion}`);
        }
        await models.save(plan, String(row.f_role), this.deps.partyId);
      }
    } catch (error) {
      // Saving is deterministic: a retry would fail the same way, so the refusal is definite.
      return refuse(`pipeline model not saved on party ${this.deps.partyId}: ${(error as Error).message}`);
    }
    return OK;
  }

  private async startTask(r: StartTaskRequest): Promise<AckResult> {
    const h = r.header!;
    const jobId = h.jobId;
    if (r.partyId !== this.deps.partyId) return refuse(`job ${jobId}: task for party ${r.partyId} sent to the node of party ${this.deps.partyId}`);
    const row = queryJobs(this.deps.views, { job_id: jobId, role: r.role, party_id: r.partyId })[0];
    if (!row) return refuse(`job ${jobId} does not exist for ${r.role} ${r.partyId} on this node`);
    if (!(rolesOf(row)[r.role] ?? []).map(String).includes(this.deps.partyId)) {
      return refuse(`job ${jobId}: party ${this.deps.partyId} is not ${r.role} in the job's role assignment`);
    }
    if (FINAL.has(String(row.f_status))) return refuse(`job ${jobId} already ended here (${row.f_status})`);
    const plan = this.plan(jobId, row);
    const component = plan.components.find((c) => c.name === r.componentName);
    const party = component?.parties.find((p) => p.role === r.role && String(p.partyId) === r.partyId);
    if (!component || !party) return refuse(`job ${jobId} has no task ${r.componentName} for ${r.role} ${r.partyId}`);
    const denied = this.permissionRefusal(plan, 'run_task', [r.role], [component]);
    if (denied) return refuse(denied);
    let tasks = this.running.get(jobId);
    if (!tasks) this.running.set(jobId, (tasks = new Map()));
    const abort = new AbortController();
    const key = `${r.componentName}\u0000${r.role}`;
    const initiator = h.sourcePartyId;
    const ended = this.deps.actors.runTask(plan, component, party, abort.signal);
    tasks.set(key, { abort, taskId: taskIdOf(jobId, r.componentName), ended });
    const run = ended.then(
      (result) => {
        tasks.delete(key);
        // A task stopped here (a /v1/job/stop at this party) is reported in the scope of who asked,
        // so the initiator records that client, not the party that started the task.
        const report = () => this.deps.outbox.send({
          kind: 'reportTaskStatus',
          request: {
            header: makeHeader({ source: this.deps.partyId, destination: initiator, jobId, causationId: h.messageId, correlationId: h.correlationId }),
            componentName: r.componentName, taskId: result.taskId, role: r.role, partyId: r.partyId,
            status: this.lost.has(jobId) ? 'failed' : result.status, reason: this.lost.get(jobId) ?? result.reason ?? '', outputJson: '',
          },
        });
        // Settles once the report is queued (send() persists it before it returns); the outbox
        // delivers it, logs a give-up, and keeps what a closing node left for the next start.
        const acknowledged = result.stoppedBy ? runInScope(result.stoppedBy, report) : report();
        acknowledged.catch(() => {});
      },
    );
    this.active.add(run);
    run.catch((error: Error) => this.deps.log.error({ err: error, jobId, component: r.componentName }, 'task report not sent')).finally(() => this.active.delete(run));
    return OK;
  }

  private stopTask(r: StopTaskRequest): AckResult {
    const row = queryJobs(this.deps.views, { job_id: r.header!.jobId, party_id: this.deps.partyId })[0];
    if (row) {
      const denied = this.permissionRefusal(this.plan(r.header!.jobId, row), 'stop_task', [String(row.f_role)], []);
      if (denied) return refuse(denied);
    }
    this.abortTasks(r.header!.jobId, r.componentName, r.status === 'timeout' ? 'timeout' : 'stopped');
    return OK;
  }

  private abortTasks(jobId: string, componentName: string, reason: string): void {
    const tasks = this.running.get(jobId);
    if (!tasks) return;
    for (const [key, task] of tasks) {
      if (componentName && !key.startsWith(`${componentName}\u0000`)) continue;
      if (reason === 'stopped' && !task.abort.signal.aborted) {
        const stopped = this.stopped.get(jobId) ?? { taskIds: [], ends: [] };
        stopped.taskIds.push(task.taskId);
        stopped.ends.push(task.ended);
        this.stopped.set(jobId, stopped);
      }
      task.abort.abort(reason);
    }
  }

  private async syncJobStatus(r: SyncJobStatusRequest): Promise<AckResult> {
    const h = r.header!;
    const at = Number(h.sentAtMs) || this.deps.clock.now();
    let command = commandFor(r.status, r.reason, at);
    if (!command) return refuse(`unknown job status ${r.status}`);
    const rows = queryJobs(this.deps.views, { job_id: h.jobId });
    if (rows.some((row) => Number(row.f_is_initiator) === 1)) {
      // Another party stopped the job: the initiator stops it on every party.
      // Not awaited: the stop ends when every task has, which may outlast this call's deadline.
      if (r.status === 'canceled') {
        this.deps.stopJob(h.jobId, r.reason || `stopped by party ${h.sourcePartyId}`).catch((error: Error) => this.deps.log.error({ err: error, jobId: h.jobId }, 'stop asked by another party failed'));
      }
      return OK;
    }
    if (r.status === 'running' && r.progress > 0) {
      await Promise.all(rows.map((row) => handleCommand(this.deps.store, jobStreamId(h.jobId, String(row.f_role), String(row.f_party_id)), jobDecider, { type: 'StartJob', data: { at } })));
      command = { type: 'ReportJobProgress', data: { progress: r.progress, at } };
    }
    if (r.status === 'canceled' && command.type === 'CancelJob') {
      // As in standalone, this party acknowledges the stop once its tasks have ended, and its row
      // says what it stopped (StopTask usually arrived first; anything still running stops now).
      this.abortTasks(h.jobId, '', 'stopped');
      const stopped = this.stopped.get(h.jobId) ?? { taskIds: [], ends: [] };
      this.stopped.delete(h.jobId);
      await Promise.allSettled(stopped.ends);
      const data = { reason: command.data.reason, stoppedTasks: stopped.taskIds, at };
      await Promise.all(rows.map((row) => handleCommand(this.deps.store, jobStreamId(h.jobId, String(row.f_role), String(row.f_party_id)), jobDecider, { type: 'AcknowledgeStop', data })));
      command = { type: 'CancelJob', data: { ...command.data, reason: `${command.data.reason}; ${stopAcknowledgement(stopped.taskIds)}` } };
    }
    await Promise.all(rows.map((row) => handleCommand(this.deps.store, jobStreamId(h.jobId, String(row.f_role), String(row.f_party_id)), jobDecider, command)));
    if (FINAL.has(r.status)) {
      this.abortTasks(h.jobId, '', r.status === 'timeout' ? 'timeout' : 'stopped');
      this.running.delete(h.jobId);
      this.deps.mailbox.clearJob(h.jobId, `job ${r.status}`);
    }
    return OK;
  }
}

interface RunningTask {
  readonly abort: AbortController;
  readonly taskId: string;
  /** Settles once the party actor has recorded the task's end. */
  readonly ended: Promise<unknown>;
}

/** The job's role assignment as this node stored it (role → party ids). */
function rolesOf(row: JobRow): Record<string, (string | number)[]> {
  try {
    const roles = JSON.parse(String(row.f_roles ?? '{}')) as unknown;
    return isPlainObject(roles) ? (roles as Record<string, (string | number)[]>) : {};
  } catch {
    return {};
  }
}

function commandFor(status: string, reason: string, at: number): JobCommand | undefined {
  switch (status) {
    case 'running':
      return { type: 'StartJob', data: { at } };
    case 'success':
      return { type: 'SucceedJob', data: { at } };
    case 'failed':
      return { type: 'FailJob', data: { reason, at } };
    case 'canceled':
      return { type: 'CancelJob', data: { reason, at } };
    case 'timeout':
      return { type: 'TimeOutJob', data: { at } };
    default:
      return undefined;
  }
}
