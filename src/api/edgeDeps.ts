import type { CommandBus } from '@nestjs/cqrs';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeConfig } from '../config.js';

/** What the routes need: the command bus for writes, the view database for reads. */
export interface EdgeDeps {
  readonly commands: CommandBus;
  readonly views: Database;
  readonly config: NodeConfig;
  readonly log: Logger;
  readonly nextJobId: () => string;
}
