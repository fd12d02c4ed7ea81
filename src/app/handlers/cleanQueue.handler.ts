import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CleanQueue } from '../commands.js';
import { NodeServices } from '../nodeServices.js';

@CommandHandler(CleanQueue)
export class CleanQueueHandler implements ICommandHandler<CleanQueue> {
  constructor(private readonly s: NodeServices) {}

  async execute() {
    const canceled = await this.s.scheduler().cleanQueue();
    await this.s.views.waitFor(await this.s.store.headPosition());
    return { canceled };
  }
}
