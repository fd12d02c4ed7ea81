// `fedflow node --read-only`: the query side of a node over an existing data dir (a replayed
// export, a copy of a production node's dir under audit) and nothing else. The event log is
// opened read-only (SQLite refuses writes; the store refuses appends and signs nothing at close),
// no scheduler, party actors, workers, federation or publisher start, and the edge refuses every
// write route (src/api/readOnly.ts). The views are built from the log and follow it, so queries
// answer what the origin node answers about the same events.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import type { NodeConfig } from './config.js';
import { createHttpApp } from './api/httpApp.js';
import type { BoardFeed } from './api/board/feed.js';
import { createNodeMetrics } from './api/ops/metrics.js';
import { ALL_PROJECTIONS } from '../projections/index.js';
import { openViewDatabase, ProjectionRunner } from '../projections/runner.js';
import { EVENTS_FILE } from './store/openEventStore.js';
import { ReadOnlyLogError, SqliteEventStore } from './store/sqlite/sqliteEventStore.js';
import { TableStore } from './store/tables/tableStore.js';
import { ModelStore } from './store/models/modelStore.js';
import { PipelineModels } from './models/pipelineModels.js';
import { systemClock } from './eventSourcing/clock.js';
import { readPrivateKey } from './federation/privateKey.js';

export interface ReadOnlyNode {
  readonly url: string;
  readonly config: NodeConfig;
  close(): Promise<void>;
}

export async function startReadOnlyNode(config: NodeConfig, log: Logger): Promise<ReadOnlyNode> {
  if (config.eventStore !== 'sqlite') throw new Error(`a read-only node reads a data dir's SQLite log; event store ${config.eventStore === 'memory' ? 'memory' : 'esdb'} is not one`);
  if (config.workMode === 1) throw new Error('a read-only node takes no part in a federation: start it without work mode 1');
  const eventsFile = join(config.dataDir, EVENTS_FILE);
  if (!existsSync(eventsFile)) throw new Error(`no event log at ${eventsFile}: a read-only node serves an existing data dir (fedflow replay builds one)`);
  const store = SqliteEventStore.open(eventsFile, { readOnly: true });
  const viewsDb = openViewDatabase(join(config.dataDir, 'views.sqlite'));
  const views = new ProjectionRunner(viewsDb, ALL_PROJECTIONS, store, (error) => log.error({ err: error }, 'views stopped following the log'));
  await views.start();
  const modelsFile = join(config.dataDir, 'models.sqlite');
  const blobs = existsSync(modelsFile) ? new ModelStore(modelsFile) : undefined;
  const models = blobs ? new PipelineModels({ store, views: viewsDb, blobs, clock: systemClock, waitForViews: (p) => views.waitFor(p) }) : undefined;
  // Every write is refused at the edge; were one to slip through, the bus refuses it too.
  const commands = { execute: async () => Promise.reject(new ReadOnlyLogError()) } as unknown as CommandBus;
  const boardFeed: BoardFeed = {
    follow: (listener) => views.onApplied(listener),
    readAfter: async (position, max) => (await store.readAll({ fromPosition: position, maxCount: max + 1 })).filter((e) => e.position > position && e.position <= views.position).slice(0, max),
    position: () => views.position,
  };
  const metrics = createNodeMetrics({ views: viewsDb, feed: boardFeed, headPosition: () => store.headPosition() });
  const ops = { metrics, readiness: async () => ({ position: views.position, head: await store.headPosition() }) };
  const app = createHttpApp({
    commands, views: viewsDb, config, log, tables: new TableStore(join(config.dataDir, 'tables')), boardFeed, ops, eventLog: store,
    nextJobId: () => {
      throw new ReadOnlyLogError();
    },
    ...(models ? { models } : {}),
  });
  const server: Server = config.httpTlsCert && config.httpTlsKey
    ? createHttpsServer({ cert: readFileSync(config.httpTlsCert), key: readPrivateKey(config.httpTlsKey, 'http TLS key') }, app.callback())
    : createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${config.httpTlsCert ? 'https' : 'http'}://${config.host}:${port}`;
  log.info({ url, dataDir: config.dataDir, position: String(views.position) }, 'fedflow node started read-only');
  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    close: () => (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      metrics.close();
      await views.stop();
      await blobs?.close();
      await store.close();
      viewsDb.close();
    })()),
  };
}
