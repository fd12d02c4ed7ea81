// Cluster mode (work_mode 1) for one node: the pieces src/main.ts plugs in when the node hosts one
// party of a federation. Built in two steps because of who needs whom: the mailbox and the task
// router exist before the party actors and the scheduler; the gRPC server starts once those exist.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeConfig } from '../config.js';
import type { Clock } from '../eventSourcing/clock.js';
import type { JobPlan } from '../domain/dsl/plan.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { runAsProcess } from '../store/audit/auditScope.js';
import { nodeKeySigner } from '../store/audit/nodeKey.js';
import { ReceiptBook } from './receipts/receiptBook.js';
import { receiptSigner } from './receipts/receipt.js';
import type { PartyActors } from '../scheduler/partyActor.js';
import { ClusterMailbox } from './clusterMailbox.js';
import { clusterSettings, type ClusterSettings } from './clusterConfig.js';
import { ClusterParty } from './clusterParty.js';
import { DataPlaneSender } from './dataPlane.js';
import { FaultyTransport } from './faultyTransport.js';
import { GrpcTransport } from './grpcTransport.js';
import { JobDistribution } from './jobDistribution.js';
import { MessageStore } from './messageStore.js';
import { startNodeServer, type RunningNodeServer } from './nodeServer.js';
import { Outbox } from './outbox.js';
import { HeartbeatClient } from './heartbeatClient.js';
import { PartyLiveness } from './partyLiveness.js';
import { MeteredTransport } from './meteredTransport.js';
import { NO_FEDERATION_TELEMETRY, type FederationTelemetry } from './telemetry.js';
import { RemoteTasks, type TaskMirror } from './remoteTasks.js';
import { handleCommand } from '../eventSourcing/handleCommand.js';
import { taskDecider } from '../domain/task/decider.js';
import { taskStreamId } from '../domain/task/events.js';
import { PeerUnreachableError, type PartyTransport } from './transport.js';
import type { Outcome } from '../domain/publish/commands.js';
import type { PartyLoad } from '../publish/publishRequests.js';
import { fromLoadModelRequest, LOAD_GIVE_UP_MS, toLoadModelRequest } from './modelLoad.js';
import { makeHeader } from './commands.js';
import { otherParties } from './jobDistribution.js';
import type { PipelineModels } from '../models/pipelineModels.js';

/** How long the initiator waits for a party's node to save its model before the job fails. */
const SAVE_GIVE_UP_MS = 60_000;

export interface ClusterStartDeps {
  readonly store: EventStore;
  readonly views: Database;
  readonly waitForViews: (position: bigint) => Promise<void>;
  readonly actors: Pick<PartyActors, 'runTask' | 'stopJob'>;
  readonly clock: Clock;
  readonly runIp: string;
  readonly stopJob: (jobId: string, reason: string) => Promise<unknown>;
  /** Publishes this node's party's model to its servings (a LoadModel from the initiator). */
  readonly loadModel: (load: PartyLoad) => Promise<Outcome>;
  readonly models?: Pick<PipelineModels, 'save' | 'pipeline'>;
  /** The log, event by event, once the views hold each event (the receipts follow job ends). */
  readonly follow?: (handler: (event: RecordedEvent) => void) => () => void;
  /** At the initiator: fail a running job on every party (a party lost for its party_timeout). */
  readonly failJob?: (jobId: string, reason: string) => Promise<unknown>;
}

export class ClusterRuntime {
  readonly settings: ClusterSettings;
  readonly mailbox: ClusterMailbox;
  readonly distribution: JobDistribution;
  private readonly messages: MessageStore;
  private readonly transport: PartyTransport;
  /** Tests only (FEDFLOW_TEST_FAULTS): the fault injector under the metering, for its totals. */
  private readonly faulty: FaultyTransport | undefined;
  private readonly outbox: Outbox;
  private remoteTasks: RemoteTasks | undefined;
  private party: ClusterParty | undefined;
  private server: RunningNodeServer | undefined;
  private unfollowReceipts: (() => void) | undefined;
  private readonly receiptWork = new Set<Promise<void>>();
  private liveness: PartyLiveness | undefined;
  private heartbeats: HeartbeatClient | undefined;

  constructor(
    private readonly config: NodeConfig,
    private readonly log: Logger,
    private readonly telemetry: FederationTelemetry = NO_FEDERATION_TELEMETRY,
  ) {
    this.settings = clusterSettings(config);
    this.messages = new MessageStore(config.eventStore === 'memory' ? ':memory:' : join(config.dataDir, 'federation.sqlite'));
    const grpc = new GrpcTransport(this.settings.routes, this.settings.tls);
    this.faulty = this.settings.faults ? new FaultyTransport(grpc, this.settings.faults) : undefined;
    this.transport = new MeteredTransport(this.faulty ?? grpc, telemetry);
    this.outbox = new Outbox(this.messages, this.transport, {
      onRetry: (c) => telemetry.retry(c.request.header?.destinationPartyId ?? '', c.kind),
      onGivenUp: (c, error) => log.warn({ err: error, kind: c.kind, to: c.request.header?.destinationPartyId }, 'party command given up'),
    });
    this.mailbox = new ClusterMailbox(this.settings.partyId, new DataPlaneSender(this.transport), log);
    this.distribution = new JobDistribution(this.settings.partyId, this.outbox);
  }

  /** Unacknowledged commands per destination party. */
  outboxDepth(): Record<string, number> {
    return this.messages.outboxDepth();
  }

  get partyId(): string {
    return this.settings.partyId;
  }

  /** What the scheduler calls to run a party's task: here or on that party's node (mirrored into `store`). */
  taskRouter(local: Pick<PartyActors, 'runTask' | 'stopJob'>, store?: EventStore, clock?: Clock): RemoteTasks {
    const mirror: TaskMirror | undefined = store && ((taskId, party, command) => handleCommand(store, taskStreamId(taskId, party.role, party.partyId), taskDecider, command));
    return (this.remoteTasks ??= new RemoteTasks(this.settings.partyId, local, this.outbox, mirror, (id) => this.settings.routes.get(id) ?? '', clock ? () => clock.now() : Date.now));
  }

  /** Starts the gRPC server and re-sends what a previous run left unacknowledged. */
  async start(deps: ClusterStartDeps): Promise<number> {
    const receipts = this.receiptBook(deps);
    this.party = new ClusterParty({
      partyId: this.settings.partyId, store: deps.store, views: deps.views, waitForViews: deps.waitForViews, actors: deps.actors,
      remoteTasks: this.taskRouter(deps.actors), outbox: this.outbox, mailbox: this.mailbox, clock: deps.clock, log: this.log,
      dataDir: this.config.dataDir, runIp: deps.runIp, defaultTimeoutSeconds: this.config.jobTimeoutSeconds, stopJob: deps.stopJob, permission: this.config.permission,
      loadModel: (request) => deps.loadModel(fromLoadModelRequest(request)),
      ...(deps.models ? { models: deps.models } : {}),
      receipts,
    });
    const party = this.party;
    this.server = await startNodeServer({
      partyIds: [this.settings.partyId], host: this.settings.host, port: this.settings.grpcPort, tls: this.settings.tls, store: this.messages,
      handlers: {
        onCommand: (c) => party.onCommand(c), onObject: (o) => this.mailbox.deliver(o),
        onHeartbeat: (source, jobIds) => party.jobStatusesFor(source, jobIds),
        knowsJob: (jobId) => deps.views.prepare('SELECT 1 FROM t_job WHERE f_job_id = ? LIMIT 1').get(jobId) !== undefined,
      },
      limits: this.config.limits, telemetry: this.telemetry,
    });
    const heartbeats = (this.heartbeats = new HeartbeatClient(this.settings.partyId, this.settings.routes, this.settings.tls));
    this.liveness = new PartyLiveness({
      partyId: this.settings.partyId, views: deps.views, intervalMs: this.config.limits.heartbeatIntervalMs,
      defaultPartyTimeoutSeconds: this.config.limits.partyTimeoutSeconds, now: () => deps.clock.now(), log: this.log,
      ping: (partyId, jobIds, deadlineMs) => heartbeats.ping(partyId, jobIds, deadlineMs),
      failJob: deps.failJob ?? (async () => undefined),
      failLocally: (jobId, reason) => party.failJobHere(jobId, reason),
      markUnreachable: (jobId, parties) => party.markUnreachable(jobId, parties),
    });
    this.liveness.start();
    const resumed = this.outbox.resume();
    const failedTasks = await party.recover();
    this.log.info({ partyId: this.settings.partyId, grpcPort: this.server.port, tls: !this.settings.tls.insecure, resumed, failedTasks, faults: this.settings.faults }, 'cluster transport started');
    return this.server.port;
  }

  /**
   * Job receipts, signed with the party's TLS key and certificate (checked against the federation
   * CA), or on an insecure federation with the node key (then nothing proves whose they are).
   */
  private receiptBook(deps: ClusterStartDeps): ReceiptBook {
    const tls = this.settings.tls;
    const key = tls.insecure ? { privateKeyPem: nodeKeySigner(this.config.dataDir).privateKeyPem } : { privateKeyPem: tls.key, certificatePem: tls.cert };
    const book = new ReceiptBook({
      partyId: this.settings.partyId, store: deps.store, views: deps.views, outbox: this.outbox, clock: deps.clock, log: this.log,
      sign: receiptSigner(key), ...(tls.insecure ? {} : { caPem: tls.ca }),
    });
    this.unfollowReceipts = deps.follow?.((event) => {
      const work = runAsProcess('job-receipts', () => book.onEvent(event), event);
      if (!work) return;
      this.receiptWork.add(work);
      void work.finally(() => this.receiptWork.delete(work));
    });
    return book;
  }

  /** /v1/job/submit at the initiator: create the job on every other party (throws on a refusal). */
  createOnOtherParties(jobId: string, plan: JobPlan): Promise<void> {
    return this.distribution.create(jobId, plan);
  }

  /** /v1/model/load at the initiator: another party's node publishes to its servings; throws when it cannot be reached. */
  async loadModelOn(load: PartyLoad): Promise<Outcome> {
    // No route: retrying cannot help, the party is unreachable now.
    if (!this.settings.routes.get(load.local.partyId)) throw new PeerUnreachableError(load.local.partyId, undefined, 'the route table has no entry for it');
    const ack = await this.outbox.send({ kind: 'loadModel', request: toLoadModelRequest(load, this.settings.partyId) }, { giveUpAfterMs: LOAD_GIVE_UP_MS });
    return { retcode: ack.retcode, retmsg: ack.retmsg };
  }

  /** End of a training job at the initiator: every other party's node saves its party's model; throws naming the first failure. */
  async saveOnOtherParties(plan: JobPlan): Promise<void> {
    const parties = otherParties(plan.roles, this.settings.partyId);
    const results = await Promise.all([...parties].map(async ([partyId, role]) => {
      const request = { header: makeHeader({ source: this.settings.partyId, destination: partyId, jobId: plan.jobId }), modelId: plan.modelId, modelVersion: plan.modelVersion };
      try {
        const ack = await this.outbox.send({ kind: 'savePipelineModel', request }, { giveUpAfterMs: SAVE_GIVE_UP_MS });
        return ack.retcode === 0 ? undefined : `${role} ${partyId}: ${ack.retmsg}`;
      } catch (error) {
        return `${role} ${partyId}: ${(error as Error).message}`;
      }
    }));
    const failed = results.filter((r) => r !== undefined);
    if (failed.length) throw new Error(failed.join('; '));
  }

  /** Heartbeat figures (answered, missed) since start. */
  get heartbeatCounts(): { answered: number; missed: number } {
    return this.liveness?.counts ?? { answered: 0, missed: 0 };
  }

  async close(): Promise<void> {
    this.unfollowReceipts?.();
    await Promise.allSettled([...this.receiptWork]);
    await this.liveness?.close();
    this.heartbeats?.close();
    await this.party?.close();
    await this.outbox.close();
    await this.server?.close();
    this.transport.close();
    this.messages.close();
    if (this.faulty) {
      // Test-only: lets a chaos test prove the faults happened.
      this.log.info({ faults: this.faulty.counts }, 'fault injection totals');
      writeFileSync(join(this.config.dataDir, 'fault-counts.json'), JSON.stringify(this.faulty.counts));
    }
  }
}
