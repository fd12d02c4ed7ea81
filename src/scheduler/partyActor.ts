// The party side of a job: runs one party's task of a component and records every step as
// events on that party's streams (task started/ended, output table, output model, metrics).
// In standalone mode one node hosts the actors of every party; in cluster mode each node hosts its
// own, reached over gRPC — the scheduler only sees `runTask`.
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { ModelBuffers, PartyRef } from '../components/contract.js';
import type { Schema } from '../tableData/dataTable.js';
import type { ComponentPlan, JobPlan, PartyPlan } from '../domain/dsl/plan.js';
import { jobDecider } from '../domain/job/decider.js';
import { jobStreamId } from '../domain/job/events.js';
import { taskDecider } from '../domain/task/decider.js';
import { taskIdOf, taskStreamId } from '../domain/task/events.js';
import type { TaskCommand } from '../domain/task/commands.js';
import { tableDecider } from '../domain/table/decider.js';
import type { TableCommand } from '../domain/table/commands.js';
import { tableStreamId } from '../domain/table/events.js';
import { trackingStreamId, type TrackingEvent, type TrackingScope } from '../domain/tracking/events.js';
import { handleCommand, handleCommands, type StreamCommand } from '../eventSourcing/handleCommand.js';
import type { Clock } from '../eventSourcing/clock.js';
import type { EventStore, StreamAppend } from '../store/eventStore.js';
import type { TableStore } from '../store/tables/tableStore.js';
import { getTable } from '../../projections/tables/query.js';
import { outputData, outputModel } from '../../projections/outputs/query.js';
import { Mailbox, mailboxKey } from './mailbox.js';
import type { TableInput, TaskOutput, TaskRequest } from './taskProtocol.js';
import type { WorkerPool } from './workerPool.js';
import type { PreparedTask, TaskHooks } from './taskHooks.js';
import { partyModelId } from '../domain/dsl/runtimeConf.js';
import { engineNote } from '../domain/dsl/engineNote.js';
import type { PipelineModels } from '../models/pipelineModels.js';
import { TaskLog, taskLogDir } from './taskLog.js';
import { currentScope, runInScope, type AuditScope } from '../store/audit/auditScope.js';
import { partitionWorkersFor, type PartitionWorkerRule } from './partitionWorkers.js';

export interface PartyActorDeps {
  readonly store: EventStore;
  readonly views: Database;
  readonly tables: TableStore;
  readonly pool: WorkerPool;
  readonly mailbox: Mailbox;
  readonly clock: Clock;
  readonly log: Logger;
  readonly runIp: string;
  /** Read-your-writes: resolves once the views include the event at `position`. */
  readonly waitForViews: (position: bigint) => Promise<void>;
  /** The party's stored pipeline models: a predict job's `pipeline.<component>.<alias>` inputs. */
  readonly models?: Pick<PipelineModels, 'componentModel'>;
  /** Streaming components (Upload, Download): the steps around their tasks, by module. */
  readonly taskHooks?: TaskHooks;
  /** Where every task writes its log file (<data-dir>/logs); no task logs when absent. */
  readonly logsDir?: string;
  /** How many partition workers a task gets (partitionWorkers.ts: the configured count, the node's party in cluster mode). */
  readonly partitionWorkers?: PartitionWorkerRule;
}

/** The reason of a task its own party stopped (a stop of the job, asked here or passed on to here). */
export const TASK_STOPPED_REASON = 'task stopped';

export interface TaskResult {
  readonly status: 'success' | 'failed';
  readonly reason?: string;
  readonly taskId: string;
  readonly party: PartyRef;
  /** A task stopped by a stop of the job: who asked (its end is recorded, and reported on, in that scope). */
  readonly stoppedBy?: AuditScope;
}

/** A party's answer to a stop: its tasks of the job have ended and it recorded the stop. */
export interface StopAck {
  readonly party: PartyRef;
  readonly stoppedTasks: string[];
  /** Tasks whose stop the party never acknowledged (a remote party unreachable until the stop gave up). */
  readonly unansweredTasks?: string[];
}

interface RunningTask {
  readonly abort: AbortController;
  readonly ended: Promise<unknown>;
}

/** Modules whose parties each keep a core busy (Paillier, RSA): they must not share a thread. */
const CRYPTO_HEAVY = new Set(['HeteroLR', 'HeteroLinR', 'HeteroPoisson', 'HeteroSecureBoost', 'HomoLR', 'HeteroFeatureBinning']);

/** Where a task runs: tasks of one affinity share a worker; `shared` ones also with other jobs'. */
export interface WorkerPlacement {
  readonly affinity: string;
  readonly shared: boolean;
}

/** A party whose input tables hold at least this many rows runs the job's tasks in a worker of its own. */
export const BIG_TABLE_ROWS = 100_000;

/**
 * Light components of a job share one warm worker (their parties mostly wait on each other), and
 * light tasks of all jobs share a few workers (see workerPool.ts); crypto-heavy ones get a worker
 * per party so guest, host and arbiter compute in parallel. So does every task of a party whose
 * job reads a big table (`bigTables`, BIG_TABLE_ROWS): a light component is then seconds of work
 * per party (DataIO of a million lines), and its parties would otherwise take turns on one core.
 * The choice is the party's for the whole job, so each component's output is still in memory in
 * the worker of the party's next component (RecentOutputs).
 */
export function workerPlacement(jobId: string, component: ComponentPlan, party: PartyPlan, ref: PartyRef, bigTables = false): WorkerPlacement {
  const rsa = component.module === 'Intersection' && String(party.parameters.intersect_method ?? 'raw').toLowerCase() === 'rsa';
  return bigTables || CRYPTO_HEAVY.has(component.module) || rsa ? { affinity: `${jobId}\u0000${ref.role}\u0000${ref.partyId}`, shared: false } : { affinity: jobId, shared: true };
}

/** The tables a party's job reads (role_parameters.<role>.args.data.*[partyIndex] of the conf). */
export function partyArgTables(conf: unknown, role: string, partyIndex: number): { namespace: string; name: string }[] {
  const get = (o: unknown, key: string): unknown => (o !== null && typeof o === 'object' && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined);
  const data = get(get(get(get(conf, 'role_parameters'), role), 'args'), 'data');
  const out: { namespace: string; name: string }[] = [];
  if (data === null || typeof data !== 'object') return out;
  for (const list of Object.values(data as Record<string, unknown>)) {
    const item = Array.isArray(list) ? list[partyIndex] : undefined;
    const namespace = get(item, 'namespace');
    const name = get(item, 'name');
    if ((typeof namespace === 'string' || typeof namespace === 'number') && (typeof name === 'string' || typeof name === 'number')) out.push({ namespace: String(namespace), name: String(name) });
  }
  return out;
}

export class PartyActors {
  /** This node's running tasks by job and party, so a stop can end exactly one party's tasks. */
  private readonly running = new Map<string, Map<string, RunningTask>>();
  /** Who stopped a task (by its abort signal), so its end names them and not the task's starter. */
  private readonly stoppers = new WeakMap<AbortSignal, AuditScope>();

  constructor(private readonly deps: PartyActorDeps) {}

  /** `signal` ends the task too (the scheduler's own stop of a failed or timed-out job). */
  runTask(plan: JobPlan, component: ComponentPlan, party: PartyPlan, signal: AbortSignal): Promise<TaskResult> {
    const ref: PartyRef = { role: party.role, partyId: String(party.partyId) };
    const taskId = taskIdOf(plan.jobId, component.name);
    const abort = new AbortController();
    const forward = () => abort.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener('abort', forward, { once: true });
    const key = runningKey(plan.jobId, ref);
    const tasks = this.running.get(key) ?? new Map<string, RunningTask>();
    this.running.set(key, tasks);
    const ended = this.execute(plan, component, party, ref, abort.signal).finally(() => {
      signal.removeEventListener('abort', forward);
      tasks.delete(taskId);
      if (tasks.size === 0 && this.running.get(key) === tasks) this.running.delete(key);
    });
    tasks.set(taskId, { abort, ended });
    return ended;
  }

  /**
   * FATE's per-party kill: ends this party's running tasks of the job (their workers end), waits
   * until each has recorded its end, then records the acknowledgement on the party's job row.
   */
  async stopJob(jobId: string, party: PartyRef, reason: string): Promise<StopAck> {
    const ref: PartyRef = { role: party.role, partyId: String(party.partyId) };
    const tasks = [...(this.running.get(runningKey(jobId, ref)) ?? new Map<string, RunningTask>())];
    const asked = currentScope();
    for (const [, task] of tasks) {
      if (asked && !task.abort.signal.aborted) this.stoppers.set(task.abort.signal, asked);
      task.abort.abort('stopped');
    }
    await Promise.allSettled(tasks.map(([, task]) => task.ended));
    const stoppedTasks = tasks.map(([taskId]) => taskId);
    await handleCommand(this.deps.store, jobStreamId(jobId, ref.role, ref.partyId), jobDecider, {
      type: 'AcknowledgeStop', data: { reason, stoppedTasks, at: this.deps.clock.now() },
    });
    return { party: ref, stoppedTasks };
  }

  /**
   * Shutdown: stops every task still running on this node (in cluster mode, those of jobs another
   * party initiates) so each records its end and the party's stop, instead of dying with its worker.
   */
  async stopAll(reason: string): Promise<void> {
    const keys = [...this.running.keys()];
    await Promise.allSettled(keys.map((key) => {
      const [jobId, party] = key.split('\u0000') as [string, string];
      const cut = party.lastIndexOf(':');
      return this.stopJob(jobId, { role: party.slice(0, cut), partyId: party.slice(cut + 1) }, reason);
    }));
  }

  private async execute(plan: JobPlan, component: ComponentPlan, party: PartyPlan, ref: PartyRef, signal: AbortSignal): Promise<TaskResult> {
    const { jobId } = plan;
    const taskId = taskIdOf(jobId, component.name);
    const scope: TrackingScope = { jobId, componentName: component.name, taskId, role: ref.role, partyId: ref.partyId };
    const now = () => this.deps.clock.now();
    await this.task(taskId, ref, {
      type: 'StartTask',
      data: { jobId, taskId, componentName: component.name, role: ref.role, partyId: ref.partyId, runIp: this.deps.runIp, runPid: process.pid, at: now() },
    }, true);
    const tracking = new TrackingWriter(this.deps.store, scope, now, this.deps.log);
    const taskLog = this.deps.logsDir === undefined ? undefined : new TaskLog(taskLogDir(this.deps.logsDir, jobId, ref.role, ref.partyId, component.name), this.deps.log, now);
    const started = now();
    taskLog?.info(`task ${taskId} started: module ${component.module}, ${ref.role} ${ref.partyId}, job ${jobId} (${plan.jobType}), run on ${this.deps.runIp} pid ${process.pid}`);
    const engine = engineNote(plan.conf);
    if (engine) taskLog?.info(`WARNING ${engine}`);
    let prepared: PreparedTask | undefined;
    let recorded: { type: string; data: unknown }[] = [];
    try {
      prepared = await this.deps.taskHooks?.[component.module]?.prepare(plan, ref, scope);
      const request = { ...this.request(plan, component, party, ref, taskId), ...(prepared ? { tableFiles: prepared.tableFiles } : {}) };
      taskLog?.info(`parameters: ${JSON.stringify(request.params)}`);
      for (const [key, input] of Object.entries(request.inputs)) taskLog?.info(`input ${key}: ${input.schema.header.length} columns, id column ${input.schema.sid_name}`);
      if (request.model) taskLog?.info(`input model: ${Object.keys(request.model).join(', ')}`);
      const output = await this.deps.pool.run(request, {
        signal,
        ...workerPlacement(jobId, component, party, ref, this.readsBigTables(plan, party)),
        onMessage: (message, reply) => {
          switch (message.type) {
            case 'metricData':
              taskLog?.info(`metric ${message.namespace}.${message.name}: ${message.points.length} point(s) ${JSON.stringify(message.points.slice(0, 5))}${message.points.length > 5 ? ' …' : ''}`);
              return tracking.add({ type: 'MetricDataLogged', data: { ...scope, namespace: message.namespace, name: message.name, points: message.points, at: now() } });
            case 'metricMeta':
              return tracking.add({ type: 'MetricMetaLogged', data: { ...scope, namespace: message.namespace, name: message.name, meta: message.meta, at: now() } });
            case 'progress':
              taskLog?.progress(message.percent);
              // Only a streaming task's progress is shown (a job's is its share of components done).
              return prepared?.onProgress(message.percent);
            case 'remote':
              for (const to of message.to) this.deps.mailbox.put(mailboxKey(jobId, component.name, message.name, message.tag, ref, to), message.payload);
              return;
            case 'get':
              this.deps.mailbox.take(mailboxKey(jobId, component.name, message.name, message.tag, message.from, ref)).then(
                (payload) => reply({ type: 'got', id: message.id, payload }),
                (error: Error) => reply({ type: 'getFailed', id: message.id, message: error.message }),
              );
              return;
          }
        },
      });
      await prepared?.flushProgress();
      // The metrics still pending, the outputs and the success: one commit, all or nothing.
      const { position, handled } = await handleCommands(this.deps.store, [
        ...tracking.takePending(),
        ...this.outputEntries(scope, component, output),
        ...(prepared?.successEntries(output, now()) ?? []),
        { streamId: taskStreamId(taskId, ref.role, ref.partyId), decider: taskDecider, command: { type: 'SucceedTask', data: { at: now() } } satisfies TaskCommand },
      ]);
      recorded = handled.flatMap((h) => h.events);
      if (output.data) taskLog?.info(`output data: ${output.data.count} row(s), ${output.data.schema.header.length} column(s)`);
      if (output.model) taskLog?.info(`output model: ${Object.keys(output.model).join(', ')}`);
      taskLog?.info(`task ${taskId} success in ${now() - started} ms`);
      // Downstream tasks read this task's outputs from the views: they must be there first.
      if (position !== undefined) await this.deps.waitForViews(position);
      return { status: 'success', taskId, party: ref };
    } catch (error) {
      await tracking.flush();
      if (signal.aborted && signal.reason === 'timeout') {
        taskLog?.error(`task ${taskId} timeout after ${now() - started} ms`);
        await this.task(taskId, ref, { type: 'TimeOutTask', data: { at: now() } });
        return { status: 'failed', reason: 'task timeout', taskId, party: ref };
      }
      const reason = signal.aborted ? TASK_STOPPED_REASON : error instanceof Error ? error.message : String(error);
      taskLog?.error(`task ${taskId} failed after ${now() - started} ms: ${reason}${!signal.aborted && error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
      const stoppedBy = signal.aborted ? this.stoppers.get(signal) : undefined;
      const fail = () => this.task(taskId, ref, { type: 'FailTask', data: { reason, at: now() } });
      await (stoppedBy ? runInScope(stoppedBy, fail) : fail());
      return { status: 'failed', reason, taskId, party: ref, ...(stoppedBy ? { stoppedBy } : {}) };
    } finally {
      await prepared?.flushProgress();
      prepared?.finish(recorded);
      await taskLog?.close();
    }
  }

  /** Whether a table the party's job reads (on this node) holds BIG_TABLE_ROWS rows or more (the table views' counts). */
  private readsBigTables(plan: JobPlan, party: PartyPlan): boolean {
    return partyArgTables(plan.conf, party.role, party.partyIndex).some((t) => (getTable(this.deps.views, t.namespace, t.name)?.count ?? 0) >= BIG_TABLE_ROWS);
  }

  private request(plan: JobPlan, component: ComponentPlan, party: PartyPlan, ref: PartyRef, taskId: string) {
    const inputs: Record<string, TableInput> = {};
    let upstream: string | undefined;
    for (const [key, refs] of Object.entries(component.input.data ?? {})) {
      const first = (refs as string[] | undefined)?.[0];
      if (!first) continue;
      const input = this.tableInput(plan, first, party, ref);
      if (input) inputs[key] = input;
      if (!first.startsWith('args.')) upstream ??= first.split('.')[0];
    }
    const inputList = this.inputList(plan, component, party, ref);
    const modelOf = (refs: readonly string[] | undefined): ModelBuffers | undefined => {
      const first = refs?.[0];
      if (!first) return undefined;
      const parts = first.split('.');
      // A component that did not run in training (need_run false) stored no model: it passes its data on.
      if (parts[0] === 'pipeline' && plan.jobType === 'predict') return party.needRun ? this.storedModel(plan, ref, parts[1]!, parts[2] ?? 'default') : undefined;
      const name = parts[0] === 'pipeline' ? parts[1]! : parts[0]!;
      return outputModel(this.deps.views, { jobId: plan.jobId, componentName: name, ...ref })?.buffers;
    };
    const model = modelOf(component.input.model as string[] | undefined);
    const isometricModel = modelOf(component.input.isometricModel as string[] | undefined);
    const roles = Object.fromEntries(Object.entries(plan.roles).map(([r, ids]) => [r, ids.map(String)]));
    return {
      tablesDir: this.deps.tables.dir, jobId: plan.jobId, taskId, componentName: component.name, module: component.module,
      role: ref.role, partyId: ref.partyId, roles, params: { ...party.parameters, ...(upstream ? { _upstream: upstream } : {}) },
      inputs, ...(inputList ? { inputList } : {}), ...(model ? { model } : {}), ...(isometricModel ? { isometricModel } : {}), outputLocation: this.deps.tables.newLocation(),
      partitionWorkers: partitionWorkersFor(component.parties, this.deps.partitionWorkers),
    };
  }

  /**
   * With more than one data reference, every table by FATE's name for it: `<upstream>.<key>`. FATE
   * collects them in a dict by upstream then key, so a later reference to the same upstream and key
   * replaces the earlier one (kept here: that is what Union's metrics and duplicate ids show).
   */
  private inputList(plan: JobPlan, component: ComponentPlan, party: PartyPlan, ref: PartyRef): TaskRequest['inputList'] {
    const refs = Object.entries(component.input.data ?? {}).flatMap(([key, list]) => ((list as string[] | undefined) ?? []).map((r) => [key, r] as const));
    if (refs.length < 2) return undefined;
    const byUpstream = new Map<string, Map<string, TableInput | undefined>>();
    for (const [key, reference] of refs) {
      const upstream = reference.split('.')[0]!;
      if (!byUpstream.has(upstream)) byUpstream.set(upstream, new Map());
      byUpstream.get(upstream)!.set(key, this.tableInput(plan, reference, party, ref));
    }
    return [...byUpstream].flatMap(([upstream, keys]) =>
      [...keys].flatMap(([key, input]) => (input ? [{ name: `${upstream}.${key}`, input }] : [])));
  }

  /** A predict job's model input: the party's own stored buffers of that component. */
  private storedModel(plan: JobPlan, ref: PartyRef, component: string, alias: string): ModelBuffers {
    const id = partyModelId(ref.role, ref.partyId, plan.modelId);
    const model = this.deps.models?.componentModel(id, plan.modelVersion, component, alias);
    if (!model) throw new Error(`pipeline model ${id} version ${plan.modelVersion} has no stored ${component}.${alias} buffers on ${ref.role} ${ref.partyId}`);
    return model;
  }

  private tableInput(plan: JobPlan, reference: string, party: PartyPlan, ref: PartyRef): TableInput | undefined {
    const [source, key] = reference.split('.') as [string, string];
    if (source === 'args') {
      const table = party.args[key];
      if (!table) throw new Error(`no ${key} table is configured for ${ref.role} ${ref.partyId} (role_parameters.${ref.role}.args.data.${key})`);
      const view = getTable(this.deps.views, table.namespace, table.name);
      if (!view?.location) throw new Error(`table ${table.namespace}.${table.name} (args.${key} of ${ref.role} ${ref.partyId}) does not exist on this node; upload it first`);
      const header = typeof view.meta.header === 'string' && view.meta.header !== '' ? view.meta.header.split(',').map((h) => h.trim()) : [];
      const schema: Schema = { header, sid_name: typeof view.meta.sid === 'string' ? view.meta.sid : 'sid' };
      return { location: view.location, format: 'raw', schema };
    }
    const out = outputData(this.deps.views, { jobId: plan.jobId, componentName: source, ...ref });
    return out && { location: out.location, format: 'json', schema: out.schema as unknown as Schema };
  }

  /** The output table (its table stream) and the output records (the tracking stream), to be committed with the task's end. */
  private outputEntries(scope: TrackingScope, component: ComponentPlan, output: TaskOutput): (StreamCommand | StreamAppend)[] {
    const at = this.deps.clock.now();
    const entries: (StreamCommand | StreamAppend)[] = [];
    const events: TrackingEvent[] = [];
    if (output.data) {
      const dataName = component.outputs.data ?? 'data';
      // Per party: in standalone one node holds every party's output of the same task.
      const tableNamespace = `output_data_${scope.taskId}_${scope.role}_${scope.partyId}`;
      entries.push({
        streamId: tableStreamId(tableNamespace, dataName),
        decider: tableDecider,
        assumeNew: true,
        command: {
          type: 'LoadTableData',
          data: {
            namespace: tableNamespace, name: dataName, location: output.data.location, mode: 'replace', basedOn: null, partition: 1,
            countUpload: output.data.count, countActual: output.data.count, meta: { schema: output.data.schema }, jobId: scope.jobId, at,
          },
        } satisfies TableCommand,
      });
      events.push({ type: 'OutputDataRecorded', data: { ...scope, dataName, tableNamespace, tableName: dataName, location: output.data.location, count: output.data.count, schema: { ...output.data.schema }, at } });
    }
    if (output.model) {
      events.push({ type: 'OutputModelRecorded', data: { ...scope, module: output.modelModule ?? component.module, alias: component.outputs.model ?? 'default', buffers: output.model, at } });
    }
    if (events.length) entries.push({ streamId: trackingStreamId(scope.jobId, scope.role, scope.partyId), events });
    return entries;
  }

  /** `starting`: the task's stream is new (see handleCommand's assumeNew). */
  private task(taskId: string, ref: PartyRef, command: TaskCommand, starting = false) {
    return handleCommand(this.deps.store, taskStreamId(taskId, ref.role, ref.partyId), taskDecider, command, { assumeNew: starting });
  }
}

function runningKey(jobId: string, party: PartyRef): string {
  return `${jobId}\u0000${party.role}:${party.partyId}`;
}

/** Metrics arrive one call at a time from the worker; they are appended in order, batched. */
class TrackingWriter {
  private pending: TrackingEvent[] = [];
  private chain = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly scope: TrackingScope,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  add(event: TrackingEvent): void {
    this.pending.push(event);
    if (this.pending.length === 1) this.chain = this.chain.then(() => new Promise((r) => setImmediate(r))).then(() => this.write());
  }

  /** The metrics not yet appended, as one append to be committed with the task's end; none are appended after. */
  takePending(): StreamAppend[] {
    const batch = this.pending.splice(0);
    return batch.length ? [{ streamId: trackingStreamId(this.scope.jobId, this.scope.role, this.scope.partyId), events: batch }] : [];
  }

  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.write());
    return this.chain;
  }

  private async write(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      await this.store.appendToStream(trackingStreamId(this.scope.jobId, this.scope.role, this.scope.partyId), batch, { expectedRevision: 'any' });
    } catch (error) {
      this.log.error({ err: error, at: this.now() }, 'metrics not recorded');
    }
  }
}
