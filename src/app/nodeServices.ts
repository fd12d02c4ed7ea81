// Everything a command handler may use, provided to Nest as one value (a class, so its type is
// also its injection token). Built by the composition root (src/main.ts).
import type { Logger } from 'pino';
import type { NodeConfig } from '../config.js';
import type { EventStore } from '../store/eventStore.js';
import type { TableStore } from '../store/tables/tableStore.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import type { Clock } from '../eventSourcing/clock.js';
import type { JobScheduler } from '../scheduler/jobScheduler.js';
import type { JobPlan } from '../domain/dsl/plan.js';
import type { Outcome } from '../domain/publish/commands.js';
import type { ModelPublisher } from '../publish/modelPublisher.js';
import type { PartyLoad } from '../publish/publishRequests.js';
import type { PipelineModels } from '../models/pipelineModels.js';

/** What submit needs of cluster mode (src/federation/clusterRuntime.ts). */
export interface ClusterSubmit {
  /** The party this node hosts. */
  readonly partyId: string;
  /** Creates the job on every other party's node; throws IllegalStateError (retcode 100) naming a failure. */
  createOnOtherParties(jobId: string, plan: JobPlan): Promise<void>;
  /** Has another party's node publish its model to its servings (FATE's /v1/model/load/do); throws when unreachable. */
  loadModelOn(load: PartyLoad): Promise<Outcome>;
}

export class NodeServices {
  constructor(
    readonly config: NodeConfig,
    readonly store: EventStore,
    readonly views: ProjectionRunner,
    readonly tables: TableStore,
    readonly clock: Clock,
    readonly nextJobId: () => string,
    /** host:port recorded as f_run_ip. */
    readonly runIp: string,
    readonly log: Logger,
    /** The initiator's scheduler (a function: it is started after the Nest context). */
    readonly scheduler: () => JobScheduler,
    /** Model load and bind: this node's parties' serving addresses and the publication stream. */
    readonly publisher: ModelPublisher,
    /** Present on a cluster-mode node. */
    readonly cluster?: ClusterSubmit,
    /** The party's pipeline models (predict jobs read their stored inference DSL). */
    readonly models?: PipelineModels,
  ) {}
}
