// The main-thread side of an Upload task. Before it runs: the table decider's refusal (the table may
// have changed since the submit) and the location it starts from (`basedOn`; for drop 0 its rows
// are copied first). With its success, in one commit: LoadTableData (the decider still decides) and
// the upload's tracking. After it: the replaced file, an unrecorded new file and the multipart
// temp_dir are removed.
import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { tableDecider, uploadRefusal } from '../../domain/table/decider.js';
import type { TableCommand } from '../../domain/table/commands.js';
import { tableStreamId, type TableDataLoadedData } from '../../domain/table/events.js';
import { trackingStreamId, type TrackingEvent, type TrackingScope } from '../../domain/tracking/events.js';
import { loadState } from '../../eventSourcing/handleCommand.js';
import type { Clock } from '../../eventSourcing/clock.js';
import type { EventStore } from '../../store/eventStore.js';
import type { TableStore } from '../../store/tables/tableStore.js';
import { LOCAL_PARTY, LOCAL_ROLE, localJobKindOf, type UploadParams } from '../localJobs.js';
import type { TaskHook } from '../taskHooks.js';
import { localJobProgress } from './jobProgress.js';

export interface LocalTaskDeps {
  readonly store: EventStore;
  readonly tables: TableStore;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The parameters as submitted (the merged component parameters default `drop` to 0, the submit leaves it out). */
export function uploadParamsOf(dsl: unknown, conf: unknown): UploadParams {
  const kind = localJobKindOf(dsl, conf);
  if (kind?.module !== 'Upload') throw new Error('an Upload component runs only in an upload job (/v1/data/upload)');
  return kind.params;
}

export function uploadHook(deps: LocalTaskDeps): TaskHook {
  return {
    async prepare(plan, _ref, scope) {
      const p = uploadParamsOf(plan.dsl, plan.conf);
      const streamId = tableStreamId(p.namespace, p.table_name);
      let basedOn: string | null;
      try {
        const { state } = await loadState(deps.store, streamId, tableDecider);
        const refusal = uploadRefusal(state, p.drop);
        if (refusal) throw new Error(refusal);
        basedOn = state.status === 'live' ? state.location : null;
      } catch (error) {
        removeTempDir(p);
        throw error;
      }
      const location = deps.tables.newLocation();
      const read: Record<string, string> = p.drop === 0 && basedOn ? { base: basedOn } : {};
      const progress = localJobProgress(deps, scope.jobId);
      return {
        tableFiles: { tablesDir: deps.tables.dir, writeTo: location, read },
        onProgress: progress.report,
        flushProgress: progress.flush,
        successEntries(output, at) {
          const written = output.writtenTable;
          if (written?.location !== location) throw new Error('the upload task returned no table');
          const data = {
            namespace: p.namespace, name: p.table_name, location, mode: p.drop === 0 ? 'append' : 'replace', basedOn,
            partition: p.partition, countUpload: written.countUpload, countActual: written.countActual,
            meta: written.sid !== undefined ? { header: written.header ?? '', sid: written.sid } : {}, jobId: scope.jobId, at,
          } as const;
          return [
            { streamId, decider: tableDecider, command: { type: 'LoadTableData', data } satisfies TableCommand },
            { streamId: trackingStreamId(scope.jobId, LOCAL_ROLE, LOCAL_PARTY), events: uploadTracking(scope, data) },
          ];
        },
        finish(recorded) {
          const loaded = recorded.find((e) => e.type === 'TableDataLoaded')?.data as TableDataLoadedData | undefined;
          try {
            // The replaced rows are no longer visible; an unrecorded file never will be.
            if (loaded?.previousLocation) deps.tables.drop(loaded.previousLocation);
            if (!loaded) deps.tables.drop(location);
          } catch (error) {
            deps.log.warn({ err: error, jobId: scope.jobId }, 'table file not removed (removed at the next start)');
          }
          removeTempDir(p);
        },
      };
    },
  };
}

/** The upload's tracking, as FATE records it: the upload/data_access metric and the data view. */
export function uploadTracking(scope: TrackingScope, d: Pick<TableDataLoadedData, 'name' | 'namespace' | 'countUpload' | 'countActual' | 'partition' | 'at'>): TrackingEvent[] {
  const at = d.at;
  return [
    { type: 'MetricMetaLogged', data: { ...scope, namespace: 'upload', name: 'data_access', meta: { name: 'upload', metric_type: 'UPLOAD' }, at } },
    { type: 'MetricDataLogged', data: { ...scope, namespace: 'upload', name: 'data_access', points: [['count', d.countActual]], at } },
    { type: 'DataViewRecorded', data: { ...scope, tableName: d.name, tableNamespace: d.namespace, countUpload: d.countUpload, countActual: d.countActual, partition: d.partition, at } },
  ];
}

/** For the scheduler: an upload job canceled before it ran leaves no multipart file behind. */
export function discardUnrunUpload(row: { f_role: unknown; f_dsl: unknown; f_runtime_conf: unknown }): void {
  if (row.f_role !== LOCAL_ROLE) return;
  const kind = localJobKindOf(JSON.parse(String(row.f_dsl)), JSON.parse(String(row.f_runtime_conf)));
  if (kind?.module === 'Upload') removeTempDir(kind.params);
}

/** Multipart uploads: the saved file goes with its task. */
function removeTempDir(p: UploadParams): void {
  if (p.temp_dir) rmSync(p.temp_dir, { recursive: true, force: true });
}
