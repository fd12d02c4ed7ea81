// How many worker threads a task may run its output partitions on (issue 17: DataIO over a big
// upload parses and writes its partitions on them, compute/partitionTasks.ts). A stated rule, not
// the machine's load: the node's cores shared evenly by the parties of the component whose tasks
// run on this node at the same time (a job's parties run a component together), at least one:
//   workers = max(1, floor(cores / parties here))
// A standalone job of guest + host on two cores gives 1 (the task's own thread: both parties'
// tasks already fill the cores, measured at stop 19); a cluster node runs one party, so 2 there.
// The node's `partitionWorkers` setting (config.ts) replaces the rule.
import { availableParallelism } from 'node:os';
import type { PartyPlan } from '../domain/dsl/plan.js';

export interface PartitionWorkerRule {
  /** The configured count (config.ts partitionWorkers), which replaces the rule. */
  readonly configured?: number;
  /** The machine's cores (default: os.availableParallelism()). */
  readonly cores?: number;
  /** Cluster mode: the party this node hosts (only its tasks run here); absent: standalone, every party runs here. */
  readonly localPartyId?: string;
}

/** Worker threads for a task of a component with these parties (those with need_run false do nothing and do not count). */
export function partitionWorkersFor(parties: readonly Pick<PartyPlan, 'partyId' | 'needRun'>[], rule: PartitionWorkerRule = {}): number {
  if (rule.configured !== undefined) return rule.configured;
  const here = parties.filter((p) => p.needRun && (rule.localPartyId === undefined || String(p.partyId) === rule.localPartyId)).length;
  return Math.max(1, Math.floor((rule.cores ?? availableParallelism()) / Math.max(1, here)));
}
