// The job decider: waiting → running → success | failed | canceled | timeout.
// End states are sticky (FATE users suffered stops that rewrote finished jobs): any status
// command on an ended job decides nothing; notes still apply.
import { assertNever, IllegalStateError, type Decider } from '../decider.js';
import type { JobCommand } from './commands.js';
import type { JobEvent, JobKey, JobStatus } from './events.js';

export type JobState =
  | { status: 'absent' }
  | { status: JobStatus; key: JobKey; startedAt: number | null; progress: number; notes: string; tag: string; stopAcknowledged: boolean; unreachable?: string };

const isEnded = (s: JobState): boolean => s.status !== 'absent' && s.status !== 'waiting' && s.status !== 'running';

function elapsed(state: JobState, at: number): number | null {
  return state.status !== 'absent' && state.startedAt !== null ? at - state.startedAt : null;
}

export function decideJob(command: JobCommand, state: JobState): JobEvent[] {
  if (command.type === 'CreateJob') {
    if (state.status !== 'absent') throw new IllegalStateError(`job ${command.data.jobId} already exists`);
    return [{ type: 'JobCreated', data: command.data }];
  }
  if (state.status === 'absent') throw new IllegalStateError('job does not exist');
  const { key } = state;
  switch (command.type) {
    case 'UpdateJobNotes':
      return command.data.notes === state.notes ? [] : [{ type: 'JobNotesUpdated', data: { ...key, ...command.data } }];
    case 'TagJob':
      return state.status === 'waiting' && state.tag !== command.data.tag ? [{ type: 'JobTagged', data: { ...key, ...command.data } }] : [];
    case 'StartJob':
      return state.status === 'waiting' ? [{ type: 'JobStarted', data: { ...key, at: command.data.at } }] : [];
    case 'ReportJobProgress': {
      if (isEnded(state)) return [];
      const progress = Math.max(0, Math.min(100, Math.floor(command.data.progress)));
      if (progress === state.progress && !command.data.currentTasks) return [];
      return [{ type: 'JobProgressed', data: { ...key, ...command.data, progress } }];
    }
    case 'SucceedJob':
      return isEnded(state) ? [] : [{ type: 'JobSucceeded', data: { ...key, at: command.data.at, elapsed: elapsed(state, command.data.at) } }];
    case 'FailJob':
      return isEnded(state) ? [] : [{ type: 'JobFailed', data: { ...key, ...command.data, elapsed: elapsed(state, command.data.at) } }];
    case 'AcknowledgeStop':
      // Once per party and only while the job is open: a stop on a finished job changes nothing.
      return isEnded(state) || state.stopAcknowledged ? [] : [{ type: 'JobStopAcknowledged', data: { ...key, ...command.data } }];
    case 'CancelJob':
      return isEnded(state) ? [] : [{ type: 'JobCanceled', data: { ...key, ...command.data, elapsed: elapsed(state, command.data.at) } }];
    case 'TimeOutJob':
      return isEnded(state) ? [] : [{ type: 'JobTimedOut', data: { ...key, at: command.data.at, elapsed: elapsed(state, command.data.at) } }];
    case 'MarkPartiesUnreachable': {
      // Only transitions are events: a heartbeat that changes nothing decides nothing.
      const now = JSON.stringify(command.data.parties.map((p) => [p.role, p.partyId, p.since]));
      if (isEnded(state) || now === (state.unreachable ?? '[]')) return [];
      return [{ type: 'JobPartiesUnreachable', data: { ...key, parties: command.data.parties, at: command.data.at } }];
    }
    default:
      return assertNever(command);
  }
}

export function evolveJob(state: JobState, event: JobEvent): JobState {
  if (event.type === 'JobCreated') {
    const { jobId, role, partyId } = event.data;
    return { status: 'waiting', key: { jobId, role, partyId }, startedAt: null, progress: 0, notes: '', tag: event.data.tag, stopAcknowledged: false };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'JobStarted':
      return { ...state, status: 'running', startedAt: event.data.at };
    case 'JobTagged':
      return { ...state, tag: event.data.tag };
    case 'JobProgressed':
      return { ...state, progress: event.data.progress };
    case 'JobNotesUpdated':
      return { ...state, notes: event.data.notes };
    case 'JobSucceeded':
      return { ...state, status: 'success', progress: 100 };
    case 'JobFailed':
      return { ...state, status: 'failed' };
    case 'JobStopAcknowledged':
      return { ...state, stopAcknowledged: true };
    case 'JobCanceled':
      return { ...state, status: 'canceled' };
    case 'JobTimedOut':
      return { ...state, status: 'timeout' };
    case 'JobPartiesUnreachable':
      return { ...state, unreachable: JSON.stringify(event.data.parties.map((p) => [p.role, p.partyId, p.since])) };
    default:
      return assertNever(event);
  }
}

export const jobDecider: Decider<JobState, JobCommand, JobEvent> = {
  decide: decideJob,
  evolve: evolveJob,
  initialState: () => ({ status: 'absent' }),
};
