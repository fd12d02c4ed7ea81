// What a restart leaves of local jobs (upload, download), settled before any task runs again.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { taskDecider } from '../../domain/task/decider.js';
import { taskIdOf, taskStreamId } from '../../domain/task/events.js';
import { tableStreamId, type TableDataLoadedData } from '../../domain/table/events.js';
import { trackingStreamId, type TrackingScope } from '../../domain/tracking/events.js';
import { handleCommand, loadState } from '../../eventSourcing/handleCommand.js';
import type { Clock } from '../../eventSourcing/clock.js';
import type { EventStore } from '../../store/eventStore.js';
import type { TableStore } from '../../store/tables/tableStore.js';
import { liveLocations } from '../../../projections/tables/query.js';
import { queryDataViews } from '../../../projections/dataView/query.js';
import { jobsInStatus, type JobRow } from '../../../projections/jobs/query.js';
import { LOCAL_PARTY, LOCAL_ROLE, localJobKindOf } from '../localJobs.js';
import { uploadTracking } from './uploadTask.js';

/** Where multipart uploads keep the received file until their task ends, one directory per job. */
export const uploadTempRoot = (dataDir: string): string => join(dataDir, 'upload_tmp');

/**
 * At start-up, before any task runs (a running task's new file has no event yet): table files no
 * event points at (an upload or a task output that a crash interrupted), and the multipart files of
 * uploads that will not run (those of jobs still waiting are kept: the scheduler queues them again).
 */
export function removeLeftovers(deps: { views: Database; tables: TableStore; dataDir: string; log: Logger }): void {
  const removed = deps.tables.removeOrphans(liveLocations(deps.views));
  if (removed.length) deps.log.warn({ removed }, 'removed table files of unfinished uploads and tasks');
  const waiting = new Set(jobsInStatus(deps.views, ['waiting']).filter((r) => r.f_role === LOCAL_ROLE).map((r) => String(r.f_job_id)));
  const root = uploadTempRoot(deps.dataDir);
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) if (!waiting.has(name)) rmSync(join(root, name), { recursive: true, force: true });
}

/**
 * For the scheduler's recovery: whether a local job that was running when the node stopped had in
 * fact done its work — its task's success is recorded or, with a store that commits stream by
 * stream, its table load (the missing tracking and task end are recorded now). The job then ends
 * `success` instead of `failed`.
 */
export async function localJobDoneBeforeRestart(deps: { store: EventStore; views: Database; clock: Clock }, row: JobRow): Promise<boolean> {
  if (row.f_role !== LOCAL_ROLE) return false;
  const jobId = String(row.f_job_id);
  const kind = localJobKindOf(JSON.parse(String(row.f_dsl)), JSON.parse(String(row.f_runtime_conf)));
  if (!kind) return false;
  const taskId = taskIdOf(jobId, kind.component);
  const taskStream = taskStreamId(taskId, LOCAL_ROLE, LOCAL_PARTY);
  const { state: task } = await loadState(deps.store, taskStream, taskDecider);
  if (task.status === 'success') return true;
  if (kind.module !== 'Upload') return false;
  const events = await deps.store.readStream(tableStreamId(kind.params.namespace, kind.params.table_name));
  const loaded = events.find((e) => e.type === 'TableDataLoaded' && (e.data as TableDataLoadedData).jobId === jobId)?.data as TableDataLoadedData | undefined;
  if (!loaded) return false;
  const scope: TrackingScope = { jobId, componentName: kind.component, taskId, role: LOCAL_ROLE, partyId: LOCAL_PARTY };
  if (queryDataViews(deps.views, { job_id: jobId }).length === 0) {
    await deps.store.appendToStream(trackingStreamId(jobId, LOCAL_ROLE, LOCAL_PARTY), uploadTracking(scope, loaded), { expectedRevision: 'any' });
  }
  if (task.status !== 'absent') await handleCommand(deps.store, taskStream, taskDecider, { type: 'SucceedTask', data: { at: deps.clock.now() } });
  return true;
}
