// Everything a command handler may use, provided to Nest as one value (a class, so its type is
// also its injection token). Built by the composition root (src/main.ts).
import type { Logger } from 'pino';
import type { NodeConfig } from '../config.js';
import type { EventStore } from '../store/eventStore.js';
import type { TableStore } from '../store/tables/tableStore.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import type { Clock } from './clock.js';
import type { JobScheduler } from '../scheduler/jobScheduler.js';

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
  ) {}
}
