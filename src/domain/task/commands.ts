import type { TaskStartedData } from './events.js';

export type TaskCommand =
  | { type: 'StartTask'; data: TaskStartedData }
  | { type: 'SucceedTask'; data: { at: number } }
  | { type: 'FailTask'; data: { reason: string; at: number } }
  | { type: 'TimeOutTask'; data: { at: number } };
