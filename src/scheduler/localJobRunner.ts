// Process manager for upload and download jobs. It follows the event log: every JobCreated of a
// local Upload/Download job is run in a worker thread, and each step of the run is an event
// (job started, task started, progress, table data loaded, metrics, task/job ended).
// On start-up it settles jobs a crash left open, so none stays `running` forever, and removes
// table files no event points at (rows written by an upload that never finished).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Database } from 'better-sqlite3';
import type { JobCommand } from '../domain/job/commands.js';
import { jobDecider } from '../domain/job/decider.js';
import { jobStreamId, type JobCreatedData } from '../domain/job/events.js';
import type { TaskCommand } from '../domain/task/commands.js';
import { taskDecider } from '../domain/task/decider.js';
import { taskIdOf, taskStreamId } from '../domain/task/events.js';
import { tableDecider, uploadRefusal } from '../domain/table/decider.js';
import { tableStreamId, type TableDataLoadedData } from '../domain/table/events.js';
import { trackingStreamId, type TrackingEvent, type TrackingScope } from '../domain/tracking/events.js';
import { handleCommand, loadState } from '../app/handleCommand.js';
import type { Clock } from '../app/clock.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import type { TableStore } from '../store/tables/tableStore.js';
import { runUploadTask } from '../components/upload/runUploadTask.js';
import { runDownloadTask } from '../components/download/runDownloadTask.js';
import { jobsInStatus } from '../../projections/jobs/query.js';
import { getTable, liveLocations } from '../../projections/tables/query.js';
import { queryDataViews } from '../../projections/dataView/query.js';
import { LOCAL_PARTY, LOCAL_ROLE, localJobKindOf, type DownloadParams, type LocalJobKind, type UploadParams } from './localJobs.js';

export interface LocalJobRunnerDeps {
  readonly store: EventStore;
  readonly views: Database;
  readonly tables: TableStore;
  readonly tablesDir: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly runIp: string;
  readonly dataDir: string;
  readonly maxConcurrent: number;
  /** The log, event by event, once the views hold each event (see ProjectionRunner.onApplied). */
  readonly follow: (handler: (event: RecordedEvent) => void) => () => void;
}

export class LocalJobRunner {
  private unfollow: (() => void) | undefined;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly queue: { jobId: string; kind: LocalJobKind }[] = [];
  private stopping = false;

  constructor(private readonly deps: LocalJobRunnerDeps) {}

  /** Settles jobs left open by a crash, drops orphan table files, then follows new jobs. */
  async start(): Promise<void> {
    await this.recover();
    const removed = this.deps.tables.removeOrphans(liveLocations(this.deps.views));
    if (removed.length) this.deps.log.warn({ removed }, 'removed table files of unfinished uploads');
    rmSync(join(this.deps.dataDir, 'upload_tmp'), { recursive: true, force: true });
    this.unfollow = this.deps.follow((e) => this.onEvent(e));
  }

  /** Stops following the log, cancels running tasks and waits for them to record their end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unfollow?.();
    this.queue.length = 0;
    for (const r of this.running.values()) r.abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private onEvent(event: RecordedEvent): void {
    if (event.type !== 'JobCreated' || this.stopping) return;
    const created = event.data as JobCreatedData;
    if (created.role !== LOCAL_ROLE) return;
    const kind = localJobKindOf(created.dsl, created.runtimeConf);
    if (!kind) return;
    this.queue.push({ jobId: created.jobId, kind });
    this.drain();
  }

  private drain(): void {
    while (!this.stopping && this.running.size < this.deps.maxConcurrent && this.queue.length) {
      const { jobId, kind } = this.queue.shift()!;
      const abort = new AbortController();
      const done = this.run(jobId, kind, abort.signal)
        .catch((error) => this.deps.log.error({ err: error, jobId }, 'local job runner failed to record a job end'))
        .finally(() => {
          this.running.delete(jobId);
          this.drain();
        });
      this.running.set(jobId, { abort, done });
    }
  }

  private async run(jobId: string, kind: LocalJobKind, signal: AbortSignal): Promise<void> {
    const taskId = taskIdOf(jobId, kind.component);
    const log = this.deps.log.child({ jobId, taskId });
    const now = () => this.deps.clock.now();
    await this.job(jobId, { type: 'StartJob', data: { at: now() } });
    await this.job(jobId, { type: 'ReportJobProgress', data: { progress: 0, currentTasks: [taskId], at: now() } });
    await this.task(jobId, taskId, {
      type: 'StartTask',
      data: { jobId, taskId, componentName: kind.component, role: LOCAL_ROLE, partyId: LOCAL_PARTY, runIp: this.deps.runIp, runPid: process.pid, at: now() },
    });
    const scope: TrackingScope = { jobId, componentName: kind.component, taskId, role: LOCAL_ROLE, partyId: LOCAL_PARTY };
    try {
      if (kind.module === 'Upload') await this.upload(scope, kind.params, signal);
      else await this.download(scope, kind.params, signal);
      await this.task(jobId, taskId, { type: 'SucceedTask', data: { at: now() } });
      await this.job(jobId, { type: 'SucceedJob', data: { at: now() } });
      log.info('local job succeeded');
    } catch (error) {
      const reason = signal.aborted ? 'node stopped while the job ran; nothing was loaded' : errorMessage(error);
      log.warn({ reason }, 'local job failed');
      await this.task(jobId, taskId, { type: 'FailTask', data: { reason, at: now() } });
      await this.job(jobId, { type: 'FailJob', data: { reason, at: now() } });
    } finally {
      if (kind.module === 'Upload' && kind.params.temp_dir) rmSync(kind.params.temp_dir, { recursive: true, force: true });
    }
  }

  private async upload(scope: TrackingScope, p: UploadParams, signal: AbortSignal): Promise<void> {
    const streamId = tableStreamId(p.namespace, p.table_name);
    const { state } = await loadState(this.deps.store, streamId, tableDecider);
    const refusal = uploadRefusal(state, p.drop);
    if (refusal) throw new Error(refusal);
    const basedOn = state.status === 'live' ? state.location : null;
    const location = this.deps.tables.newLocation();
    const progress = this.progressReporter(scope.jobId);
    let recorded = false;
    try {
      const result = await runUploadTask(
        { tablesDir: this.deps.tablesDir, location, file: p.file, head: p.head, ...(p.drop === 0 && basedOn ? { copyFrom: basedOn } : {}) },
        { onProgress: progress.report, signal },
      );
      await progress.flush();
      const at = this.deps.clock.now();
      const loaded = await handleCommand(this.deps.store, streamId, tableDecider, {
        type: 'LoadTableData',
        data: {
          namespace: p.namespace, name: p.table_name, location, mode: p.drop === 0 ? 'append' : 'replace', basedOn,
          partition: p.partition, countUpload: result.countUpload, countActual: result.countActual,
          meta: result.sid !== undefined ? { header: result.header ?? '', sid: result.sid } : {}, jobId: scope.jobId, at,
        },
      }, { retries: 0 });
      recorded = true;
      const data = loaded.events.find((e) => e.type === 'TableDataLoaded')!.data as TableDataLoadedData;
      await this.recordUploadTracking(scope, data);
      if (data.previousLocation) this.deps.tables.drop(data.previousLocation);
    } finally {
      if (!recorded) this.deps.tables.drop(location);
    }
  }

  private async recordUploadTracking(scope: TrackingScope, d: TableDataLoadedData): Promise<void> {
    const at = d.at;
    await this.track(scope.jobId, [
      { type: 'MetricMetaLogged', data: { ...scope, namespace: 'upload', name: 'data_access', meta: { name: 'upload', metric_type: 'UPLOAD' }, at } },
      { type: 'MetricDataLogged', data: { ...scope, namespace: 'upload', name: 'data_access', points: [['count', d.countActual]], at } },
      { type: 'DataViewRecorded', data: { ...scope, tableName: d.name, tableNamespace: d.namespace, countUpload: d.countUpload, countActual: d.countActual, partition: d.partition, at } },
    ]);
  }

  private async download(scope: TrackingScope, p: DownloadParams, signal: AbortSignal): Promise<void> {
    const table = getTable(this.deps.views, p.namespace, p.table_name);
    if (!table?.location) throw new Error(`table ${p.namespace}.${p.table_name} does not exist`);
    const progress = this.progressReporter(scope.jobId);
    const { count } = await runDownloadTask(
      { tablesDir: this.deps.tablesDir, location: table.location, outputPath: p.output_path, delimitor: p.delimitor },
      { onProgress: progress.report, signal },
    );
    await progress.flush();
    const at = this.deps.clock.now();
    await this.track(scope.jobId, [
      { type: 'MetricMetaLogged', data: { ...scope, namespace: 'download', name: 'data_access', meta: { name: 'download', metric_type: 'DOWNLOAD' }, at } },
      { type: 'MetricDataLogged', data: { ...scope, namespace: 'download', name: 'data_access', points: [['count', count]], at } },
    ]);
  }

  /** Progress from the worker arrives as callbacks; events are appended one after another, in order. */
  private progressReporter(jobId: string): { report: (percent: number) => void; flush: () => Promise<void> } {
    let chain = Promise.resolve();
    let last = -1;
    return {
      report: (percent) => {
        const p = Math.min(99, Math.floor(percent));
        if (p <= last) return;
        last = p;
        chain = chain.then(() => this.job(jobId, { type: 'ReportJobProgress', data: { progress: p, at: this.deps.clock.now() } })).then(
          () => undefined,
          (error) => this.deps.log.warn({ err: error, jobId }, 'progress not recorded'),
        );
      },
      flush: () => chain,
    };
  }

  /**
   * After a crash: a local job still waiting or running either finished its table load before the
   * crash (then its end is recorded now) or did not (then it fails with the reason).
   */
  private async recover(): Promise<void> {
    const open = jobsInStatus(this.deps.views, ['waiting', 'running']).filter((r) => r.f_role === LOCAL_ROLE);
    for (const row of open) {
      const jobId = String(row.f_job_id);
      const kind = localJobKindOf(JSON.parse(String(row.f_dsl)), JSON.parse(String(row.f_runtime_conf)));
      if (!kind) continue;
      const taskId = taskIdOf(jobId, kind.component);
      const scope: TrackingScope = { jobId, componentName: kind.component, taskId, role: LOCAL_ROLE, partyId: LOCAL_PARTY };
      const at = this.deps.clock.now();
      const loaded = kind.module === 'Upload' ? await this.findLoad(kind.params, jobId) : undefined;
      const task = await loadState(this.deps.store, taskStreamId(taskId, LOCAL_ROLE, LOCAL_PARTY), taskDecider);
      if (loaded) {
        if (queryDataViews(this.deps.views, { job_id: jobId }).length === 0) await this.recordUploadTracking(scope, loaded);
        if (task.state.status !== 'absent') await this.task(jobId, taskId, { type: 'SucceedTask', data: { at } });
        await this.job(jobId, { type: 'SucceedJob', data: { at } });
        this.deps.log.warn({ jobId }, 'recorded the end of an upload that finished just before the node stopped');
        continue;
      }
      const reason = row.f_status === 'waiting' ? 'node restarted before the job started; submit it again' : 'node restarted while the job ran; nothing was loaded';
      if (task.state.status !== 'absent') await this.task(jobId, taskId, { type: 'FailTask', data: { reason, at } });
      await this.job(jobId, { type: 'FailJob', data: { reason, at } });
      this.deps.log.warn({ jobId, reason }, 'failed a job left open by a restart');
    }
  }

  private async findLoad(p: UploadParams, jobId: string): Promise<TableDataLoadedData | undefined> {
    const events = await this.deps.store.readStream(tableStreamId(p.namespace, p.table_name));
    const hit = events.find((e) => e.type === 'TableDataLoaded' && (e.data as TableDataLoadedData).jobId === jobId);
    return hit?.data as TableDataLoadedData | undefined;
  }

  private job(jobId: string, command: JobCommand) {
    return handleCommand(this.deps.store, jobStreamId(jobId, LOCAL_ROLE, LOCAL_PARTY), jobDecider, command);
  }

  private task(jobId: string, taskId: string, command: TaskCommand) {
    return handleCommand(this.deps.store, taskStreamId(taskId, LOCAL_ROLE, LOCAL_PARTY), taskDecider, command);
  }

  private track(jobId: string, events: TrackingEvent[]) {
    return this.deps.store.appendToStream(trackingStreamId(jobId, LOCAL_ROLE, LOCAL_PARTY), events, { expectedRevision: 'any' });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
