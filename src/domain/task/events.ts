// Events of one task (a component run) on one party: the (job, task, role, party) aggregate.

export type TaskStatus = 'running' | 'success' | 'failed' | 'timeout';

export interface TaskStartedData {
  readonly jobId: string;
  readonly taskId: string;
  readonly componentName: string;
  readonly role: string;
  readonly partyId: string;
  readonly runIp: string;
  readonly runPid: number;
  readonly at: number;
}

/** Which row an event belongs to; every task event carries it. */
export interface TaskKey {
  readonly jobId: string;
  readonly taskId: string;
  readonly role: string;
  readonly partyId: string;
}

export type TaskEvent =
  | { type: 'TaskStarted'; data: TaskStartedData }
  | { type: 'TaskSucceeded'; data: TaskKey & { at: number; elapsed: number } }
  | { type: 'TaskFailed'; data: TaskKey & { reason: string; at: number; elapsed: number } }
  | { type: 'TaskTimedOut'; data: TaskKey & { at: number; elapsed: number } };

export const TASK_EVENT_TYPES: readonly TaskEvent['type'][] = ['TaskStarted', 'TaskSucceeded', 'TaskFailed', 'TaskTimedOut'];

export function taskIdOf(jobId: string, componentName: string): string {
  return `${jobId}_${componentName}`;
}

export function taskStreamId(taskId: string, role: string, partyId: string | number): string {
  return `task-${taskId}-${role}-${partyId}`;
}
