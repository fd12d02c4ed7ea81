// Main-thread steps around the task of a streaming component (Upload, Download), by module. Such a
// component moves a whole file itself, so what the runtime does around an ordinary task (load the
// inputs, record the output rows) is replaced by: decide its table files against the log before it
// runs, record what it wrote in the same commit as its success, and clean up after it in every case.
// Components stay free of the event log: they only return what they wrote (ComponentOutput.writtenTable).
import type { PartyRef, TableFiles } from '../components/contract.js';
import type { JobPlan } from '../domain/dsl/plan.js';
import type { TrackingScope } from '../domain/tracking/events.js';
import type { StreamCommand } from '../eventSourcing/handleCommand.js';
import type { StreamAppend } from '../store/eventStore.js';
import type { TaskOutput } from './taskProtocol.js';

export interface PreparedTask {
  readonly tableFiles: TableFiles;
  /** The task's progress (0..100) as its worker reports it. */
  onProgress(percent: number): void;
  /** Resolves once every progress report is recorded. */
  flushProgress(): Promise<void>;
  /** Recorded in the commit of the task's success (throws to fail the task instead). */
  successEntries(output: TaskOutput, at: number): (StreamCommand | StreamAppend)[];
  /** After the task, whatever its end; `recorded`: the events its success committed (none if it did not succeed). */
  finish(recorded: readonly { type: string; data: unknown }[]): void;
}

export interface TaskHook {
  /** Throws (the task fails with the message) when the task cannot run, e.g. the table is gone. */
  prepare(plan: JobPlan, ref: PartyRef, scope: TrackingScope): Promise<PreparedTask>;
}

export type TaskHooks = Readonly<Record<string, TaskHook>>;
