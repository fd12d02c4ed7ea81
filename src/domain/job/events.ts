// Events of one party's view of a job: the (job, role, party) aggregate.
// They carry every derived value a view needs (elapsed, end time) so projections only copy.

export type JobStatus = 'waiting' | 'running' | 'success' | 'failed' | 'canceled' | 'timeout';

import type { PartyRef } from '../partyRef.js';

export type { PartyRef };

export interface JobCreatedData extends PartyRef {
  readonly jobId: string;
  readonly initiator: PartyRef;
  readonly isInitiator: boolean;
  readonly workMode: 0 | 1;
  readonly roles: Record<string, number[]>;
  readonly dsl: unknown;
  readonly runtimeConf: unknown;
  readonly trainRuntimeConf: unknown;
  /** host:port of the node that owns this row. */
  readonly runIp: string;
  /** Why the job waits (queue position, limit reached); shown in f_tag. */
  readonly tag: string;
  readonly at: number;
}

/** Which row an event belongs to; every job event carries it so projections need no lookups. */
export interface JobKey extends PartyRef {
  readonly jobId: string;
}

/** A party of a job this node's heartbeats do not reach, and since when (ms). */
export interface UnreachableParty extends PartyRef {
  readonly since: number;
}

/** How an unreachable party reads in a running job's f_reason. */
export function unreachableReason(parties: readonly UnreachableParty[]): string | null {
  if (parties.length === 0) return null;
  return `waiting for ${parties.map((p) => `${p.role} ${p.partyId} (unreachable since ${new Date(p.since).toISOString()})`).join(', ')}`;
}

export type JobEvent =
  | { type: 'JobCreated'; data: JobCreatedData }
  | { type: 'JobStarted'; data: JobKey & { at: number } }
  /** Why a job still waits (queue position, limit reached): shown in f_tag. */
  | { type: 'JobTagged'; data: JobKey & { tag: string; at: number } }
  | { type: 'JobProgressed'; data: JobKey & { progress: number; currentTasks?: string[]; at: number } }
  | { type: 'JobNotesUpdated'; data: JobKey & { notes: string; at: number } }
  | { type: 'JobSucceeded'; data: JobKey & { at: number; elapsed: number | null } }
  | { type: 'JobFailed'; data: JobKey & { reason: string; at: number; elapsed: number | null } }
  /** This party ended its tasks of the job on a stop request (FATE's per-party kill), listing them. */
  | { type: 'JobStopAcknowledged'; data: JobKey & { reason: string; stoppedTasks: readonly string[]; at: number } }
  | { type: 'JobCanceled'; data: JobKey & { reason: string; at: number; elapsed: number | null } }
  | { type: 'JobTimedOut'; data: JobKey & { at: number; elapsed: number | null } }
  /** The parties this node's heartbeats stopped reaching while the job runs (empty: all reachable again). */
  | { type: 'JobPartiesUnreachable'; data: JobKey & { parties: readonly UnreachableParty[]; at: number } };

export type JobEventType = JobEvent['type'];
export const JOB_EVENT_TYPES: readonly JobEventType[] = [
  'JobCreated', 'JobStarted', 'JobTagged', 'JobProgressed', 'JobNotesUpdated', 'JobStopAcknowledged', 'JobSucceeded', 'JobFailed', 'JobCanceled', 'JobTimedOut',
  'JobPartiesUnreachable',
];

/** How a party's acknowledgement of a stop reads in its row's f_reason. */
export function stopAcknowledgement(stoppedTasks: readonly string[]): string {
  return `stop acknowledged: ${stoppedTasks.length ? `tasks ${stoppedTasks.join(', ')} stopped` : 'no task was running'}`;
}

/** What a party answered to a stop, including the tasks whose stop it never acknowledged. */
export function stopOutcome(stoppedTasks: readonly string[], unansweredTasks: readonly string[] = []): string {
  if (!unansweredTasks.length) return stopAcknowledgement(stoppedTasks);
  const answered = stoppedTasks.length ? `${stopAcknowledgement(stoppedTasks)}; ` : '';
  return `${answered}stop not acknowledged: tasks ${unansweredTasks.join(', ')} (the party did not acknowledge them)`;
}

export function jobStreamId(jobId: string, role: string, partyId: string | number): string {
  return `job-${jobId}-${role}-${partyId}`;
}
