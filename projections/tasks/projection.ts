import { TASK_EVENT_TYPES, type TaskEvent } from '../../src/domain/task/events.js';
import type { Projection, RowOp } from '../rowOps.js';
import { T_TASK, taskSchema } from './schema.js';

function project(event: TaskEvent): RowOp[] {
  const d = event.data;
  const where = { f_job_id: d.jobId, f_task_id: d.taskId, f_role: d.role, f_party_id: d.partyId };
  const end = (status: string, elapsed: number, reason: string | null): RowOp[] => [
    { op: 'update', table: T_TASK, where, set: { f_status: status, f_end_time: d.at, f_elapsed: elapsed, f_update_time: d.at, f_reason: reason } },
  ];
  switch (event.type) {
    case 'TaskStarted': {
      const s = event.data;
      return [{
        op: 'insert',
        table: T_TASK,
        row: {
          ...where, f_component_name: s.componentName, f_operator: 'python_operator', f_run_ip: s.runIp, f_run_pid: s.runPid,
          f_status: 'running', f_create_time: s.at, f_update_time: s.at, f_start_time: s.at, f_end_time: null, f_elapsed: null, f_reason: null,
        },
      }];
    }
    case 'TaskSucceeded':
      return end('success', event.data.elapsed, null);
    case 'TaskFailed':
      return end('failed', event.data.elapsed, event.data.reason);
    case 'TaskTimedOut':
      return end('timeout', event.data.elapsed, 'task timeout');
  }
}

const HANDLED = new Set<string>(TASK_EVENT_TYPES);

export const tasksProjection: Projection = {
  name: 'tasks',
  schema: taskSchema,
  tables: [T_TASK],
  project: (event) => (HANDLED.has(event.type) ? project(event as unknown as TaskEvent) : []),
};
