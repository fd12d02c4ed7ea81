import type { CommandBus } from '@nestjs/cqrs';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeConfig } from '../config.js';
import type { TableStore } from '../store/tables/tableStore.js';
import type { PipelineModels } from '../models/pipelineModels.js';
import type { BoardFeed } from './board/feed.js';
import type { OpsDeps } from './ops/routes.js';
import type { EventStore } from '../store/eventStore.js';

/** What the routes need: the command bus for writes, the view database and the table store for reads. */
export interface EdgeDeps {
  readonly commands: CommandBus;
  readonly views: Database;
  readonly config: NodeConfig;
  readonly log: Logger;
  readonly nextJobId: () => string;
  /** Party-local table rows (tracking output/data reads the first rows of an output table). */
  readonly tables: TableStore;
  /** The party's pipeline models (/v1/model/transfer). */
  readonly models?: Pick<PipelineModels, 'read'>;
  /** The views' applied events, for the board's live stream (/v1/board/events). */
  readonly boardFeed?: BoardFeed;
  /** /healthz, /readyz and /metrics. */
  readonly ops?: OpsDeps;
  /** The event log itself (/v1/audit): read only. */
  readonly eventLog?: EventStore;
}
