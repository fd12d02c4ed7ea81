// The model publication commands (/v1/model/load, /v1/model/load/do, /v1/model/bind).
import { Command } from '@nestjs/cqrs';
import type { Outcome } from '../domain/publish/commands.js';
import type { PartyLoadResult } from '../domain/publish/events.js';
import type { PartyRef, RoleMap } from '../domain/publish/plan.js';

/** The validated body of a load request. */
export interface LoadRequest {
  readonly initiator: PartyRef;
  readonly roles: RoleMap;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly loadType: string;
  readonly filePath?: string;
  /** job_parameters.work_mode when given: it must be the node's. */
  readonly workMode?: 0 | 1;
}

export interface LoadAnswer {
  readonly retcode: number;
  readonly retmsg: string;
  /** One result per party that loads (every role but arbiter), in the request's order. */
  readonly results: readonly PartyLoadResult[];
}

/** /v1/model/load: every non-arbiter party publishes its model to its serving addresses. */
export class LoadModel extends Command<LoadAnswer> {
  constructor(
    readonly jobId: string,
    readonly request: LoadRequest,
    /** Who asked (the HTTP client's address), recorded with the events. */
    readonly requestedBy: string,
  ) {
    super();
  }
}

/** /v1/model/load/do: one party of this node publishes its model to its own serving addresses. */
export class LoadModelOnParty extends Command<Outcome> {
  constructor(
    readonly jobId: string,
    readonly request: LoadRequest,
    readonly local: PartyRef,
    readonly requestedBy: string,
  ) {
    super();
  }
}

/** /v1/model/bind: the initiator's serving addresses map the service id to the initiator's model. */
export class BindModel extends Command<Outcome> {
  constructor(
    readonly serviceId: string,
    readonly request: Omit<LoadRequest, 'loadType' | 'filePath'>,
    /** The request's `servings`; undefined → the initiator party's configured addresses. */
    readonly servings: readonly string[] | undefined,
    readonly requestedBy: string,
  ) {
    super();
  }
}
