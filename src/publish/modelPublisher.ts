// A node's side of model publication: publish one of its parties' models to that party's serving
// addresses (FATE's /v1/model/load/do), bind a service id at the initiator's servings, and record
// every serving's answer on the model's publication stream. Appends to one stream are queued, so
// parties publishing in parallel on a standalone node do not race for the stream's revision.
import type { Logger } from 'pino';
import { servingsOf, type Servings } from '../config.js';
import { handleCommand, type HandledCommand } from '../eventSourcing/handleCommand.js';
import type { Clock } from '../eventSourcing/clock.js';
import type { Outcome, PublishCommand } from '../domain/publish/commands.js';
import { NO_SERVINGS, publishDecider, type PublishState } from '../domain/publish/decider.js';
import { modelPublishStreamId, type PublishEvent } from '../domain/publish/events.js';
import type { EventMetadata, EventStore } from '../store/eventStore.js';
import { bindRequest, loadRequest, type ModelBind, type PartyLoad } from './publishRequests.js';
import type { ServingGateway } from './servingGateway.js';


export interface ModelPublisherDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  /** The node's configured serving addresses (config `servings`). */
  readonly servings: Servings | undefined;
  readonly gateway: ServingGateway;
  /** This node's /v1/model/transfer URL: the filePath serving pulls the model from. */
  readonly transferUrl: string;
  readonly log: Logger;
}

/** Who asked (recorded as event metadata): an HTTP client address or `party <id>`. */
export interface Requester {
  readonly requestedBy: string;
}

/** An outcome and the log position of the last event recorded for it (for read-your-writes). */
export type Recorded<T> = T & { readonly position: bigint };

export class ModelPublisher {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ModelPublisherDeps) {}

  /** The addresses a party of this node publishes to (empty: none configured). */
  servingsOf(partyId: string): readonly string[] {
    return servingsOf(this.deps.servings, partyId);
  }

  /**
   * Publishes `load.local`'s model on each of its serving addresses (in parallel, each with a
   * deadline) and records each answer. The party's answer is the first failure in address order
   * (`statusCode, "<message> <error>"`), else success; no address → 100 `Please configure servings address`.
   */
  async loadOnParty(load: PartyLoad, who: Requester): Promise<Recorded<Outcome>> {
    const metadata = { correlationId: load.jobId, requestedBy: who.requestedBy };
    const addresses = this.servingsOf(load.local.partyId);
    const base = { jobId: load.jobId, modelId: load.modelId, modelVersion: load.modelVersion, role: load.local.role, partyId: load.local.partyId, loadType: load.loadType };
    if (addresses.length === 0) {
      const r = await this.record(load.modelId, load.modelVersion, { type: 'RecordPublish', data: { ...base, serving: null, outcome: NO_SERVINGS, at: this.deps.clock.now() } }, metadata);
      return { ...NO_SERVINGS, position: positionOf(r) };
    }
    const request = loadRequest(load, load.filePath ?? this.deps.transferUrl);
    const outcomes = await Promise.all(addresses.map((a) => this.deps.gateway.publishLoad(a, request)));
    let position = 0n;
    for (const [i, outcome] of outcomes.entries()) {
      const r = await this.record(load.modelId, load.modelVersion, { type: 'RecordPublish', data: { ...base, serving: addresses[i]!, outcome, at: this.deps.clock.now() } }, metadata);
      position = positionOf(r);
    }
    this.deps.log.info({ jobId: load.jobId, party: load.local, addresses, outcomes }, 'model published to serving');
    return { ...verdict(outcomes), position };
  }

  /**
   * Binds the service id on each address (the request's `servings`, else the initiator's
   * configured ones): the answer is the first failure `{statusCode, message}`, else success.
   */
  async bind(bind: ModelBind, addresses: readonly string[], who: Requester): Promise<Recorded<Outcome>> {
    const metadata = { correlationId: bind.serviceId, requestedBy: who.requestedBy };
    const base = { serviceId: bind.serviceId, modelId: bind.modelId, modelVersion: bind.modelVersion, role: bind.initiator.role, partyId: bind.initiator.partyId };
    if (addresses.length === 0) {
      const r = await this.record(bind.modelId, bind.modelVersion, { type: 'RecordBind', data: { ...base, serving: null, outcome: NO_SERVINGS, at: this.deps.clock.now() } }, metadata);
      return { ...NO_SERVINGS, position: positionOf(r) };
    }
    const request = bindRequest(bind);
    const outcomes = await Promise.all(addresses.map((a) => this.deps.gateway.publishBind(a, request)));
    let position = 0n;
    for (const [i, outcome] of outcomes.entries()) {
      const r = await this.record(bind.modelId, bind.modelVersion, { type: 'RecordBind', data: { ...base, serving: addresses[i]!, outcome, at: this.deps.clock.now() } }, metadata);
      position = positionOf(r);
    }
    this.deps.log.info({ serviceId: bind.serviceId, addresses, outcomes }, 'model bound at serving');
    return { ...verdict(outcomes), position };
  }

  /**
   * After a restart: loads the node was running when it stopped never got their verdict. They
   * end now, failed (every party without an answer counts as unreachable), with the reason.
   */
  async finishInterrupted(open: readonly { jobId: string; modelId: string; modelVersion: string }[]): Promise<bigint> {
    let position = 0n;
    for (const load of open) {
      const r = await this.record(load.modelId, load.modelVersion, {
        type: 'FinishLoad', data: { ...load, results: [], reason: 'node restarted while the load ran', at: this.deps.clock.now() },
      }, { correlationId: load.jobId, requestedBy: 'node recovery' });
      position = positionOf(r);
    }
    return position;
  }

  /** Decides and appends one command on the model's publication stream, after the stream's earlier ones. */
  record(modelId: string, modelVersion: string, command: PublishCommand, metadata?: EventMetadata): Promise<HandledCommand<PublishState, PublishEvent>> {
    const stream = modelPublishStreamId(modelId, modelVersion);
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => handleCommand(this.deps.store, stream, publishDecider, command, metadata ? { metadata } : {}));
    this.queues.set(stream, next);
    const forget = (): void => {
      if (this.queues.get(stream) === next) this.queues.delete(stream);
    };
    next.then(forget, forget);
    return next;
  }
}

function verdict(outcomes: readonly Outcome[]): Outcome {
  return outcomes.find((o) => o.retcode !== 0) ?? { retcode: 0, retmsg: 'success' };
}

function positionOf(r: HandledCommand<unknown, unknown>): bigint {
  return r.appended?.position ?? 0n;
}
