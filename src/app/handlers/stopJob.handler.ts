import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { StopJob } from '../commands.js';
import { NodeServices } from '../nodeServices.js';

@CommandHandler(StopJob)
export class StopJobHandler implements ICommandHandler<StopJob> {
  constructor(private readonly s: NodeServices) {}

  async execute({ jobId }: StopJob) {
    const outcome = await this.s.scheduler().stop(jobId);
    await this.s.views.waitFor(await this.s.store.headPosition());
    return { outcome };
  }
}
