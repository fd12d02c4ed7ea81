import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError } from '../../domain/decider.js';
import type { Outcome } from '../../domain/publish/commands.js';
import { LoadModelOnParty } from '../publishCommands.js';
import { NodeServices } from '../nodeServices.js';
import { checkMode, outcome, partyLoad } from './loadModel.handler.js';

/** /v1/model/load/do: one party of this node publishes to its own servings. */
@CommandHandler(LoadModelOnParty)
export class LoadModelOnPartyHandler implements ICommandHandler<LoadModelOnParty> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId, request, local, requestedBy }: LoadModelOnParty): Promise<Outcome> {
    const cluster = checkMode(this.s, request);
    if (cluster && local.partyId !== cluster.partyId) throw new IllegalStateError(`party ${local.partyId} is not the party of this node (${cluster.partyId})`);
    const result = await this.s.publisher.loadOnParty(partyLoad(jobId, request, local), { requestedBy });
    await this.s.views.waitFor(result.position);
    return outcome(result);
  }
}
