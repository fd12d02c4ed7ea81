// The task decider: (absent) → running → success | failed | timeout; end states are sticky.
// As in FATE 1.4, a task row only exists once the task really started (no pre-created row).
import { assertNever, IllegalStateError, type Decider } from '../decider.js';
import type { TaskCommand } from './commands.js';
import type { TaskEvent, TaskKey, TaskStatus } from './events.js';

export type TaskState = { status: 'absent' } | { status: TaskStatus; key: TaskKey; startedAt: number };

export function decideTask(command: TaskCommand, state: TaskState): TaskEvent[] {
  if (command.type === 'StartTask') {
    if (state.status !== 'absent') throw new IllegalStateError(`task ${command.data.taskId} already started`);
    return [{ type: 'TaskStarted', data: command.data }];
  }
  if (state.status === 'absent') throw new IllegalStateError('task has not started');
  if (state.status !== 'running') return [];
  const { key } = state;
  const elapsed = command.data.at - state.startedAt;
  switch (command.type) {
    case 'SucceedTask':
      return [{ type: 'TaskSucceeded', data: { ...key, at: command.data.at, elapsed } }];
    case 'FailTask':
      return [{ type: 'TaskFailed', data: { ...key, reason: command.data.reason, at: command.data.at, elapsed } }];
    case 'TimeOutTask':
      return [{ type: 'TaskTimedOut', data: { ...key, at: command.data.at, elapsed } }];
    default:
      return assertNever(command);
  }
}

export function evolveTask(state: TaskState, event: TaskEvent): TaskState {
  switch (event.type) {
    case 'TaskStarted':
      const { jobId, taskId, role, partyId } = event.data;
      return { status: 'running', key: { jobId, taskId, role, partyId }, startedAt: event.data.at };
    case 'TaskSucceeded':
      return state.status === 'absent' ? state : { ...state, status: 'success' };
    case 'TaskFailed':
      return state.status === 'absent' ? state : { ...state, status: 'failed' };
    case 'TaskTimedOut':
      return state.status === 'absent' ? state : { ...state, status: 'timeout' };
    default:
      return assertNever(event);
  }
}

export const taskDecider: Decider<TaskState, TaskCommand, TaskEvent> = {
  decide: decideTask,
  evolve: evolveTask,
  initialState: () => ({ status: 'absent' }),
};
