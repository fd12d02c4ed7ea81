import type { JobCreatedData, UnreachableParty } from './events.js';

// Time comes with the command (`at`), so the decider stays pure and tests stay deterministic.
export type JobCommand =
  | { type: 'CreateJob'; data: JobCreatedData }
  | { type: 'StartJob'; data: { at: number } }
  | { type: 'TagJob'; data: { tag: string; at: number } }
  | { type: 'ReportJobProgress'; data: { progress: number; currentTasks?: string[]; at: number } }
  | { type: 'UpdateJobNotes'; data: { notes: string; at: number } }
  | { type: 'SucceedJob'; data: { at: number } }
  | { type: 'FailJob'; data: { reason: string; at: number } }
  | { type: 'AcknowledgeStop'; data: { reason: string; stoppedTasks: readonly string[]; at: number } }
  | { type: 'CancelJob'; data: { reason: string; at: number } }
  | { type: 'TimeOutJob'; data: { at: number } }
  /** Heartbeats (federation/partyLiveness.ts): which parties of the running job this node cannot reach, since when (empty: all reachable). */
  | { type: 'MarkPartiesUnreachable'; data: { parties: readonly UnreachableParty[]; at: number } };
