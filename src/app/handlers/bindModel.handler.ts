import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Outcome } from '../../domain/publish/commands.js';
import { BindModel } from '../publishCommands.js';
import { NodeServices } from '../nodeServices.js';
import { checkMode } from './loadModel.handler.js';

/** /v1/model/bind: local only; the service id goes to the given or the initiator's configured servings. */
@CommandHandler(BindModel)
export class BindModelHandler implements ICommandHandler<BindModel> {
  constructor(private readonly s: NodeServices) {}

  async execute({ serviceId, request, servings, requestedBy }: BindModel): Promise<Outcome> {
    checkMode(this.s, request);
    const addresses = servings ?? this.s.publisher.servingsOf(request.initiator.partyId);
    const result = await this.s.publisher.bind(
      { serviceId, initiator: request.initiator, roles: request.roles, modelId: request.modelId, modelVersion: request.modelVersion },
      addresses,
      { requestedBy },
    );
    await this.s.views.waitFor(result.position);
    return { retcode: result.retcode, retmsg: result.retmsg };
  }
}
