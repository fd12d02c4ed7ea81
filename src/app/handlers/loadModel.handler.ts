import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError } from '../../domain/decider.js';
import type { Outcome } from '../../domain/publish/commands.js';
import { UNREACHABLE } from '../../domain/publish/decider.js';
import type { PartyLoadResult } from '../../domain/publish/events.js';
import { loadTargets, type PartyRef } from '../../domain/publish/plan.js';
import type { PartyLoad } from '../../publish/publishRequests.js';
import { LoadModel, type LoadAnswer, type LoadRequest } from '../publishCommands.js';
import { NodeServices } from '../nodeServices.js';

/**
 * /v1/model/load at the initiator: record the request, have every non-arbiter party publish (here
 * for the parties this node hosts, through their node for the others in cluster mode), record
 * FATE's verdict and answer it once the views have it.
 */
@CommandHandler(LoadModel)
export class LoadModelHandler implements ICommandHandler<LoadModel> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId, request, requestedBy }: LoadModel): Promise<LoadAnswer> {
    const cluster = checkMode(this.s, request);
    if (cluster && request.initiator.partyId !== cluster.partyId) {
      throw new IllegalStateError(`initiator party ${request.initiator.partyId} is not the party of this node (${cluster.partyId}): load the model at the initiator's node`);
    }
    const { modelId, modelVersion } = request;
    const publisher = this.s.publisher;
    const metadata = { correlationId: jobId, requestedBy };
    await publisher.record(modelId, modelVersion, {
      type: 'RequestLoad',
      data: { jobId, modelId, modelVersion, initiator: request.initiator, roles: request.roles, loadType: request.loadType, at: this.s.clock.now() },
    }, metadata);
    const results = await Promise.all(
      loadTargets(request.roles).map(async (party): Promise<PartyLoadResult> => {
        const load = partyLoad(jobId, request, party);
        if (!cluster || party.partyId === cluster.partyId) return { ...party, ...outcome(await publisher.loadOnParty(load, { requestedBy })) };
        try {
          return { ...party, ...outcome(await cluster.loadModelOn(load)) };
        } catch (error) {
          this.s.log.warn({ err: error, jobId, party }, 'model load: party node unreachable');
          return { ...party, retcode: UNREACHABLE };
        }
      }),
    );
    const finished = await publisher.record(modelId, modelVersion, { type: 'FinishLoad', data: { jobId, modelId, modelVersion, results, at: this.s.clock.now() } }, metadata);
    const event = finished.events.find((e) => e.type === 'ModelLoadFinished');
    if (event?.type !== 'ModelLoadFinished' || !finished.appended) throw new Error(`model load ${jobId} recorded no verdict`);
    await this.s.views.waitFor(finished.appended.position);
    return { retcode: event.data.retcode, retmsg: event.data.retmsg, results: event.data.results };
  }
}

export function partyLoad(jobId: string, r: LoadRequest, local: PartyRef): PartyLoad {
  return {
    jobId, initiator: r.initiator, roles: r.roles, modelId: r.modelId, modelVersion: r.modelVersion, loadType: r.loadType, local,
    ...(r.filePath !== undefined ? { filePath: r.filePath } : {}),
  };
}

export const outcome = (o: Outcome): Outcome => ({ retcode: o.retcode, retmsg: o.retmsg });

/** A request's work_mode must be the node's (as for a job); returns the cluster side in cluster mode. */
export function checkMode(s: NodeServices, request: { workMode?: 0 | 1 }): NodeServices['cluster'] {
  const mode = s.config.workMode;
  if (request.workMode !== undefined && request.workMode !== mode) {
    throw new IllegalStateError(mode === 0 ? 'server run on standalone can not support cluster mode job' : 'standalone mode request (work_mode 0) sent to a cluster server');
  }
  if (mode === 1 && !s.cluster) throw new IllegalStateError('cluster mode needs a node started in cluster mode (--work-mode 1 --party-id ...)');
  return mode === 1 ? s.cluster : undefined;
}
