// Which decider writes which streams, by the stream id's category (the prefix each domain's stream
// id helper gives). handleCommand records the decider's name with each decision, and the re-drive
// check (eventSourcing/redriveLog.ts) finds today's decider for a recorded stream here. Tracking
// streams are plain appends (no decider) and are deliberately absent.
import type { Decider } from './decider.js';
import { jobDecider } from './job/decider.js';
import { pipelineModelDecider } from './model/decider.js';
import { permissionDecider } from './permission/decider.js';
import { publishDecider } from './publish/decider.js';
import { tableDecider } from './table/decider.js';
import { taskDecider } from './task/decider.js';

// Each entry holds a different decider type; the registry only needs their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDecider = Decider<any, any, { type: string; data: unknown }>;

export interface RegisteredDecider {
  /** Recorded in each decision's metadata (`decider`). */
  readonly name: string;
  /** The stream id prefix of the category (see the domain's `*StreamId` helper). */
  readonly prefix: string;
  readonly decider: AnyDecider;
}

export const DECIDERS: readonly RegisteredDecider[] = [
  { name: 'job', prefix: 'job-', decider: jobDecider },
  { name: 'task', prefix: 'task-', decider: taskDecider },
  { name: 'table', prefix: 'table-', decider: tableDecider },
  { name: 'pipeline_model', prefix: 'pipeline_model-', decider: pipelineModelDecider },
  { name: 'model_publish', prefix: 'model-publish-', decider: publishDecider },
  { name: 'permission', prefix: 'permission-', decider: permissionDecider },
];

/** The registered decider writing this stream, if any (tracking streams have none). */
export function deciderForStream(streamId: string, registry: readonly RegisteredDecider[] = DECIDERS): RegisteredDecider | undefined {
  return registry.find((r) => streamId.startsWith(r.prefix));
}

const byDecider = new Map<unknown, string>(DECIDERS.map((r) => [r.decider, r.name]));

/** The name recorded for a decider; one not in the registry (a test's own) is 'unregistered'. */
export function deciderName(decider: unknown): string {
  return byDecider.get(decider) ?? 'unregistered';
}
