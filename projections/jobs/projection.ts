import { JOB_EVENT_TYPES, stopAcknowledgement, unreachableReason, type JobEvent } from '../../src/domain/job/events.js';
import { json, type Projection, type RowOp } from '../rowOps.js';
import { jobSchema, T_JOB } from './schema.js';
// A `backend: 1` (Spark) job's row says from the start that fedflow's own engine ran it; the note
// is derived from the stored conf, so a rebuild gives the same row.
import { engineNote } from '../../src/domain/dsl/engineNote.js';

function project(event: JobEvent): RowOp[] {
  const d = event.data;
  const where = { f_job_id: d.jobId, f_role: d.role, f_party_id: d.partyId };
  const update = (set: Record<string, string | number | null>): RowOp[] => [{ op: 'update', table: T_JOB, where, set: { ...set, f_update_time: d.at } }];
  const ended = (status: string, elapsed: number | null, reason: string | null) =>
    update({ f_status: status, f_tag: 'job_end', f_end_time: d.at, f_elapsed: elapsed, f_reason: reason });
  switch (event.type) {
    case 'JobCreated': {
      const c = event.data;
      return [{
        op: 'insert',
        table: T_JOB,
        row: {
          ...where, f_name: '', f_description: engineNote(c.runtimeConf), f_tag: c.tag, f_roles: json(c.roles), f_work_mode: c.workMode,
          f_initiator_party_id: c.initiator.partyId, f_is_initiator: c.isInitiator ? 1 : 0, f_dsl: json(c.dsl),
          f_runtime_conf: json(c.runtimeConf), f_train_runtime_conf: json(c.trainRuntimeConf), f_run_ip: c.runIp,
          f_status: 'waiting', f_current_steps: null, f_current_tasks: null, f_progress: 0, f_create_time: c.at,
          f_update_time: c.at, f_start_time: null, f_end_time: null, f_elapsed: null, f_reason: null,
        },
      }];
    }
    case 'JobStarted':
      return update({ f_status: 'running', f_tag: 'end_waiting', f_start_time: event.data.at });
    case 'JobProgressed':
      return update({ f_progress: event.data.progress, ...(event.data.currentTasks ? { f_current_tasks: JSON.stringify(event.data.currentTasks) } : {}) });
    case 'JobTagged':
      return update({ f_tag: event.data.tag });
    case 'JobNotesUpdated':
      return update({ f_description: event.data.notes });
    case 'JobSucceeded':
      return [...ended('success', event.data.elapsed, null), ...update({ f_progress: 100 })];
    case 'JobFailed':
      return ended('failed', event.data.elapsed, event.data.reason);
    case 'JobStopAcknowledged':
      // Until the job's end states the final reason, the row says that this party has stopped.
      return update({ f_reason: stopAcknowledgement(event.data.stoppedTasks) });
    case 'JobCanceled':
      return ended('canceled', event.data.elapsed, event.data.reason);
    case 'JobTimedOut':
      return ended('timeout', event.data.elapsed, 'job timeout');
    case 'JobPartiesUnreachable':
      // While it runs, the row says which party it waits for; the job's end states its own reason.
      return update({ f_reason: unreachableReason(event.data.parties) });
  }
}

const HANDLED = new Set<string>(JOB_EVENT_TYPES);

export const jobsProjection: Projection = {
  name: 'jobs',
  schema: jobSchema,
  tables: [T_JOB],
  project: (event) => (HANDLED.has(event.type) ? project(event as unknown as JobEvent) : []),
};
