// Composition root: config → stores → views → job scheduler → Nest context → Koa edge.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { pino, type Logger } from 'pino';
import type { NodeConfig } from './config.js';
import { AppModule } from './app/app.module.js';
import { jobIdGenerator, systemClock } from './eventSourcing/clock.js';
import { NodeServices } from './app/nodeServices.js';
import { createHttpApp } from './api/httpApp.js';
import { checkHttpExposure, isLoopback } from './api/auth/httpExposure.js';
import { readPrivateKey } from './federation/privateKey.js';
import type { BoardFeed } from './api/board/feed.js';
import { createNodeMetrics, createNodeTelemetry } from './api/ops/metrics.js';
import { timeAppends } from './store/timedAppends.js';
import { openEventStore } from './store/openEventStore.js';
import { TableStore } from './store/tables/tableStore.js';
import { JobScheduler } from './scheduler/jobScheduler.js';
import { Mailbox } from './scheduler/mailbox.js';
import { PartyActors } from './scheduler/partyActor.js';
import { WorkerPool } from './scheduler/workerPool.js';
import { discardUnrunUpload, uploadHook } from './scheduler/local/uploadTask.js';
import { downloadHook } from './scheduler/local/downloadTask.js';
import { localJobDoneBeforeRestart, removeLeftovers } from './scheduler/local/restart.js';
import { ALL_PROJECTIONS } from '../projections/index.js';
import { openLoads } from '../projections/modelPublish/query.js';
import { openViewDatabase, ProjectionRunner } from '../projections/runner.js';
import { WalCheckpointer } from '../projections/walCheckpointer.js';
import type { EventStore, RecordedEvent } from './store/eventStore.js';
import type { JobPlan } from './domain/dsl/plan.js';
import type { JobRow } from '../projections/jobs/query.js';
import { ClusterRuntime } from './federation/clusterRuntime.js';
import { ModelPublisher } from './publish/modelPublisher.js';
import { GrpcServingGateway } from './publish/servingGateway.js';
import { ModelStore } from './store/models/modelStore.js';
import { PipelineModels } from './models/pipelineModels.js';
import { nodeKeySigner } from './store/audit/nodeKey.js';
import { startReadOnlyNode } from './readOnlyNode.js';
import type { SqliteStoreOptions } from './store/sqlite/sqliteEventStore.js';

export interface RunningNode {
  /** Base URL of the HTTP edge, e.g. http://127.0.0.1:9380 */
  readonly url: string;
  readonly config: NodeConfig;
  /** Cluster mode: the party-to-party gRPC port (the real one when configured 0). */
  readonly grpcPort?: number;
  close(): Promise<void>;
}

/** An in-memory event log must not meet persistent views, so `memory` keeps the views in memory too. */
function viewsFile(config: NodeConfig): string {
  return config.eventStore === 'memory' ? ':memory:' : join(config.dataDir, 'views.sqlite');
}

/**
 * A node must not die of one forgotten promise: log it loudly instead (once per process).
 * Programming errors still surface in the log with their stack.
 */
let guarded = false;
function guardProcess(log: Logger): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (node kept running)'));
}

/**
 * Slow clients (slowloris headers, a body trickled byte by byte) are answered 408 and disconnected
 * instead of holding a socket for ever; node checks the deadlines every connectionsCheckingInterval.
 */
function httpTimeouts(config: NodeConfig): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  const { httpHeadersTimeoutMs: headersTimeout, httpRequestTimeoutMs: requestTimeout } = config.limits;
  const shortest = requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout;
  return { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(shortest / 4))) };
}

export async function startNode(config: NodeConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningNode> {
  guardProcess(log);
  checkHttpExposure(config);
  // Queries only, over an existing data dir: no scheduler, workers or federation (readOnlyNode.ts).
  if (config.readOnly) return startReadOnlyNode(config, log);
  mkdirSync(config.dataDir, { recursive: true });
  // Cluster mode is checked first: a bad route table or missing certificate stops the start at once.
  const telemetry = createNodeTelemetry();
  const cluster = config.workMode === 1 ? new ClusterRuntime(config, log.child({ part: 'federation' }), telemetry.federation) : undefined;
  const store = timeAppends(await openEventStore(config.eventStore, config.dataDir, auditOptions(config)), telemetry.observeAppend);
  const viewsDb = openViewDatabase(viewsFile(config));
  const views = new ProjectionRunner(viewsDb, ALL_PROJECTIONS, store, (error) => log.error({ err: error }, 'views stopped following the log'));
  await views.start();
  // WAL checkpoints (a copy and an fsync) off the event loop.
  const checkpointer = viewsFile(config) === ':memory:' ? undefined : WalCheckpointer.start(viewsDb, viewsFile(config));

  // Listen first (the port may be ephemeral) so f_run_ip names the real address; until the edge
  // is ready (crash recovery may take a moment) requests get a clear 503.
  const server: Server = config.httpTlsCert && config.httpTlsKey
    ? createHttpsServer({ ...httpTimeouts(config), cert: readFileSync(config.httpTlsCert), key: readPrivateKey(config.httpTlsKey, 'http TLS key') })
    : createServer(httpTimeouts(config));
  server.keepAliveTimeout = config.limits.httpKeepAliveTimeoutMs;
  const scheme = config.httpTlsCert ? 'https' : 'http';
  const starting: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ retcode: 100, retmsg: 'node is starting, try again' }));
  };
  server.on('request', starting);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const runIp = `${config.host}:${port}`;

  const follow = (handler: (event: RecordedEvent) => void) => views.onApplied((events) => events.forEach(handler));
  const tablesDir = join(config.dataDir, 'tables');
  const tables = new TableStore(tablesDir);
  removeLeftovers({ views: viewsDb, tables, dataDir: config.dataDir, log });

  const pool = new WorkerPool({
    onWorkerLost: (reason, tasks) => log.error({ part: 'worker-pool', tasks }, `a task worker died: ${reason}`),
  });
  const mailbox = cluster?.mailbox ?? new Mailbox();
  const waitForViews = (position: bigint) => views.waitFor(position);
  const modelBlobs = new ModelStore(config.eventStore === 'memory' ? ':memory:' : join(config.dataDir, 'models.sqlite'));
  const models = new PipelineModels({ store, views: viewsDb, blobs: modelBlobs, clock: systemClock, waitForViews });
  const localTasks = { store, tables, clock: systemClock, log: log.child({ part: 'local-jobs' }) };
  const taskHooks = { Upload: uploadHook(localTasks), Download: downloadHook({ ...localTasks, views: viewsDb }) };
  const actors = new PartyActors({ store, views: viewsDb, tables, pool, mailbox, clock: systemClock, log: log.child({ part: 'party' }), runIp, waitForViews, models, taskHooks, logsDir: join(config.dataDir, 'logs'),
    partitionWorkers: { ...(config.partitionWorkers !== undefined ? { configured: config.partitionWorkers } : {}), ...(config.workMode === 1 && config.partyId !== undefined ? { localPartyId: config.partyId } : {}) },
  });
  // At the end of a training job every party saves its model: this node's rows here, the other
  // parties' nodes on the initiator's request (cluster mode).
  const saveModels = async (plan: JobPlan, rows: JobRow[]): Promise<void> => {
    for (const row of rows) await models.save(plan, String(row.f_role), String(row.f_party_id));
    await cluster?.saveOnOtherParties(plan);
  };
  const scheduler = new JobScheduler({
    store, views: viewsDb, actors: cluster?.taskRouter(actors, store, systemClock) ?? actors, localActors: actors, mailbox, clock: systemClock, log: log.child({ part: 'scheduler' }), workMode: config.workMode,
    maxConcurrentJobs: config.maxConcurrentJobs, defaultTimeoutSeconds: config.jobTimeoutSeconds, follow, saveModels,
    doneBeforeRestart: (row) => localJobDoneBeforeRestart({ store, views: viewsDb, clock: systemClock }, row), discardUnrun: discardUnrunUpload,
    ...(cluster ? { onJobCommand: (rows, command) => cluster.distribution.onJobCommand(rows, command) } : {}),
  });
  await scheduler.start();
  const publisher = new ModelPublisher({
    store, clock: systemClock, servings: config.servings, gateway: new GrpcServingGateway(), transferUrl: `${scheme}://${runIp}/v1/model/transfer`, log: log.child({ part: 'publish' }),
  });
  const interrupted = openLoads(viewsDb);
  if (interrupted.length) {
    await views.waitFor(await publisher.finishInterrupted(interrupted));
    log.warn({ loads: interrupted.map((l) => l.jobId) }, 'model loads interrupted by a restart recorded as failed');
  }
  const grpcPort = await cluster?.start({
    store, views: viewsDb, waitForViews, actors, clock: systemClock, runIp, stopJob: (jobId, reason) => scheduler.stop(jobId, reason),
    models, follow,
    failJob: (jobId, reason) => scheduler.fail(jobId, reason),
    loadModel: async (load) => {
      const result = await publisher.loadOnParty(load, { requestedBy: `party ${load.initiator.partyId}` });
      return { retcode: result.retcode, retmsg: result.retmsg };
    },
  });

  const nextJobId = jobIdGenerator();
  const services = new NodeServices(config, store, views, tables, systemClock, nextJobId, runIp, log, () => scheduler, publisher, cluster, models);
  const nest = await NestFactory.createApplicationContext(AppModule.register(services), { logger: ['error', 'warn'] });
  const boardFeed: BoardFeed = {
    follow: (listener) => views.onApplied(listener),
    readAfter: async (position, max) => (await store.readAll({ fromPosition: position, maxCount: max + 1 })).filter((e) => e.position > position && e.position <= views.position).slice(0, max),
    position: () => views.position,
  };
  const metrics = createNodeMetrics(
    { views: viewsDb, feed: boardFeed, headPosition: () => store.headPosition(), ...(cluster ? { outboxDepth: () => cluster.outboxDepth() } : {}) },
    { registry: telemetry.registry },
  );
  const ops = { metrics, readiness: async () => ({ position: views.position, head: await store.headPosition() }) };
  const app = createHttpApp({ commands: nest.get(CommandBus), views: viewsDb, config, log, nextJobId, tables, models, boardFeed, ops, eventLog: store });
  server.off('request', starting);
  const serve = app.callback();
  // Once shutdown begins, a request on a kept-alive connection gets a clear 503 and the
  // connection closes (the listening socket itself is closed at once).
  let draining = false;
  server.on('request', (req, res) => {
    if (!draining) return void serve(req, res);
    res.writeHead(503, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ retcode: 100, retmsg: 'node is shutting down' }));
  });
  const url = `${scheme}://${config.host}:${port}`;
  if (config.appKeys.length === 0) log.warn({ url }, 'client authentication is off: anyone who reaches this port may use /v1');
  else if (scheme === 'http' && !isLoopback(config.host)) log.warn({ url }, 'signed requests travel in clear text: bodies and answers can be read on the network (--http-tls-cert/--http-tls-key)');
  log.info({ url, grpcPort, partyId: config.partyId, workMode: config.workMode, dataDir: config.dataDir, eventStore: redact(config.eventStore) }, 'fedflow node started');

  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    ...(grpcPort !== undefined ? { grpcPort } : {}),
    close: () => {
      draining = true;
      return (closing ??= shutdown(server, [
        ['metrics', async () => metrics.close()],
        // Running jobs end `canceled` with the reason recorded, their tasks stopped on every party.
        ['jobs', () => scheduler.close()],
        // Tasks of jobs other parties initiate (cluster mode) end with the reason too.
        ['tasks', () => actors.stopAll('node stopped while the job ran')],
        ['gRPC', async () => cluster?.close()],
        ['workers', () => pool.close()],
        ['models', () => modelBlobs.close()],
      ], views, nest, store, viewsDb, checkpointer, log));
    },
  };
}

/** How long in-flight HTTP requests may take to finish once shutdown begins (streams are cut then). */
const REQUEST_GRACE_MS = 2000;

/**
 * Graceful shutdown, in order: stop accepting connections and let in-flight requests end (server-sent
 * event streams and slow requests are cut after REQUEST_GRACE_MS), end the running jobs with their
 * reason, close gRPC and the workers, let the views apply the last events, then close the log (which
 * commits every accepted append and signs a checkpoint of its head) and the views.
 */
async function shutdown(
  server: Server,
  runners: [string, () => Promise<void>][],
  views: ProjectionRunner,
  nest: { close(): Promise<void> },
  store: EventStore,
  viewsDb: { close(): void },
  checkpointer: WalCheckpointer | undefined,
  log: Logger,
): Promise<void> {
  const started = performance.now();
  const step = (name: string, since: number) => log.info({ step: name, ms: Math.round(performance.now() - since) }, 'shutdown step done');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), REQUEST_GRACE_MS);
  await closed;
  clearTimeout(grace);
  step('http', started);
  for (const [name, stop] of runners) {
    const at = performance.now();
    await stop();
    step(name, at);
  }
  await views.waitFor(await store.headPosition(), 5000).catch(() => undefined);
  await views.stop();
  await nest.close();
  await store.close();
  await checkpointer?.stop();
  viewsDb.close();
  log.info({ ms: Math.round(performance.now() - started) }, 'fedflow node stopped');
}

/** Drops every view and replays the whole event log into them (run it with the node stopped). */
export async function rebuildViews(config: NodeConfig): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  const store = await openEventStore(config.eventStore, config.dataDir);
  const viewsDb = openViewDatabase(viewsFile(config));
  try {
    const events = await new ProjectionRunner(viewsDb, ALL_PROJECTIONS, store).rebuild();
    return { events, ms: Math.round(performance.now() - started) };
  } finally {
    viewsDb.close();
    await store.close();
  }
}

/**
 * What the store stamps on every event (the node's party id) and the key that signs the chain's
 * checkpoints: the party's TLS key in cluster mode, else `<data-dir>/node-key.pem`.
 */
function auditOptions(config: NodeConfig): SqliteStoreOptions {
  const node = { node: config.partyId !== undefined ? { partyId: config.partyId } : {} };
  if (config.eventStore !== 'sqlite') return node;
  return { ...node, signer: nodeKeySigner(config.dataDir, config.workMode === 1 ? config.tlsKey : undefined) };
}

function redact(spec: string): string {
  return spec.replace(/\/\/[^@/]*@/, '//***@');
}
